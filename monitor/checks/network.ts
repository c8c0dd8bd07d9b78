// The monitor's own network self-check (spec §3.6), with MMM's meaning: can the monitor reach *anything*?
//
//   * at startup, `waitUntilReachable()` retries every ping_interval until one of ping_ips answers;
//   * at runtime, every ping_interval, ping_ips are pinged in order, stopping at the first that answers;
//     `haveNet` follows, and each flip is logged at FATAL: "Network is reachable" / "Network is unreachable".
//   * while the network is down the checks ignore ERROR results (no failure is reported), and the tick must
//     not evaluate host states or send anything to agents.
// ping_ip uses the ping check's method with MMM's fixed 1 s timeout.
import type { Logger } from '../../common/log/index.js';
import type { Pinger } from './ping.js';

export const PING_IP_TIMEOUT_MS = 1000;
/** Port for the TCP fallback when neither fping nor ping works (a refusal proves the address is reachable). */
export const PING_IP_TCP_PORT = 7;

export interface NetworkCheckerOptions {
  readonly pingIps: readonly string[];
  /** Seconds between rounds (MMM ping_interval, default 1). */
  readonly pingInterval: number;
  /** True if `ip` answered; must not throw. */
  readonly probe: (ip: string) => Promise<boolean>;
  readonly logger: Logger;
}

/** ping_ip as MMM did it: the ping check's method, 1 s timeout. */
export function pingIpProbe(pinger: Pinger): (ip: string) => Promise<boolean> {
  return async (ip) => (await pinger.ping(ip, PING_IP_TCP_PORT, PING_IP_TIMEOUT_MS)).kind === 'ok';
}

export class NetworkChecker {
  readonly #opts: NetworkCheckerOptions;
  readonly #listeners = new Set<(haveNet: boolean) => void>();
  #haveNet = true;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<boolean> | undefined;
  #stopped = false;

  constructor(opts: NetworkCheckerOptions) {
    this.#opts = opts;
    if (opts.pingIps.length === 0) {
      opts.logger.warn('no ping_ips configured: the monitor assumes its network is always reachable');
    }
  }

  /** The last verdict (true until a round says otherwise). */
  get haveNet(): boolean {
    return this.#haveNet;
  }

  onChange(listener: (haveNet: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** One round: ping_ips in order until one answers. Updates haveNet and logs a flip. Single-flight. */
  checkOnce(): Promise<boolean> {
    this.#running ??= this.#round().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #round(): Promise<boolean> {
    let up = this.#opts.pingIps.length === 0;
    for (const ip of this.#opts.pingIps) {
      if (await this.#opts.probe(ip)) {
        up = true;
        break;
      }
    }
    if (up !== this.#haveNet && !this.#stopped) {
      this.#haveNet = up;
      this.#opts.logger.fatal(up ? 'Network is reachable' : 'Network is unreachable');
      for (const l of this.#listeners) l(up);
    }
    return up;
  }

  /** Startup: returns once one of ping_ips answers, retrying every ping_interval (or rejects when aborted). */
  async waitUntilReachable(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      if (await this.checkOnce()) return;
      await sleep(this.#opts.pingInterval * 1000, signal);
    }
  }

  /** Runs a round every ping_interval until stop(). */
  start(): void {
    this.#stopped = false;
    const loop = (): void => {
      if (this.#stopped) return;
      void this.checkOnce().then(() => {
        if (!this.#stopped) this.#timer = setTimeout(loop, this.#opts.pingInterval * 1000);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (this.#running !== undefined) await this.#running;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
