// VIP handling on the cluster interface: `ip addr add|del <vip>/32 dev <iface>`, presence check, and the
// gratuitous ARP that makes clients switch at once (lab-facts §5: without it they keep the old MAC for 15-45 s).
// arping -U blocks about a second per packet, so it runs in the background and never delays a request.
import type { Logger } from '../../common/log/index.js';
import { MmmError } from '../../common/errors/index.js';
import { runCommand, runInBackground, type BackgroundJob, type BackgroundRunner, type CommandRunner } from './exec.js';

export interface NetworkOps {
  /** IPv4 addresses currently bound on the interface. */
  listAddresses(): Promise<ReadonlySet<string>>;
  /** Binds ip/32 (no-op if present) and verifies it is there. */
  addVip(ip: string): Promise<void>;
  /** Removes ip/32 (no-op if absent) and verifies it is gone. */
  removeVip(ip: string): Promise<void>;
  /** Starts gratuitous ARP announcements for ip in the background. */
  announce(ip: string): void;
  /** The last failure of a background announcement, for the status report. */
  readonly lastAnnounceError: MmmError | undefined;
}

export interface NetworkOpsOptions {
  readonly iface: string;
  readonly logger: Logger;
  readonly timeoutMs?: number;
  /** Gratuitous ARP packets per announcement (one per second). */
  readonly arpCount?: number;
  readonly ipBin?: string;
  readonly arpingBin?: string;
  readonly run?: CommandRunner;
  readonly runBackground?: BackgroundRunner;
}

/** Parses `ip -o -4 addr show dev X` output into the set of addresses (exact strings, no regex on the IP). */
export function parseAddresses(stdout: string): Set<string> {
  const out = new Set<string>();
  for (const m of stdout.matchAll(/\binet\s+(\d{1,3}(?:\.\d{1,3}){3})\/\d+/g)) {
    if (m[1] !== undefined) out.add(m[1]);
  }
  return out;
}

export function createNetworkOps(opts: NetworkOpsOptions): NetworkOps {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const ip = opts.ipBin ?? 'ip';
  const arping = opts.arpingBin ?? 'arping';
  const run = opts.run ?? runCommand;
  const runBackground = opts.runBackground ?? runInBackground;
  const arpCount = opts.arpCount ?? 3;
  let lastAnnounceError: MmmError | undefined;
  // The announcement under way per VIP. A host that gives a VIP up stops announcing it at once: its arping
  // would otherwise go on for up to arpCount s, point the neighbours back at this host after the new holder's
  // announcement, and Linux neighbours then ignore the new holder's next one for locktime (1 s).
  const announcing = new Map<string, BackgroundJob>();
  const stopAnnouncing = (vip: string): void => {
    announcing.get(vip)?.stop();
    announcing.delete(vip);
  };

  const list = async (): Promise<Set<string>> =>
    parseAddresses((await run([ip, '-o', '-4', 'addr', 'show', 'dev', opts.iface], { timeoutMs })).stdout);

  const change = async (verb: 'add' | 'del', vip: string, tolerated: RegExp): Promise<void> => {
    try {
      await run([ip, 'addr', verb, `${vip}/32`, 'dev', opts.iface], { timeoutMs });
    } catch (e) {
      // Already present / already gone is the state we want; anything else is a real failure.
      if (!tolerated.test((e as Error).message)) throw e;
    }
  };

  return {
    listAddresses: list,
    async addVip(vip) {
      await change('add', vip, /already assigned|File exists/i);
      if (!(await list()).has(vip)) throw verifyFailure(`${vip} is not on ${opts.iface} after 'ip addr add'`);
    },
    async removeVip(vip) {
      stopAnnouncing(vip);
      await change('del', vip, /Address not found|Cannot assign requested address/i);
      if ((await list()).has(vip)) throw verifyFailure(`${vip} is still on ${opts.iface} after 'ip addr del'`);
    },
    announce(vip) {
      const argv = [arping, '-q', '-U', '-c', String(arpCount), '-I', opts.iface, vip];
      stopAnnouncing(vip);
      const job = runBackground(argv, {
        timeoutMs: (arpCount + 2) * 1000,
        onError: (e) => {
          lastAnnounceError = e;
          opts.logger.error({ vip, code: e.code }, `gratuitous ARP for ${vip} failed: ${e.message}`);
        },
      });
      announcing.set(vip, job);
    },
    get lastAnnounceError() {
      return lastAnnounceError;
    },
  };
}

function verifyFailure(message: string): MmmError {
  return new MmmError('MMM_EXEC_FAILED', message);
}
