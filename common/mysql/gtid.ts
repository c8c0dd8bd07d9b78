// GTID arithmetic for both flavors. Pure: no I/O, no clock. Sequence numbers are bigint (MariaDB seq is
// unsigned 64-bit, MySQL GNOs go up to 2^63-1); to put a GTID value into JSON, format it to text first.
//
// MariaDB (domain-server-seq, e.g. "0-1-42,1-3-7") comes in two shapes with different meanings:
//   * a POSITION (@@gtid_binlog_pos, @@gtid_current_pos, @@gtid_slave_pos, Gtid_IO_Pos, the argument of
//     MASTER_GTID_WAIT) holds one GTID per replication domain: "the last transaction applied in that domain".
//     Within a domain, MariaDB's replication stream is one ordered sequence, so positions compare PER DOMAIN
//     BY SEQ: A contains B when, for every domain of B, A has that domain with a higher seq, or the same seq
//     from the same server. The same seq from two different servers means two different transactions, i.e.
//     divergence. Limits: a position cannot show holes or divergence further back in history. If A is at
//     0-1-10 and B at 0-2-5, A "contains" B by this rule even if 0-2-5 never reached A (possible only when
//     gtid_strict_mode is off, or after a manual gtid_slave_pos change). Use the binlog state for that.
//   * a STATE (@@gtid_binlog_state) holds the last seq per (domain, server). It is the basis of errant
//     transaction detection: if the old master's state has (d, s) with a higher seq than the new writer's
//     state (or a (d, s) the writer lacks), the old master binlogged transactions the writer never got
//     (lab-facts §4: db1 "0-1-2,0-2-3" against db2 "0-1-1,0-2-3" leaves 0-1-2 as errant). Limits: only the
//     LAST seq per (domain, server) is kept, so a state that is ahead for every (d, s) can still miss an
//     older transaction in between; with gtid_strict_mode on (monotonic seq per domain) that cannot happen.
//
// MySQL GTID sets ("uuid:1-5:7-9,uuid2:1-3", in 8.3+ also tags: "uuid:1-5:mytag:1-3") are real sets of
// transactions, so contains / subset / difference are exact set operations.
import { MmmError } from '../errors/index.js';

// ---------------------------------------------------------------------------------------------------------
// MariaDB

export interface MariaGtid {
  readonly domain: number;
  readonly server: number;
  readonly seq: bigint;
}

/** One GTID per domain (keyed by domain). */
export type MariaPosition = ReadonlyMap<number, MariaGtid>;

/** Last GTID per (domain, server) (keyed by "domain-server"). */
export type MariaState = ReadonlyMap<string, MariaGtid>;

const U32_MAX = 4294967295n;
const U64_MAX = 18446744073709551615n;
const I63_MAX = 9223372036854775807n;

function badGtid(what: string, text: string, detail: string): MmmError {
  return new MmmError('MMM_BAD_REQUEST', `invalid ${what} "${text}": ${detail}`);
}

/** Parses one MariaDB GTID "domain-server-seq". */
export function parseMariaGtid(text: string, what = 'MariaDB GTID'): MariaGtid {
  const m = /^\s*(\d+)-(\d+)-(\d+)\s*$/.exec(text);
  if (m === null) throw badGtid(what, text, 'expected domain-server-seq, e.g. 0-1-42');
  const [domain, server, seq] = m.slice(1, 4).map((x) => BigInt(x)) as [bigint, bigint, bigint];
  if (domain > U32_MAX) throw badGtid(what, text, `domain ${domain} is larger than ${U32_MAX}`);
  if (server > U32_MAX) throw badGtid(what, text, `server id ${server} is larger than ${U32_MAX}`);
  if (seq > U64_MAX) throw badGtid(what, text, `seq ${seq} is larger than ${U64_MAX}`);
  return Object.freeze({ domain: Number(domain), server: Number(server), seq });
}

export function formatMariaGtid(g: MariaGtid): string {
  return `${g.domain}-${g.server}-${g.seq}`;
}

function splitList(text: string): string[] {
  return text.trim() === '' ? [] : text.split(',');
}

function parseMariaList(text: string, what: string): MariaGtid[] {
  return splitList(text).map((part, i) => {
    try {
      return parseMariaGtid(part, what);
    } catch {
      throw badGtid(what, text, `element ${i + 1} "${part.trim()}" is not domain-server-seq`);
    }
  });
}

/** Parses a MariaDB position ("" is the empty position). At most one GTID per domain. */
export function parseMariaPosition(text: string, what = 'MariaDB GTID position'): MariaPosition {
  const out = new Map<number, MariaGtid>();
  for (const g of parseMariaList(text, what)) {
    if (out.has(g.domain)) throw badGtid(what, text, `domain ${g.domain} appears twice`);
    out.set(g.domain, g);
  }
  return out;
}

/** Canonical text: ordered by domain, as MariaDB prints it. */
export function formatMariaPosition(p: MariaPosition): string {
  return [...p.values()]
    .sort((a, b) => a.domain - b.domain)
    .map(formatMariaGtid)
    .join(',');
}

/** Per-domain comparison (see the header): true if `a` has everything `b` has. */
export function mariaPositionContains(a: MariaPosition, b: MariaPosition): boolean {
  for (const gb of b.values()) {
    const ga = a.get(gb.domain);
    if (ga === undefined) return false;
    if (ga.seq < gb.seq) return false;
    if (ga.seq === gb.seq && ga.server !== gb.server) return false;
  }
  return true;
}

export type Relation = 'equal' | 'ahead' | 'behind' | 'diverged';

export function compareMariaPositions(a: MariaPosition, b: MariaPosition): Relation {
  return relationOf(mariaPositionContains(a, b), mariaPositionContains(b, a));
}

/** The GTIDs of `a` in domains where `a` is not contained in `b` (a missing domain, or ahead, or diverged). */
export function mariaPositionDifference(a: MariaPosition, b: MariaPosition): MariaPosition {
  const out = new Map<number, MariaGtid>();
  for (const ga of a.values()) {
    if (!mariaPositionContains(b, new Map([[ga.domain, ga]]))) out.set(ga.domain, ga);
  }
  return out;
}

function stateKey(g: MariaGtid): string {
  return `${g.domain}-${g.server}`;
}

/** Parses @@gtid_binlog_state ("" is the empty state). At most one GTID per (domain, server). */
export function parseMariaState(text: string, what = 'MariaDB GTID binlog state'): MariaState {
  const out = new Map<string, MariaGtid>();
  for (const g of parseMariaList(text, what)) {
    const k = stateKey(g);
    if (out.has(k)) throw badGtid(what, text, `domain ${g.domain} server ${g.server} appears twice`);
    out.set(k, g);
  }
  return out;
}

/** Canonical text: ordered by domain, then server. */
export function formatMariaState(s: MariaState): string {
  return [...s.values()]
    .sort((a, b) => a.domain - b.domain || a.server - b.server)
    .map(formatMariaGtid)
    .join(',');
}

/** True if, for every (domain, server) of `b`, `a` has the same (domain, server) with a seq at least as high. */
export function mariaStateContains(a: MariaState, b: MariaState): boolean {
  return mariaStateDifference(b, a).size === 0;
}

export function mariaStateIsSubset(a: MariaState, b: MariaState): boolean {
  return mariaStateContains(b, a);
}

/**
 * What `a` has that `b` lacks: the entries of `a` whose (domain, server) is missing in `b` or has a lower seq
 * there. Non-empty `difference(returningOldMaster, newWriter)` means errant transactions (see the header).
 */
export function mariaStateDifference(a: MariaState, b: MariaState): MariaState {
  const out = new Map<string, MariaGtid>();
  for (const [k, ga] of a) {
    const gb = b.get(k);
    if (gb === undefined || gb.seq < ga.seq) out.set(k, ga);
  }
  return out;
}

/** Per (domain, server) the higher seq of the two. */
export function mariaStateUnion(a: MariaState, b: MariaState): MariaState {
  const out = new Map<string, MariaGtid>(a);
  for (const [k, gb] of b) {
    const ga = out.get(k);
    if (ga === undefined || ga.seq < gb.seq) out.set(k, gb);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// MySQL

/** Inclusive interval of GNOs, 1 <= start <= end < 2^63. */
export interface GnoInterval {
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * Key: lower-case "uuid" or "uuid:tag". Value: sorted, disjoint, non-adjacent intervals; never empty.
 * Build sets only through the functions here, which keep that normal form (equality is then structural).
 */
export type MysqlGtidSet = ReadonlyMap<string, readonly GnoInterval[]>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TAG_RE = /^[a-z_][a-z0-9_]{0,31}$/;
const INTERVAL_RE = /^(\d+)(?:-(\d+))?$/;

/** Parses a MySQL GTID set ("" is the empty set). Whitespace and newlines around elements are ignored. */
export function parseMysqlGtidSet(text: string, what = 'MySQL GTID set'): MysqlGtidSet {
  const acc = new Map<string, GnoInterval[]>();
  splitList(text).forEach((rawPart, i) => {
    const part = rawPart.trim();
    const where = `element ${i + 1} "${part}"`;
    const fields = part.split(':').map((f) => f.trim().toLowerCase());
    const uuid = fields[0] ?? '';
    if (!UUID_RE.test(uuid)) throw badGtid(what, text, `${where} does not start with a server UUID`);
    let key = uuid;
    let last: 'uuid' | 'tag' | 'numbers' = 'uuid';
    for (const f of fields.slice(1)) {
      const m = INTERVAL_RE.exec(f);
      if (m !== null) {
        const start = BigInt(m[1] ?? '0');
        const end = m[2] === undefined ? start : BigInt(m[2]);
        if (start < 1n || end < start || end > I63_MAX) {
          throw badGtid(what, text, `${where}: interval "${f}" must satisfy 1 <= start <= end < 2^63`);
        }
        const list = acc.get(key) ?? [];
        list.push({ start, end });
        acc.set(key, list);
        last = 'numbers';
      } else if (TAG_RE.test(f)) {
        if (last === 'tag') throw badGtid(what, text, `${where}: tag "${f}" follows a tag without transaction numbers`);
        key = `${uuid}:${f}`;
        last = 'tag';
      } else {
        throw badGtid(what, text, `${where}: "${f}" is neither an interval (N or N-M) nor a tag`);
      }
    }
    if (last !== 'numbers') throw badGtid(what, text, `${where} ends without transaction numbers`);
  });
  return normalizeSet(acc);
}

function normalizeIntervals(list: readonly GnoInterval[]): GnoInterval[] {
  const sorted = [...list].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: { start: bigint; end: bigint }[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && iv.start <= last.end + 1n) {
      if (iv.end > last.end) last.end = iv.end;
    } else {
      out.push({ start: iv.start, end: iv.end });
    }
  }
  return out.map((iv) => Object.freeze(iv));
}

function normalizeSet(acc: ReadonlyMap<string, readonly GnoInterval[]>): MysqlGtidSet {
  const out = new Map<string, readonly GnoInterval[]>();
  for (const key of [...acc.keys()].sort(compareKeys)) {
    const list = normalizeIntervals(acc.get(key) ?? []);
    if (list.length > 0) out.set(key, Object.freeze(list));
  }
  return out;
}

// Untagged "uuid" sorts before "uuid:tag" because ':' follows no character of a bare UUID.
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function formatIntervals(list: readonly GnoInterval[]): string {
  return list.map((iv) => (iv.start === iv.end ? `${iv.start}` : `${iv.start}-${iv.end}`)).join(':');
}

/** Canonical text: UUIDs in order, untagged intervals first, then tags in order; "," between UUIDs. */
export function formatMysqlGtidSet(s: MysqlGtidSet): string {
  const byUuid = new Map<string, string[]>();
  for (const key of [...s.keys()].sort(compareKeys)) {
    const [uuid, tag] = key.split(':') as [string, string | undefined];
    const parts = byUuid.get(uuid) ?? [];
    parts.push((tag === undefined ? '' : `${tag}:`) + formatIntervals(s.get(key) ?? []));
    byUuid.set(uuid, parts);
  }
  return [...byUuid].map(([uuid, parts]) => `${uuid}:${parts.join(':')}`).join(',');
}

function subtractIntervals(a: readonly GnoInterval[], b: readonly GnoInterval[]): GnoInterval[] {
  const out: GnoInterval[] = [];
  for (const iv of a) {
    let start = iv.start;
    for (const cut of b) {
      if (cut.end < start || cut.start > iv.end) continue;
      if (cut.start > start) out.push({ start, end: cut.start - 1n });
      start = cut.end + 1n;
      if (start > iv.end) break;
    }
    if (start <= iv.end) out.push({ start, end: iv.end });
  }
  return out;
}

function intersectIntervals(a: readonly GnoInterval[], b: readonly GnoInterval[]): GnoInterval[] {
  const out: GnoInterval[] = [];
  let i = 0;
  let j = 0;
  for (let x = a[i], y = b[j]; x !== undefined && y !== undefined; x = a[i], y = b[j]) {
    const start = x.start > y.start ? x.start : y.start;
    const end = x.end < y.end ? x.end : y.end;
    if (start <= end) out.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

/** What `a` has that `b` lacks (errant transactions: difference(replica.executed, writer.executed)). */
export function mysqlGtidDifference(a: MysqlGtidSet, b: MysqlGtidSet): MysqlGtidSet {
  const acc = new Map<string, readonly GnoInterval[]>();
  for (const [k, list] of a) acc.set(k, subtractIntervals(list, b.get(k) ?? []));
  return normalizeSet(acc);
}

export function mysqlGtidUnion(a: MysqlGtidSet, b: MysqlGtidSet): MysqlGtidSet {
  const acc = new Map<string, readonly GnoInterval[]>(a);
  for (const [k, list] of b) acc.set(k, [...(acc.get(k) ?? []), ...list]);
  return normalizeSet(acc);
}

export function mysqlGtidIntersection(a: MysqlGtidSet, b: MysqlGtidSet): MysqlGtidSet {
  const acc = new Map<string, readonly GnoInterval[]>();
  for (const [k, list] of a) acc.set(k, intersectIntervals(list, b.get(k) ?? []));
  return normalizeSet(acc);
}

/** a ⊇ b */
export function mysqlGtidContains(a: MysqlGtidSet, b: MysqlGtidSet): boolean {
  return mysqlGtidDifference(b, a).size === 0;
}

/** a ⊆ b */
export function mysqlGtidIsSubset(a: MysqlGtidSet, b: MysqlGtidSet): boolean {
  return mysqlGtidContains(b, a);
}

export function mysqlGtidEquals(a: MysqlGtidSet, b: MysqlGtidSet): boolean {
  return mysqlGtidContains(a, b) && mysqlGtidContains(b, a);
}

export function compareMysqlGtidSets(a: MysqlGtidSet, b: MysqlGtidSet): Relation {
  return relationOf(mysqlGtidContains(a, b), mysqlGtidContains(b, a));
}

/** Number of transactions in the set. */
export function mysqlGtidCount(s: MysqlGtidSet): bigint {
  let n = 0n;
  for (const list of s.values()) for (const iv of list) n += iv.end - iv.start + 1n;
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// Both flavors

function relationOf(aContainsB: boolean, bContainsA: boolean): Relation {
  if (aContainsB && bContainsA) return 'equal';
  if (aContainsB) return 'ahead';
  if (bContainsA) return 'behind';
  return 'diverged';
}

export interface Candidate<K, G> {
  readonly key: K;
  readonly gtid: G;
}

export interface Advancement<K> {
  /** Candidates that contain every other candidate (all equal to each other). Empty if none does. */
  readonly leaders: readonly K[];
  /**
   * Candidates no other candidate is strictly ahead of. With leaders this equals leaders; without leaders
   * it has two or more entries that diverged from each other, and no choice is loss-free.
   */
  readonly maximal: readonly K[];
}

/**
 * The most advanced candidates under a `contains(a, b)` (a ⊇ b) relation, e.g. mariaPositionContains or
 * mysqlGtidContains. Input order is kept in the output.
 */
export function mostAdvanced<K, G>(
  candidates: readonly Candidate<K, G>[],
  contains: (a: G, b: G) => boolean,
): Advancement<K> {
  const leaders = candidates.filter((c) => candidates.every((o) => contains(c.gtid, o.gtid))).map((c) => c.key);
  const maximal = candidates
    .filter((c) => !candidates.some((o) => contains(o.gtid, c.gtid) && !contains(c.gtid, o.gtid)))
    .map((c) => c.key);
  return { leaders, maximal };
}
