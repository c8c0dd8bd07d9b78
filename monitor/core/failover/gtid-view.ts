// GTID questions the failover planner asks, for both flavors, on the text the servers print: what a host can
// offer as a writer (received or binlogged), whether one host has everything another has, which transactions
// a returning host has that the writer lacks (errant), and which received transactions were not applied.
// Unparseable text answers "unknown" (undefined) rather than guessing.
import {
  formatMariaPosition,
  formatMariaState,
  formatMysqlGtidSet,
  mariaPositionContains,
  mariaStateDifference,
  mysqlGtidContains,
  mysqlGtidDifference,
  mysqlGtidUnion,
  parseMariaPosition,
  parseMariaState,
  parseMysqlGtidSet,
  type MariaGtid,
  type MariaPosition,
  type MysqlGtidSet,
} from '../../../common/mysql/gtid.js';
import type { GtidFacts } from './facts.js';

/** What a host could serve as a writer once it applied its relay log, in the flavor's own type. */
export type Offer =
  | { readonly flavor: 'mariadb'; readonly pos: MariaPosition }
  | {
      readonly flavor: 'mysql';
      readonly set: MysqlGtidSet;
    };

function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** Per domain, the GTID with the higher seq (a position merged from two views of one host). */
function mergeMaria(a: MariaPosition, b: MariaPosition): MariaPosition {
  const out = new Map<number, MariaGtid>(a);
  for (const g of b.values()) {
    const mine = out.get(g.domain);
    if (mine === undefined || mine.seq < g.seq) out.set(g.domain, g);
  }
  return out;
}

/** Received (IO thread) merged with what the host binlogged itself; undefined when the text is unreadable. */
export function offerOf(f: GtidFacts): Offer | undefined {
  const received = f.replication?.received ?? '';
  if (f.flavor === 'mariadb') {
    const pos = attempt(() => mergeMaria(parseMariaPosition(f.binlogPos), parseMariaPosition(received)));
    return pos === undefined ? undefined : { flavor: 'mariadb', pos };
  }
  const set = attempt(() => mysqlGtidUnion(parseMysqlGtidSet(f.binlogPos), parseMysqlGtidSet(received)));
  return set === undefined ? undefined : { flavor: 'mysql', set };
}

/** a ⊇ b; false across flavors. */
export function offerContains(a: Offer, b: Offer): boolean {
  if (a.flavor === 'mariadb' && b.flavor === 'mariadb') return mariaPositionContains(a.pos, b.pos);
  if (a.flavor === 'mysql' && b.flavor === 'mysql') return mysqlGtidContains(a.set, b.set);
  return false;
}

export function formatOffer(o: Offer): string {
  return o.flavor === 'mariadb' ? formatMariaPosition(o.pos) : formatMysqlGtidSet(o.set);
}

/** What `a` offers beyond `b`, as text ('' when nothing). */
export function offerDifference(a: Offer, b: Offer): string {
  if (a.flavor === 'mariadb' && b.flavor === 'mariadb') {
    const out = new Map<number, MariaGtid>();
    for (const g of a.pos.values()) {
      if (!mariaPositionContains(b.pos, new Map([[g.domain, g]]))) out.set(g.domain, g);
    }
    return formatMariaPosition(out);
  }
  if (a.flavor === 'mysql' && b.flavor === 'mysql') return formatMysqlGtidSet(mysqlGtidDifference(a.set, b.set));
  return formatOffer(a);
}

/**
 * Transactions `host` binlogged that `writer` lacks (errant), as text; '' when none, undefined when unknown.
 * MariaDB compares @@gtid_binlog_state (lab-facts §4) and ignores the writer's own server id (the writer has
 * all of its own transactions; a replica's view may simply be newer than the writer's, read a moment earlier).
 */
export function errantGtids(host: GtidFacts, writer: GtidFacts): string | undefined {
  if (host.flavor !== writer.flavor) return undefined;
  if (host.flavor === 'mariadb') {
    const diff = attempt(() =>
      mariaStateDifference(parseMariaState(host.binlogState), parseMariaState(writer.binlogState)),
    );
    if (diff === undefined) return undefined;
    const errant = new Map([...diff].filter(([, g]) => g.server !== writer.serverId));
    return formatMariaState(errant);
  }
  const diff = attempt(() =>
    mysqlGtidDifference(parseMysqlGtidSet(host.binlogState), parseMysqlGtidSet(writer.binlogState)),
  );
  return diff === undefined ? undefined : formatMysqlGtidSet(diff);
}

/**
 * Received but not applied (what a promotion without a finished catch-up leaves behind), as text: MariaDB
 * "after <executed> up to <received>" per domain that lags, MySQL the exact set; '' when nothing.
 */
export function unappliedGtids(f: GtidFacts): string {
  const r = f.replication;
  if (r === null) return '';
  if (f.flavor === 'mariadb') {
    const got = attempt(() => parseMariaPosition(r.received));
    const done = attempt(() => mergeMaria(parseMariaPosition(r.executed), parseMariaPosition(f.binlogPos)));
    if (got === undefined || done === undefined) return `after ${r.executed} up to ${r.received}`;
    const parts: string[] = [];
    for (const g of got.values()) {
      if (mariaPositionContains(done, new Map([[g.domain, g]]))) continue;
      const e = done.get(g.domain);
      parts.push(
        `after ${e === undefined ? `${g.domain}-?-0` : `${e.domain}-${e.server}-${e.seq}`} up to ${g.domain}-${g.server}-${g.seq}`,
      );
    }
    return parts.join(', ');
  }
  const diff = attempt(() => mysqlGtidDifference(parseMysqlGtidSet(r.received), parseMysqlGtidSet(f.binlogPos)));
  return diff === undefined ? `received ${r.received}, executed ${r.executed}` : formatMysqlGtidSet(diff);
}
