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

/** What a host can serve from its binlog (received-only events are not in it yet), or undefined. */
async function servable(
  p: FetchPorts,
  host: string,
  timeoutMs: number,
  withReceived: boolean,
): Promise<Offer | undefined> {
  try {
    const f = factsOf(await p.agents.status(host, timeoutMs), p.now());
    if (f === undefined) return undefined;
    return offerOf(withReceived ? f : { ...f, replication: null });
  } catch {
    return undefined;
  }
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
  // at most one fetch per replica: each round either fetches from a new one or ends
  while (fetched.length < others.length) {
    // the candidate has applied everything it received (catch-up): its binlog plus what it received
    const mine = await servable(p, to, statusTimeoutMs, true);
    if (mine === undefined) return fetched;
    const views = await Promise.all(
      others
        .filter((h) => !fetched.includes(h))
        .map(async (host) => ({ host, offer: await servable(p, host, statusTimeoutMs, false) })),
    );
    const donors = views.filter(
      (v): v is { host: string; offer: Offer } => v.offer !== undefined && !offerContains(mine, v.offer),
    );
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
