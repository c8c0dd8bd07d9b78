// Before a failover promotes its candidate: semi-sync is satisfied by ANY replica's acknowledgement, so an
// acknowledged write may have reached only a replica that can never be the writer (the writer cut off right
// after db3 acknowledged, before db2 received it: measured once in 5 isolation runs). Every reachable replica
// is compared with the candidate; one that has transactions the candidate lacks becomes its source for a
// moment (by GTID) until the candidate applied them, bounded by catchup_timeout, then the promotion cuts that
// replication as usual. Never blocks the failover: a fetch that fails leaves that replica to the repoint
// step, which takes it out of the reader roles as unable to follow (and says why).
import type { Config } from '../../common/config/types.js';
import { describeError } from '../../common/errors/index.js';
import type { Logger } from '../../common/log/index.js';
import { factsOf, type AgentPort } from '../agent-link.js';
import { formatOffer, offerContains, offerDifference, offerOf, type Offer } from '../core/failover/gtid-view.js';
import type { Recorder } from './executor.js';

export interface FetchPorts {
  readonly agents: AgentPort;
  readonly logger: Logger;
  readonly now: () => number;
}

export interface FetchRun {
  readonly config: Config;
  readonly epoch: number;
  /** Hosts left out: the old writers being replaced. */
  readonly exclude: readonly string[];
  readonly progress: (text: string) => void;
}

/**
 * What a host can serve from its binlog (received-only events are not in it yet), or the reason it could not be
 * read. A status read that misses its short deadline is tried once more with four times as long: on a loaded
 * host (a monitor that just restarted pushes to every agent at once) 500 ms was measured too short, and a
 * replica left out of the comparison may be the only one holding an acknowledged write.
 */
async function servable(
  p: FetchPorts,
  host: string,
  timeoutMs: number,
  withReceived: boolean,
): Promise<{ offer: Offer } | { error: string }> {
  let error = '';
  for (const t of [timeoutMs, timeoutMs * 4]) {
    try {
      const f = factsOf(await p.agents.status(host, t), p.now());
      if (f === undefined) return { error: 'its agent reports no MySQL state' };
      const offer = offerOf(withReceived ? f : { ...f, replication: null });
      return offer === undefined ? { error: 'its GTID position cannot be parsed' } : { offer };
    } catch (e) {
      error = describeError(e);
    }
  }
  return { error };
}

/** Returns the hosts the candidate fetched from (in order); logs and records each fetch as a step. */
export async function fetchMissing(
  p: FetchPorts,
  run: FetchRun,
  rec: Recorder,
  to: string,
  timeoutMs: number,
  statusTimeoutMs: number,
  verifyMs: number,
): Promise<string[]> {
  const others = run.config.hosts.map((h) => h.name).filter((h) => h !== to && !run.exclude.includes(h));
  const fetched: string[] = [];
  const unread = new Set<string>();
  const cannotCompare = (host: string, error: string, started: number): void => {
    if (unread.has(host)) return;
    unread.add(host);
    const text =
      host === to
        ? `the GTID state of ${to} could not be read (${error}): not compared with the replicas, an acknowledged write only a replica has may be missing on it`
        : `the GTID state of ${host} could not be read (${error}): an acknowledged write only ${host} has may be missing on ${to}`;
    p.logger.error(`failover: ${text}`);
    rec.note('fetch', host, started, 'failed', text);
  };
  // at most one fetch per replica: each round either fetches from a new one or ends
  while (fetched.length < others.length) {
    const started = p.now();
    // the candidate has applied everything it received (catch-up): its binlog plus what it received
    const own = await servable(p, to, statusTimeoutMs, true);
    if ('error' in own) {
      cannotCompare(to, own.error, started);
      return fetched;
    }
    const mine = own.offer;
    const views = await Promise.all(
      others
        .filter((h) => !fetched.includes(h))
        .map(async (host) => ({ host, read: await servable(p, host, statusTimeoutMs, false) })),
    );
    for (const v of views) if ('error' in v.read) cannotCompare(v.host, v.read.error, started);
    const donors = views
      .map((v) => ('offer' in v.read ? { host: v.host, offer: v.read.offer } : undefined))
      .filter((v): v is { host: string; offer: Offer } => v !== undefined && !offerContains(mine, v.offer));
    if (donors.length === 0) return fetched;
    const donor = donors.find((d) => donors.every((e) => offerContains(d.offer, e.offer))) ?? donors[0];
    const src = run.config.hosts.find((h) => h.name === donor?.host);
    if (donor === undefined || src === undefined) return fetched;
    const missing = offerDifference(donor.offer, mine);
    run.progress(`${to} lacks ${missing}, which ${donor.host} has: fetching it from ${donor.host}`);
    p.logger.warn(
      `failover: ${to} lacks ${missing} that ${donor.host} has (an acknowledged write may be among them): fetching it from ${donor.host} before the promotion`,
    );
    const r = await rec.step(
      'fetch',
      to,
      async () => {
        await p.agents.repoint(to, run.epoch, { host: src.name, ip: src.ip, port: src.mysqlPort }, verifyMs);
        return p.agents.catchUp(to, run.epoch, timeoutMs, { gtid: formatOffer(donor.offer) });
      },
      (v) => ({ detail: `from ${donor.host}: ${missing}; applied up to ${v.reached.gtid ?? '?'} in ${v.waitedMs} ms` }),
    );
    if (!r.ok) {
      p.logger.error(`failover: fetching ${missing} from ${donor.host} into ${to} failed: ${describeError(r.error)}`);
      return fetched;
    }
    fetched.push(donor.host);
  }
  return fetched;
}
