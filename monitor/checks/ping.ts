// The `ping` check and the ping used by the ping_ips network self-check (spec §3.2, §3.6).
//
// MMM pinged with Net::Ping (ICMP, as root) or fping (not root). We use, in this order, whichever works here:
//   1. fping (looked up where MMM looked: /usr/sbin, /sbin, /usr/bin, /bin)   → "ERROR: fping could not reach <ip>"
//   2. ping from iputils: `ping -n -q -c 1 -W <s> <ip>`                        → "ERROR: Could not ping <ip>"
//   3. a TCP connect to the host's MySQL port: an answer of any kind (accept
//      or refuse) proves the host is up; no answer in time is a failure       → "ERROR: Could not ping <ip>"
// "Works" is decided once, by pinging 127.0.0.1 (fping/ping exit 0); a fallback is logged once.
// Deliberate difference: MMM ignored the check's `timeout` and always waited 0.5 s; we wait `timeout`.
// Exit codes other than "no answer" (e.g. fping 3/4, ping 2: bad argument, no socket permission) and spawn
// failures are problems of the monitor host, not of the checked host: UNKNOWN, never a failure.
import { execFile, spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { connect } from 'node:net';
import type { Logger } from '../../common/log/index.js';
import { couldNotPing, errorOccurred, fpingCouldNotReach, OK, type RawResult } from './messages.js';

export type PingMethod =
  | { readonly kind: 'fping'; readonly path: string }
  | { readonly kind: 'ping'; readonly path: string }
  | { readonly kind: 'tcp' };

/** Where MMM looked for fping, in MMM's order. */
const SEARCH_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];
/** Extra time a ping process gets beyond its own timeout before it is killed. */
const KILL_GRACE_MS = 250;
const PROBE_TIMEOUT_MS = 1000;

async function findExecutable(name: string): Promise<string | undefined> {
  for (const dir of SEARCH_DIRS) {
    const path = `${dir}/${name}`;
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // next directory
    }
  }
  return undefined;
}

interface ExecOutcome {
  /** Exit code; null when killed (timeout) or not started. */
  readonly code: number | null;
  readonly killed: boolean;
  readonly spawnError: string | undefined;
  readonly stderr: string;
}

function run(path: string, args: readonly string[], timeoutMs: number): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    execFile(
      path,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', windowsHide: true, env: { LC_ALL: 'C', PATH: '/usr/bin:/bin' } },
      (error, _stdout, stderr) => {
        if (error === null) {
          resolve({ code: 0, killed: false, spawnError: undefined, stderr });
          return;
        }
        const e = error as NodeJS.ErrnoException & { code?: unknown; killed?: boolean; signal?: unknown };
        if (typeof e.code === 'number') {
          resolve({ code: e.code, killed: e.killed === true, spawnError: undefined, stderr });
        } else if (e.killed === true || (e.signal !== undefined && e.signal !== null)) {
          resolve({ code: null, killed: true, spawnError: undefined, stderr });
        } else {
          resolve({ code: null, killed: false, spawnError: e.message, stderr });
        }
      },
    );
  });
}

function icmpArgs(method: 'fping' | 'ping', ip: string, timeoutMs: number): string[] {
  if (method === 'fping') return ['-q', '-C', '1', '-t', String(Math.max(1, Math.round(timeoutMs))), ip];
  return ['-n', '-q', '-c', '1', '-W', String(Math.max(0.001, timeoutMs / 1000)), ip];
}

/** TCP reachability: connected or refused = the host answered. */
function tcpProbe(ip: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port });
    const done = (up: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(up);
    };
    const timer = setTimeout(() => {
      done(false);
    }, timeoutMs);
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      done(e.code === 'ECONNREFUSED');
    });
  });
}

/** One ping of `ip` with the given method, bounded by `timeoutMs` (plus a short kill grace for a process). */
export async function pingOnce(method: PingMethod, ip: string, port: number, timeoutMs: number): Promise<RawResult> {
  if (method.kind === 'tcp') return (await tcpProbe(ip, port, timeoutMs)) ? OK : couldNotPing(ip);
  const out = await run(method.path, icmpArgs(method.kind, ip, timeoutMs), timeoutMs + KILL_GRACE_MS);
  const unreachable = method.kind === 'fping' ? fpingCouldNotReach(ip) : couldNotPing(ip);
  if (out.code === 0) return OK;
  if (out.code === 1 || out.killed) return unreachable;
  return errorOccurred(
    out.spawnError ?? `${method.kind} exited with ${String(out.code)}: ${out.stderr.trim().split('\n')[0] ?? ''}`,
  );
}

/** fping's verdict lines (`-e`): `198.18.0.11 is alive (0.05 ms)` / `198.18.0.12 is unreachable`. */
export function parseFpingLine(line: string): { readonly ip: string; readonly alive: boolean } | undefined {
  const m = /^(\S+) is (alive|unreachable)\b/.exec(line.trim());
  return m?.[1] === undefined ? undefined : { ip: m[1], alive: m[2] === 'alive' };
}

/** How long a ping waits for others to share its fping process. */
export const FPING_BATCH_WINDOW_MS = 50;
/** fping sends to its targets 10 ms apart (its default -i): the process gets that much more time per target. */
const FPING_TARGET_INTERVAL_MS = 10;

type Waiters = Map<string, ((r: RawResult) => void)[]>;

/**
 * fping takes many targets: pings due within FPING_BATCH_WINDOW_MS of each other (with the same timeout) share
 * one process instead of one process per host and period (bench scale: with 100 hosts checked every second,
 * process starts were most of the monitor's CPU). fping prints each target's verdict as soon as it has it, so
 * one silent target does not hold the answers of the others.
 */
export class FpingBatcher {
  readonly #path: string;
  readonly #windowMs: number;
  readonly #queue = new Map<number, Waiters>();

  constructor(path: string, windowMs = FPING_BATCH_WINDOW_MS) {
    this.#path = path;
    this.#windowMs = windowMs;
  }

  ping(ip: string, timeoutMs: number): Promise<RawResult> {
    return new Promise((resolve) => {
      let batch = this.#queue.get(timeoutMs);
      if (batch === undefined) {
        batch = new Map();
        this.#queue.set(timeoutMs, batch);
        setTimeout(() => {
          this.#flush(timeoutMs);
        }, this.#windowMs);
      }
      batch.set(ip, [...(batch.get(ip) ?? []), resolve]);
    });
  }

  #flush(timeoutMs: number): void {
    const batch = this.#queue.get(timeoutMs);
    this.#queue.delete(timeoutMs);
    if (batch === undefined) return;
    const settle = (ip: string, r: RawResult): void => {
      for (const w of batch.get(ip) ?? []) w(r);
      batch.delete(ip);
    };
    const ips = [...batch.keys()];
    const args = ['-r', '0', '-e', '-t', String(Math.max(1, Math.round(timeoutMs))), ...ips];
    let stderr = '';
    let out = '';
    const child = spawn(this.#path, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { LC_ALL: 'C', PATH: '/usr/bin:/bin' },
    });
    const killer = setTimeout(
      () => child.kill('SIGKILL'),
      timeoutMs + FPING_TARGET_INTERVAL_MS * ips.length + KILL_GRACE_MS,
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        const v = parseFpingLine(line);
        if (v !== undefined && batch.has(v.ip)) settle(v.ip, v.alive ? OK : fpingCouldNotReach(v.ip));
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (stderr.length < 4096) stderr += d;
    });
    const finish = (code: number | null, spawnError: string | undefined): void => {
      clearTimeout(killer);
      for (const ip of [...batch.keys()]) {
        // no verdict line: killed (timeout) or, with fping's own error (exit 2+), a problem of the monitor host
        const first = stderr.trim().split('\n')[0] ?? '';
        settle(
          ip,
          code === 0 || code === 1 || code === null
            ? spawnError === undefined
              ? fpingCouldNotReach(ip)
              : errorOccurred(spawnError)
            : errorOccurred(`fping exited with ${String(code)}: ${first}`),
        );
      }
    };
    child.once('error', (e) => {
      finish(null, e.message);
    });
    child.once('close', (code) => {
      finish(code, undefined);
    });
  }
}

/**
 * Picks the ping method once (fping, else ping, else TCP) and logs the choice; a fallback to TCP is a
 * warning, since it cannot tell a dead host from a dropped port.
 */
export class Pinger {
  readonly #log: Logger;
  #method: Promise<PingMethod> | undefined;
  #batcher: FpingBatcher | undefined;

  constructor(log: Logger, method?: PingMethod) {
    this.#log = log;
    if (method !== undefined) this.#method = Promise.resolve(method);
  }

  method(): Promise<PingMethod> {
    this.#method ??= this.#detect();
    return this.#method;
  }

  async #detect(): Promise<PingMethod> {
    const notes: string[] = [];
    for (const kind of ['fping', 'ping'] as const) {
      const path = await findExecutable(kind);
      if (path === undefined) {
        notes.push(`${kind}: not found`);
        continue;
      }
      const probe = await run(path, icmpArgs(kind, '127.0.0.1', PROBE_TIMEOUT_MS), PROBE_TIMEOUT_MS + KILL_GRACE_MS);
      if (probe.code === 0) {
        this.#log.info({ method: kind, path }, `ping check: using ${path}`);
        return { kind, path };
      }
      notes.push(`${path}: ${probe.spawnError ?? (probe.stderr.trim() || `exit ${String(probe.code)}`)}`);
    }
    this.#log.warn(
      { method: 'tcp', tried: notes },
      'ping check: neither fping nor ping is usable here; falling back to a TCP connect to the MySQL port ' +
        `(${notes.join('; ')})`,
    );
    return { kind: 'tcp' };
  }

  async ping(ip: string, port: number, timeoutMs: number): Promise<RawResult> {
    const method = await this.method();
    if (method.kind !== 'fping') return pingOnce(method, ip, port, timeoutMs);
    this.#batcher ??= new FpingBatcher(method.path);
    return this.#batcher.ping(ip, timeoutMs);
  }
}
