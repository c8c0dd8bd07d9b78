// The application side of the failover tests, benchmarks and chaos suite (issues #6, #9): a writer client
// that inserts a numbered row every few milliseconds through the writer VIP and records what was
// acknowledged, an outside observer that samples read_only and VIP holders on every host and records every
// instant with two writers, and the check that no acknowledged write is missing afterwards.
// The arithmetic on acks and samples is pure (exported for unit tests); the classes do the I/O.
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConnection, type Connection } from 'mysql2/promise';
import { MmmError } from '../../common/errors/index.js';
import { MYSQL_PORT } from './addr.js';
import type { Lab } from './lab.js';
import { run } from './proc.js';
import { parseSlaveStatus } from './replication.js';
import { LAB_USERS, type Credentials } from './users.js';

// ---------------------------------------------------------------------------------------------------------
// Pure part: acks, gaps, outages, violations

/** One acknowledged insert. `atMs` is performance.now() of this process, `atEpochMs` is Date.now(). */
export interface Ack {
  readonly id: number;
  readonly sentMs: number;
  readonly atMs: number;
  readonly atEpochMs: number;
}

/** A failed connect or insert. `uncertain`: the insert was sent and may or may not have committed. */
export interface WorkloadError {
  readonly atMs: number;
  readonly atEpochMs: number;
  readonly phase: 'connect' | 'insert';
  readonly code: string;
  readonly message: string;
  /** The insert's id (phase 'insert' only). */
  readonly id?: number;
  readonly uncertain: boolean;
}

export interface Gap {
  readonly ms: number;
  /** The acks on either side of the gap. */
  readonly from: Ack;
  readonly to: Ack;
}

/** Last ack with atMs < t (acks ascending by atMs). */
export function lastAckBefore(acks: readonly Ack[], t: number): Ack | undefined {
  let lo = 0;
  let hi = acks.length; // first index with atMs >= t
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((acks[mid]?.atMs ?? Infinity) < t) lo = mid + 1;
    else hi = mid;
  }
  return acks[lo - 1];
}

/** First ack with atMs > t. */
export function firstAckAfter(acks: readonly Ack[], t: number): Ack | undefined {
  let lo = 0;
  let hi = acks.length; // first index with atMs > t
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((acks[mid]?.atMs ?? Infinity) <= t) lo = mid + 1;
    else hi = mid;
  }
  return acks[lo];
}

/** The outage a fault at `faultAtMs` caused: first ack after it − last ack before it; undefined if either is missing. */
export function outageAround(acks: readonly Ack[], faultAtMs: number): Gap | undefined {
  const from = lastAckBefore(acks, faultAtMs);
  const to = firstAckAfter(acks, faultAtMs);
  return from === undefined || to === undefined ? undefined : { ms: to.atMs - from.atMs, from, to };
}

/**
 * Largest gap between consecutive acks that overlaps [fromMs, toMs] (a gap that starts before the window and
 * ends inside it counts, so an outage is seen whole). Undefined with fewer than two acks around the window.
 */
export function maxGap(acks: readonly Ack[], fromMs = -Infinity, toMs = Infinity): Gap | undefined {
  let best: Gap | undefined;
  for (let i = 1; i < acks.length; i++) {
    const a = acks[i - 1];
    const b = acks[i];
    if (a === undefined || b === undefined || b.atMs < fromMs || a.atMs > toMs) continue;
    if (best === undefined || b.atMs - a.atMs > best.ms) best = { ms: b.atMs - a.atMs, from: a, to: b };
  }
  return best;
}

// Server errors after which the statement may still have committed (the session was killed or the server
// went down while the statement ran). Any other server error means the statement did not commit.
const UNCERTAIN_SERVER_ERRNOS = new Set([
  1053, // ER_SERVER_SHUTDOWN
  1180, // ER_ERROR_DURING_COMMIT
  1317, // ER_QUERY_INTERRUPTED
  1927, // ER_CONNECTION_KILLED
]);

/**
 * Whether a failed insert may have committed: no answer from the server (timeout, connection lost, reset),
 * or a server error that interrupts a running statement. A plain server error (read_only, duplicate key)
 * means it did not.
 */
export function isUncertain(err: { readonly sqlState?: unknown; readonly errno?: unknown }): boolean {
  if (typeof err.sqlState !== 'string') return true;
  return typeof err.errno === 'number' && UNCERTAIN_SERVER_ERRNOS.has(err.errno);
}

/**
 * @@read_only as the sampler saw it. 'closing': still 0, but a `SET GLOBAL (super_)read_only=1` is waiting for
 * running writes (e.g. a commit in its semi-sync wait): measured on MariaDB 10.11 (lab), a new INSERT sent in
 * that state blocks behind the pending global read lock and is refused with 1290 once read_only lands, so the
 * host accepts no new write; it is not counted as writable.
 */
export type ReadOnlyState = 0 | 1 | 'closing' | 'unknown';

/** What the sampler saw on one host in one sample. */
export interface HostObservation {
  readonly host: string;
  readonly readOnly: ReadOnlyState;
  /** Watched VIPs bound on the host; undefined when `ip` failed or timed out. */
  readonly vips: readonly string[] | undefined;
  /** The host's previous probe was still running: not probed in this sample. */
  readonly skipped: boolean;
}

export interface Sample {
  readonly index: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly atEpochMs: number;
  readonly hosts: readonly HostObservation[];
}

export type ViolationKind = 'two-writable' | 'writer-vip-twice' | 'vip-twice';

export interface Violation {
  readonly kind: ViolationKind;
  readonly sample: number;
  readonly atMs: number;
  readonly atEpochMs: number;
  /** The writable hosts, or the holders of `vip`. */
  readonly hosts: readonly string[];
  readonly vip?: string;
}

/** Hosts that answered read_only=0 in a sample. */
export function writableHosts(s: Sample): string[] {
  return s.hosts.filter((h) => h.readOnly === 0).map((h) => h.host);
}

/** Holders of each watched VIP in a sample (hosts whose `ip` call failed count as holding nothing). */
export function vipHolders(s: Sample): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const h of s.hosts) for (const v of h.vips ?? []) out.set(v, [...(out.get(v) ?? []), h.host]);
  return out;
}

/** Violations in one sample: two reachable writable hosts, a VIP on two hosts (the writer VIP named as such). */
export function sampleViolations(s: Sample, writerVip?: string): Violation[] {
  const at = { sample: s.index, atMs: s.startMs, atEpochMs: s.atEpochMs };
  const out: Violation[] = [];
  const writable = writableHosts(s);
  if (writable.length > 1) out.push({ kind: 'two-writable', ...at, hosts: writable });
  for (const [vip, holders] of vipHolders(s)) {
    if (holders.length > 1) {
      out.push({ kind: vip === writerVip ? 'writer-vip-twice' : 'vip-twice', ...at, hosts: holders, vip });
    }
  }
  return out;
}

export interface SamplerSummary {
  readonly samples: number;
  /** Mean time between sample starts. */
  readonly periodMs: number | undefined;
  /** Largest time between two sample starts (a stalled event loop or an overloaded machine shows here). */
  readonly maxPeriodMs: number | undefined;
  readonly maxSampleMs: number | undefined;
  /** Host probes not started because the host's previous probe was still running. */
  readonly skippedProbes: number;
  readonly violations: Readonly<Record<ViolationKind, number>>;
}

export function summarizeSamples(samples: readonly Sample[], violations: readonly Violation[]): SamplerSummary {
  const first = samples[0];
  const last = samples[samples.length - 1];
  const count = (k: ViolationKind): number => violations.filter((v) => v.kind === k).length;
  return {
    samples: samples.length,
    periodMs:
      first !== undefined && last !== undefined && samples.length > 1
        ? (last.startMs - first.startMs) / (samples.length - 1)
        : undefined,
    maxPeriodMs:
      samples.length > 1
        ? Math.max(...samples.slice(1).map((s, i) => s.startMs - (samples[i]?.startMs ?? 0)))
        : undefined,
    maxSampleMs: samples.length === 0 ? undefined : Math.max(...samples.map((s) => s.endMs - s.startMs)),
    skippedProbes: samples.reduce((n, s) => n + s.hosts.filter((h) => h.skipped).length, 0),
    violations: {
      'two-writable': count('two-writable'),
      'writer-vip-twice': count('writer-vip-twice'),
      'vip-twice': count('vip-twice'),
    },
  };
}

export interface WorkloadSummaryInput {
  readonly acks: readonly Ack[];
  readonly errors: readonly WorkloadError[];
  readonly faultAtMs?: number;
  readonly sampler?: SamplerSummary;
  /** Acked ids missing per host (verifyAcks). */
  readonly missing?: Readonly<Record<string, readonly number[]>>;
}

const ms = (v: number | undefined): string => (v === undefined ? '-' : `${v.toFixed(0)} ms`);

/** A few lines for test output and benchmark reports. */
export function formatWorkloadSummary(w: WorkloadSummaryInput): string {
  const uncertain = w.errors.filter((e) => e.uncertain).length;
  const first = w.acks[0];
  const last = w.acks[w.acks.length - 1];
  const span = first !== undefined && last !== undefined ? last.atMs - first.atMs : 0;
  const rate = span > 0 ? ((w.acks.length - 1) / span) * 1000 : 0;
  const gap = maxGap(w.acks);
  const latency = w.acks.map((a) => a.atMs - a.sentMs).sort((a, b) => a - b);
  const pct = (p: number): number | undefined => latency[Math.min(latency.length - 1, Math.floor(latency.length * p))];
  const lines = [
    `writes: ${w.acks.length} acked (${rate.toFixed(0)}/s), ${w.errors.length} errors, ${uncertain} uncertain, ` +
      `max gap ${ms(gap?.ms)}${gap === undefined ? '' : ` (ids ${gap.from.id}→${gap.to.id})`}, ` +
      `ack latency p50 ${ms(pct(0.5))} p99 ${ms(pct(0.99))}`,
  ];
  if (w.faultAtMs !== undefined) {
    const o = outageAround(w.acks, w.faultAtMs);
    lines.push(
      o === undefined
        ? `outage: no ack ${lastAckBefore(w.acks, w.faultAtMs) === undefined ? 'before' : 'after'} the fault`
        : `outage: ${ms(o.ms)} (last ack before the fault: id ${o.from.id}, first after: id ${o.to.id})`,
    );
  }
  if (w.sampler !== undefined) {
    const s = w.sampler;
    lines.push(
      `invariants: ${s.samples} samples every ${ms(s.periodMs)} (longest interval ${ms(s.maxPeriodMs)}, longest ` +
        `sample ${ms(s.maxSampleMs)}), ${s.skippedProbes} ` +
        `skipped probes, violations: two-writable ${s.violations['two-writable']}, writer-vip-twice ` +
        `${s.violations['writer-vip-twice']}, vip-twice ${s.violations['vip-twice']}`,
    );
  }
  if (w.missing !== undefined) {
    const parts = Object.entries(w.missing).map(
      ([h, ids]) =>
        `${h} ${ids.length}${ids.length === 0 ? '' : ` (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`}`,
    );
    lines.push(`acked ids missing: ${parts.join(', ')}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// I/O part

const TABLE = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/;

function quoteTable(table: string): string {
  const m = TABLE.exec(table);
  if (m === null)
    throw new MmmError('MMM_USAGE', `workload table: expected db.table (letters, digits, _), got '${table}'`);
  return `\`${m[1] ?? ''}\`.\`${m[2] ?? ''}\``;
}

/** Lab rule: traffic only to lab addresses (198.18.0.0/15) or loopback. */
function assertLabAddress(what: string, ip: string): void {
  if (!/^(198\.1[89]\.\d{1,3}\.\d{1,3}|127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.test(ip)) {
    throw new MmmError('MMM_USAGE', `${what}: expected a lab address (198.18.0.0/15) or loopback, got '${ip}'`);
  }
}

function errorCode(e: unknown): string {
  const err = e as { code?: unknown; errno?: unknown };
  if (typeof err.code === 'string') return err.code;
  return typeof err.errno === 'number' ? String(err.errno) : 'UNKNOWN';
}

async function connect(host: string, cred: Credentials, connectTimeoutMs: number): Promise<Connection> {
  const conn = await createConnection({
    host,
    port: MYSQL_PORT,
    user: cred.user,
    password: cred.password,
    connectTimeout: connectTimeoutMs,
    supportBigNumbers: true,
  });
  // Errors after connect (server killed while idle) must not become unhandled 'error' events.
  conn.on('error', () => undefined);
  return conn;
}

export interface WriterClientOptions {
  /** The writer VIP (or any lab address) to connect to, port 3306. */
  readonly host: string;
  /** db.table; created (if missing) as labadmin in start(). Default 'app.writes'. */
  readonly table?: string;
  readonly intervalMs?: number;
  readonly connectTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
  /** Who inserts. Default the lab's `app` user (SELECT/INSERT/UPDATE/DELETE on app.*, no READ_ONLY ADMIN). */
  readonly user?: Credentials;
  /** Who creates the table. Default `labadmin`. */
  readonly admin?: Credentials;
}

/**
 * Inserts row `id` (BIGINT PRIMARY KEY, client timestamp) every `intervalMs` through one connection, one
 * statement at a time; on any error it drops the connection and opens a new one on the next tick. Every id
 * is sent at most once: it ends up acked, failed (a server error: did not commit) or uncertain.
 */
export class WriterClient {
  readonly host: string;
  readonly table: string;
  readonly intervalMs: number;
  readonly connectTimeoutMs: number;
  readonly queryTimeoutMs: number;
  private readonly user: Credentials;
  private readonly admin: Credentials;
  private readonly ackList: Ack[] = [];
  private readonly errorList: WorkloadError[] = [];
  private nextId = 1;
  private running = false;
  private loop: Promise<void> | undefined;
  private conn: Connection | undefined;
  private connClosed = false;
  private connects = 0;

  constructor(o: WriterClientOptions) {
    assertLabAddress('writer client host', o.host);
    this.host = o.host;
    this.table = o.table ?? 'app.writes';
    quoteTable(this.table);
    this.intervalMs = o.intervalMs ?? 10;
    this.connectTimeoutMs = o.connectTimeoutMs ?? 200;
    this.queryTimeoutMs = o.queryTimeoutMs ?? 1_000;
    this.user = o.user ?? LAB_USERS.app;
    this.admin = o.admin ?? LAB_USERS.labadmin;
  }

  /** Creates the table if needed (as admin, through `host`), continues after its highest id, starts writing. */
  async start(): Promise<void> {
    if (this.loop !== undefined) throw new MmmError('MMM_USAGE', 'writer client: already started');
    const qt = quoteTable(this.table);
    const admin = await connect(this.host, this.admin, 2_000);
    try {
      await admin.query({
        sql:
          `CREATE TABLE IF NOT EXISTS ${qt} (id BIGINT NOT NULL PRIMARY KEY, client_ms BIGINT NOT NULL, ` +
          'server_ts TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB',
        timeout: 5_000,
      });
      const [rows] = await admin.query({ sql: `SELECT COALESCE(MAX(id), 0) AS m FROM ${qt}`, timeout: 5_000 });
      this.nextId = Number((rows as { m: unknown }[])[0]?.m ?? 0) + 1;
    } finally {
      admin.destroy();
    }
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the statement in flight (bounded by the query timeout) and closes the connection. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.drop();
  }

  get acks(): readonly Ack[] {
    return this.ackList;
  }

  get errors(): readonly WorkloadError[] {
    return this.errorList;
  }

  /** Ids sent whose outcome is unknown (may or may not have committed). */
  get uncertainIds(): number[] {
    return this.errorList.filter((e) => e.uncertain && e.id !== undefined).map((e) => e.id ?? 0);
  }

  get ackedIds(): number[] {
    return this.ackList.map((a) => a.id);
  }

  get counts(): { acked: number; errors: number; uncertain: number; failed: number; connects: number } {
    const inserts = this.errorList.filter((e) => e.phase === 'insert');
    const uncertain = inserts.filter((e) => e.uncertain).length;
    return {
      acked: this.ackList.length,
      errors: this.errorList.length,
      uncertain,
      failed: inserts.length - uncertain,
      connects: this.connects,
    };
  }

  lastAckBefore(t: number): Ack | undefined {
    return lastAckBefore(this.ackList, t);
  }

  firstAckAfter(t: number): Ack | undefined {
    return firstAckAfter(this.ackList, t);
  }

  outageAround(faultAtMs: number): Gap | undefined {
    return outageAround(this.ackList, faultAtMs);
  }

  maxGap(fromMs?: number, toMs?: number): Gap | undefined {
    return maxGap(this.ackList, fromMs, toMs);
  }

  private record(phase: WorkloadError['phase'], e: unknown, id?: number, uncertain = false): void {
    this.errorList.push({
      atMs: performance.now(),
      atEpochMs: Date.now(),
      phase,
      code: errorCode(e),
      message: (e as Error).message,
      ...(id === undefined ? {} : { id }),
      uncertain,
    });
  }

  private drop(): void {
    this.conn?.destroy();
    this.conn = undefined;
  }

  private async run(): Promise<void> {
    const sql = `INSERT INTO ${quoteTable(this.table)} (id, client_ms) VALUES (?, ?)`;
    let next = performance.now();
    while (this.running) {
      await this.tick(sql);
      next += this.intervalMs;
      const now = performance.now();
      if (next < now) next = now; // behind (an outage, a slow insert): no burst to catch up
      await sleep(next - now);
    }
  }

  private async tick(sql: string): Promise<void> {
    if (this.conn !== undefined && this.connClosed) this.drop(); // died while idle: nothing was sent on it
    if (this.conn === undefined) {
      try {
        this.connects++;
        const c = await connect(this.host, this.user, this.connectTimeoutMs);
        this.connClosed = false;
        c.on('error', () => (this.connClosed = true));
        c.on('end', () => (this.connClosed = true));
        this.conn = c;
      } catch (e) {
        this.record('connect', e);
        return;
      }
    }
    const id = this.nextId++;
    const sentMs = performance.now();
    try {
      await this.conn.query({ sql, values: [id, Date.now()], timeout: this.queryTimeoutMs });
      this.ackList.push({ id, sentMs, atMs: performance.now(), atEpochMs: Date.now() });
    } catch (e) {
      this.record('insert', e, id, isUncertain(e as { sqlState?: unknown; errno?: unknown }));
      this.drop();
    }
  }
}

export interface InvariantSamplerOptions {
  /** Hosts to watch. Default: every lab host. */
  readonly hosts?: readonly string[];
  /** VIPs whose holders are tracked. */
  readonly vips?: readonly string[];
  /** The writer VIP (its double holding is reported as 'writer-vip-twice'). */
  readonly writerVip?: string;
  readonly periodMs?: number;
  /** Bound on each read_only probe (connect, query). Default 250 ms. */
  readonly probeTimeoutMs?: number;
  /** Who reads @@read_only. Default mmm_monitor. */
  readonly user?: Credentials;
}

/** Resolves with `p`'s value, or with `fallback` after `ms` (p keeps running; its result is dropped). */
async function bounded<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p.catch(() => fallback),
      new Promise<T>((r) => {
        timer = setTimeout(r, ms, fallback);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const VIP_LINE = /^(Deleted )?\d+: eth0\s+inet (\S+)\/32 /;

/**
 * The /32 addresses on a host's eth0, kept current by one long-running `ip -o -4 -n <ns> monitor address`
 * (events in order) seeded by one `ip addr` snapshot: no process per sample (a fork per host every 50 ms
 * stalled the event loop of the test process, measured: the writer client's rate halved).
 */
class VipWatch {
  private readonly bound = new Set<string>();
  private readonly events = new Map<string, boolean>();
  private readonly child: ChildProcess;
  private alive = true;
  private readonly ns: string;

  constructor(ns: string) {
    this.ns = ns;
    this.child = spawn('ip', ['-o', '-4', '-n', ns, 'monitor', 'address'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.child.on('error', () => (this.alive = false));
    this.child.on('exit', () => (this.alive = false));
    let rest = '';
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const m = VIP_LINE.exec(line);
        if (m?.[2] === undefined) continue;
        // The last event of an address decides its state, even over the snapshot (events predating it agree).
        this.events.set(m[2], m[1] === undefined);
        if (m[1] === undefined) this.bound.add(m[2]);
        else this.bound.delete(m[2]);
      }
    });
  }

  /** Takes the snapshot (after the monitor started, so no change falls between the two). */
  async seed(timeoutMs: number): Promise<void> {
    const { stdout } = await run(['ip', '-n', this.ns, '-4', '-o', 'addr', 'show', 'dev', 'eth0'], { timeoutMs });
    for (const m of stdout.matchAll(/inet (\S+)\/32/g)) {
      if (m[1] !== undefined && !this.events.has(m[1])) this.bound.add(m[1]);
    }
  }

  /** Bound VIPs now; undefined once the monitor is gone (namespace deleted, stop()). */
  current(): string[] | undefined {
    return this.alive ? [...this.bound] : undefined;
  }

  stop(): void {
    if (this.child.pid !== undefined && this.alive) this.child.kill('SIGKILL');
    this.alive = false;
  }
}

/** @@read_only, and whether a statement turning it on is waiting (needs PROCESS to see other sessions). */
const READ_ONLY_PROBE =
  'SELECT @@read_only AS ro, (SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ' +
  "COMMAND = 'Query' AND INFO REGEXP '^SET GLOBAL (super_)?read_only *= *(1|ON)') AS closing";

/**
 * Watches the invariants from outside: every `periodMs`, for every host in parallel, @@read_only over a
 * persistent TCP connection as labadmin (one that hangs or fails is 'unknown', never writable; one whose
 * read_only=1 is still waiting for running writes is 'closing', see ReadOnlyState) and the
 * watched VIPs bound on its eth0 (kept current by an `ip monitor` per host, see VipWatch). A host whose previous probe is still running (a frozen
 * server) is not probed again but marked skipped, so a hung host never slows the samples of the others; each
 * probe is bounded by `probeTimeoutMs`.
 */
export class InvariantSampler {
  readonly periodMs: number;
  readonly probeTimeoutMs: number;
  private readonly hosts: readonly { name: string; ip: string; ns: string }[];
  private readonly vips: ReadonlySet<string>;
  private readonly writerVip: string | undefined;
  private readonly user: Credentials;
  private readonly conns = new Map<string, Connection>();
  private readonly busy = new Set<string>();
  private readonly sampleList: Sample[] = [];
  private readonly violationList: Violation[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly watches = new Map<string, VipWatch>();
  private timer: NodeJS.Timeout | undefined;
  private index = 0;

  constructor(lab: Lab, o: InvariantSamplerOptions = {}) {
    const names = o.hosts ?? lab.hosts.map((h) => h.name);
    this.hosts = names.map((n) => {
      const h = lab.host(n);
      return { name: h.name, ip: h.ip, ns: h.ns };
    });
    this.vips = new Set([...(o.vips ?? []), ...(o.writerVip === undefined ? [] : [o.writerVip])]);
    this.writerVip = o.writerVip;
    this.periodMs = o.periodMs ?? 50;
    this.probeTimeoutMs = o.probeTimeoutMs ?? 250;
    this.user = o.user ?? LAB_USERS.labadmin;
  }

  /** Starts one `ip monitor` per host, reads the bound addresses once, then samples every periodMs. */
  async start(): Promise<void> {
    if (this.timer !== undefined || this.watches.size > 0) throw new MmmError('MMM_USAGE', 'sampler: already started');
    for (const h of this.hosts) this.watches.set(h.name, new VipWatch(h.ns));
    await Promise.all([...this.watches.values()].map((w) => w.seed(2_000)));
    this.sampleOnce();
    this.timer = setInterval(() => {
      this.sampleOnce();
    }, this.periodMs);
  }

  /** Stops sampling, waits for the samples in flight (bounded), closes the connections. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await bounded(Promise.all(this.inFlight), this.probeTimeoutMs * 3, []);
    for (const c of this.conns.values()) c.destroy();
    this.conns.clear();
    for (const w of this.watches.values()) w.stop();
  }

  get samples(): readonly Sample[] {
    return this.sampleList;
  }

  get violations(): readonly Violation[] {
    return this.violationList;
  }

  /** Samples that started in [fromMs, toMs] (performance.now() times). */
  samplesBetween(fromMs: number, toMs: number): Sample[] {
    return this.sampleList.filter((s) => s.startMs >= fromMs && s.startMs <= toMs);
  }

  summary(): SamplerSummary {
    return summarizeSamples(this.sampleList, this.violationList);
  }

  private sampleOnce(): void {
    const index = this.index++;
    const startMs = performance.now();
    const atEpochMs = Date.now();
    const p = Promise.all(this.hosts.map((h) => this.observe(h))).then((hosts) => {
      const s: Sample = { index, startMs, endMs: performance.now(), atEpochMs, hosts };
      this.sampleList.push(s);
      this.violationList.push(...sampleViolations(s, this.writerVip));
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async observe(h: { name: string; ip: string; ns: string }): Promise<HostObservation> {
    const vips = this.watches
      .get(h.name)
      ?.current()
      ?.filter((v) => this.vips.has(v));
    if (this.busy.has(h.name)) return { host: h.name, readOnly: 'unknown', vips, skipped: true };
    // The host stays busy until its probe really ends (connect and query are bounded by their own timeouts),
    // so a frozen server never gets a second connection; the sample itself waits at most probeTimeoutMs.
    const probe = this.readOnly(h).catch((): ReadOnlyState => {
      this.dropConn(h.name);
      return 'unknown';
    });
    this.busy.add(h.name);
    void probe.finally(() => this.busy.delete(h.name));
    const readOnly = await bounded(probe, this.probeTimeoutMs, 'unknown');
    return { host: h.name, readOnly, vips, skipped: false };
  }

  private async readOnly(h: { name: string; ip: string }): Promise<ReadOnlyState> {
    let c = this.conns.get(h.name);
    if (c === undefined) {
      c = await connect(h.ip, this.user, this.probeTimeoutMs);
      this.conns.set(h.name, c);
    }
    const [rows] = await c.query({ sql: READ_ONLY_PROBE, timeout: this.probeTimeoutMs });
    const row = (rows as { ro: unknown; closing: unknown }[])[0];
    if (Number(row?.ro) !== 0) return 1;
    return Number(row?.closing) > 0 ? 'closing' : 0;
  }

  private dropConn(host: string): void {
    this.conns.get(host)?.destroy();
    this.conns.delete(host);
  }
}

/**
 * Acked ids each host lacks, read as root over the host's socket (works while it is cut off), in chunks of
 * `chunk` ids. Hosts that do not answer throw.
 */
export async function verifyAcks(
  lab: Lab,
  table: string,
  ackedIds: readonly number[],
  hosts: readonly string[],
  chunk = 5_000,
): Promise<Record<string, number[]>> {
  const qt = quoteTable(table);
  const ids = [...ackedIds].sort((a, b) => a - b);
  const out: Record<string, number[]> = {};
  for (const host of hosts) {
    const missing: number[] = [];
    for (let i = 0; i < ids.length; i += chunk) {
      const part = ids.slice(i, i + chunk);
      const lo = part[0] ?? 0;
      const hi = part[part.length - 1] ?? 0;
      const rows = await lab.sql(host, `SELECT id FROM ${qt} WHERE id BETWEEN ? AND ?`, { params: [lo, hi] });
      const have = new Set(rows.map((r) => Number(r['id'])));
      for (const id of part) if (!have.has(id)) missing.push(id);
    }
    out[host] = missing;
  }
  return out;
}

/**
 * Waits until `hosts` have caught up, bounded by `timeoutMs` (default 10 s): with `from` (a live source),
 * until each applied `from`'s whole binlog (GTID wait, like lab.sync); without it (the source is dead),
 * until each replica's SQL thread applied everything its IO thread had received.
 */
export async function waitConverged(
  lab: Lab,
  o: { hosts: readonly string[]; from?: string; timeoutMs?: number },
): Promise<void> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  if (o.from !== undefined) {
    await lab.sync({ from: o.from, hosts: o.hosts, timeoutMs });
    return;
  }
  const deadline = performance.now() + timeoutMs;
  for (const host of o.hosts) {
    for (;;) {
      const [row] = await lab.sql(host, 'SHOW SLAVE STATUS', { timeoutMs: 2_000 });
      const applied =
        parseSlaveStatus(row) === null ||
        (row?.['Master_Log_File'] === row?.['Relay_Master_Log_File'] &&
          Number(row?.['Read_Master_Log_Pos']) === Number(row?.['Exec_Master_Log_Pos']));
      if (applied) break;
      if (performance.now() > deadline) {
        throw new MmmError('MMM_CATCHUP_TIMEOUT', `${host} did not apply its relay log within ${timeoutMs} ms`);
      }
      await sleep(20);
    }
  }
}
