// Which host should take the writer role when it must move (issue 6): among the hosts allowed to hold it that
// are ONLINE (a lagging passive master is lifted to ONLINE by MMM's rules once its peer is down, spec §2.7),
// with a reachable agent, not held out and with fresh facts, the most advanced GTID state (what it received,
// since catch-up applies it). Never a host whose replication is broken by an SQL error unless forced; never
// one that lacks transactions another eligible candidate has. Ties: `prefer`, then the role's host order.
// The tick (distribution) and the executor's plan use this one function, so they agree.
import type { RoleConfig } from '../../../common/config/types.js';
import type { ClusterModel } from '../types.js';
import { sqlBroken, type FactsByHost } from './facts.js';
import { offerContains, offerDifference, offerOf, type Offer } from './gtid-view.js';

export interface Exclusion {
  readonly host: string;
  readonly reason: string;
}

export interface Ranking {
  /** Safe candidates, best first (all equally advanced). Empty: no safe candidate, see `reason`. */
  readonly ranked: readonly string[];
  /** Hosts of the role that are not candidates, with why. */
  readonly excluded: readonly Exclusion[];
  /** Why there is no candidate ('' when there is one). */
  readonly reason: string;
}

export interface RankOptions {
  /** Hosts that are not candidates whatever their state (the old writer). */
  readonly exclude?: readonly string[];
  /** A host the operator forces: an SQL error does not exclude it. */
  readonly force?: string;
}

/** Ranks the hosts of `role` (normally the active-master role) for the writer. */
export function rankWriterCandidates(
  role: RoleConfig,
  model: ClusterModel,
  facts: FactsByHost,
  opts: RankOptions = {},
): Ranking {
  const excluded: Exclusion[] = [];
  const offers: { host: string; offer: Offer }[] = [];
  for (const host of role.hosts) {
    const why = exclusionOf(host, model, facts, opts);
    if (why !== undefined) {
      excluded.push({ host, reason: why });
      continue;
    }
    const f = facts[host];
    const offer = f === undefined ? undefined : offerOf(f);
    if (offer === undefined) excluded.push({ host, reason: 'its GTID state could not be read' });
    else offers.push({ host, offer });
  }
  if (offers.length === 0) {
    return { ranked: [], excluded, reason: noneReason(excluded) };
  }
  const leaders = offers.filter((c) => offers.every((o) => offerContains(c.offer, o.offer)));
  for (const c of offers) {
    if (leaders.includes(c)) continue;
    const ahead = offers.find((o) => !offerContains(c.offer, o.offer));
    const missing = ahead === undefined ? '' : offerDifference(ahead.offer, c.offer);
    excluded.push({ host: c.host, reason: `lacks transactions ${ahead?.host ?? '?'} has (${missing})` });
  }
  if (leaders.length === 0) {
    return {
      ranked: [],
      excluded,
      reason: `the candidates diverged (each lacks transactions another has): ${offers.map((o) => o.host).join(', ')}`,
    };
  }
  const order = (h: string): number => (h === role.prefer ? -1 : role.hosts.indexOf(h));
  const ranked = leaders.map((c) => c.host).sort((a, b) => order(a) - order(b));
  return { ranked, excluded, reason: '' };
}

function exclusionOf(host: string, model: ClusterModel, facts: FactsByHost, opts: RankOptions): string | undefined {
  if (opts.exclude?.includes(host) === true) return 'it is the writer being replaced';
  const h = model.hosts[host];
  if (h === undefined) return 'unknown host';
  if (h.state !== 'ONLINE' && host !== opts.force) return `it is ${h.state}`;
  if (!h.agentReachable) return 'its agent is not reachable';
  if (h.heldOut !== undefined) return `it is held out: ${h.heldOut.reason}`;
  const f = facts[host];
  if (f === undefined) return 'no fresh facts from its agent (agent or mysqld did not answer)';
  if (sqlBroken(f) && host !== opts.force) {
    return `its replication is broken by an SQL error (${f.replication?.lastSqlErrno ?? 0}: ${f.replication?.lastSqlError ?? ''})`;
  }
  return undefined;
}

function noneReason(excluded: readonly Exclusion[]): string {
  return `no eligible host: ${excluded.map((e) => `${e.host} (${e.reason})`).join('; ')}`;
}
