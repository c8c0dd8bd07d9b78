// Runs chaos scenarios against a lab cluster with agents and mmm_mond running, under write load through the
// writer VIP (test/lab/workload.ts: WriterClient) while an outside sampler checks the invariants every 50 ms
// (InvariantSampler: at most one writable host, at most one holder of each VIP). After the scenario the
// writes are stopped, the survivors converge, and every acknowledged write is looked up on the writer and on
// every ONLINE replica. A run's figures: outcome, outage around the fault, lost writes, invariant violations.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { boundVips } from '../lab/index.js';
import { InvariantSampler, WriterClient, verifyAcks, waitConverged, type Violation } from '../lab/workload.js';
import { Cluster, type ClusterOptions } from './cluster.js';
import { Rng, runSeed } from './rng.js';

export const CHAOS_TABLE = 'app.chaos';

export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** Needs the failover orchestration (issue 6) to pass. */
  readonly failover: boolean;
  /** Config the cluster needs (merged over the harness defaults), possibly depending on the lab id. */
  readonly config?: ClusterOptions['config'] | ((id: number) => ClusterOptions['config']);
  /** Lab options the cluster needs (merged over semi-sync on). */
  readonly lab?: Omit<NonNullable<ClusterOptions['lab']>, 'semiSync' | 'progress'>;
  /** Runs before a cluster for this scenario starts (files its config names). */
  readonly beforeCluster?: (id: number) => void;
  /** Runs once the cluster this scenario used is taken down (removes what beforeCluster made). */
  readonly afterCluster?: (id: number) => void;
  /** What the fault is (logged when it is injected). */
  readonly fault: string;
  /** Runs before the random pause that precedes the fault. */
  readonly prepare?: (ctx: RunContext, c: Cluster) => Promise<void>;
  /** Injects the fault (the harness has just marked its moment), checks what must happen, heals. */
  readonly run: (ctx: RunContext, c: Cluster) => Promise<void>;
}

export interface RunContext {
  readonly c: Cluster;
  readonly rng: Rng;
  readonly quick: boolean;
  readonly writer: WriterClient;
  readonly sampler: InvariantSampler;
  log(line: string): void;
  /** Marks the moment of the fault (the outage is measured around it). */
  fault(what: string): void;
  fail(reason: string): void;
  /** Records a remark for the report (not a failure) and logs it. */
  note(line: string): void;
  /** Polls `cond` every 200 ms for up to `timeoutMs`; on timeout records `what` as a failure. */
  waitFor(what: string, cond: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean>;
  /** For `ms`, checks `invariant` every 250 ms; the first time it is false records `what` as a failure. */
  hold(what: string, ms: number, invariant: () => Promise<boolean> | boolean): Promise<boolean>;
  /** A random pause in [minMs, maxMs] (from the run's seed), logged. */
  pause(label: string, minMs: number, maxMs: number): Promise<number>;
  /** Tell the harness a daemon ('monitor' or an agent's host) is down on purpose (not counted as a crash). */
  expectDown(what: string): void;
  /**
   * `host` is cut off from every client (isolated) from now on (`true`) or again reachable (`false`): while cut
   * off, a VIP it still holds is unreachable and does not count as a second holder (issue 10: the invariants
   * are about hosts clients can reach).
   */
  cutOff(host: string, on: boolean): void;
  /** Hosts cut off right now. */
  readonly isolated: ReadonlySet<string>;
}

export type Outcome = 'pass' | 'fail' | 'error';

export interface RunResult {
  readonly scenario: string;
  readonly run: number;
  readonly seed: number;
  readonly outcome: Outcome;
  /** Longest pause of acknowledged writes around the fault (or during the run without one), ms. */
  readonly outageMs: number | null;
  /** Acked ids missing on the writer or on an ONLINE replica after settling. */
  readonly lostWrites: number;
  /** Samples with two writable hosts or the writer VIP on two hosts (the issue's invariants). */
  readonly violations: number;
  /** Samples with a reader VIP on two hosts. */
  readonly readerOverlapSamples: number;
  readonly acked: number;
  readonly failures: readonly string[];
  readonly notes: readonly string[];
  readonly finalWriter: string | null;
  readonly durationMs: number;
}

export interface RunnerOptions {
  readonly id: number;
  readonly quick: boolean;
  readonly log: (line: string) => void;
}

/** Keeps one healthy cluster across runs; starts a fresh one when the last run left it damaged. */
export class ClusterPool {
  readonly #o: RunnerOptions;
  #cluster: Cluster | undefined;
  #config: string | undefined;
  /** afterCluster hooks of the scenarios that used the cluster in use. */
  readonly #cleanups = new Set<(id: number) => void>();

  constructor(o: RunnerOptions) {
    this.#o = o;
  }

  async get(s: Pick<Scenario, 'config' | 'beforeCluster' | 'afterCluster' | 'lab'>): Promise<Cluster> {
    const config = typeof s.config === 'function' ? s.config(this.#o.id) : s.config;
    const key = JSON.stringify({ config: config ?? {}, lab: s.lab ?? {} });
    if (this.#cluster !== undefined && (key !== this.#config || !(await healthy(this.#cluster)))) await this.drop();
    s.beforeCluster?.(this.#o.id);
    if (s.afterCluster !== undefined) this.#cleanups.add(s.afterCluster);
    if (this.#cluster === undefined) {
      const started = performance.now();
      // max_backlog 3 s for every scenario (replica-lag needs it), so one cluster serves them all
      const c = await Cluster.start({
        id: this.#o.id,
        lab: { ...s.lab, semiSync: true },
        config: { maxBacklog: 3, ...config },
      });
      try {
        await c.run();
      } catch (e) {
        await c.stop();
        throw e;
      }
      this.#o.log(`cluster up (lab ${this.#o.id}) in ${Math.round(performance.now() - started)} ms`);
      this.#cluster = c;
      this.#config = key;
    }
    return this.#cluster;
  }

  /** The cluster in use, if any. */
  get current(): Cluster | undefined {
    return this.#cluster;
  }

  async drop(): Promise<void> {
    const c = this.#cluster;
    this.#cluster = undefined;
    if (c !== undefined) {
      const left = await c.stop();
      if (left.length > 0) this.#o.log(`lab leftovers: ${left.join(', ')}`);
    }
    for (const f of this.#cleanups) f(this.#o.id);
    this.#cleanups.clear();
  }
}

/** Every host ONLINE, db1 the only writer VIP holder, all daemons alive, replication running. */
async function healthy(c: Cluster): Promise<boolean> {
  try {
    if (!c.monitorRunning || (await c.deadAgents()).length > 0) return false;
    const states = await c.states();
    if (!c.hosts.every((h) => states[h] === 'ONLINE')) return false;
    if ((await c.writerHolders()).join() !== 'db1') return false;
    // a failover of an earlier run arms anti-flap: the next writer fault would find failovers held for an hour
    if ((await c.command('failover_plan')).text.includes('anti-flap')) return false;
    const status = await c.lab.status();
    return status.every((s) => {
      const r = s.replication;
      return r === null || r === undefined || (r.ioRunning !== 'No' && r.sqlRunning === 'Yes');
    });
  } catch {
    return false;
  }
}

export async function runScenario(
  pool: ClusterPool,
  s: Scenario,
  run: number,
  seed: number,
  o: RunnerOptions,
): Promise<RunResult> {
  const started = performance.now();
  const failures: string[] = [];
  const notes: string[] = [];
  const downOnPurpose = new Set<string>();
  let faultAtMs: number | undefined;
  const cutOffs: CutOff[] = [];
  const isolated = new Set<string>();
  let writer: WriterClient | undefined;
  let sampler: InvariantSampler | undefined;
  const log = (line: string): void => {
    o.log(`[${s.name} #${run}] ${line}`);
  };
  try {
    const c = await pool.get(s);
    writer = new WriterClient({ host: c.writerIp, table: CHAOS_TABLE });
    sampler = new InvariantSampler(c.lab, { vips: c.readerIps, writerVip: c.writerIp });
    await sampler.start();
    await writer.start();
    await sleep(1000);
    const w = writer;
    const sp = sampler;
    const rng = new Rng(seed);
    const ctx: RunContext = {
      c,
      rng,
      quick: o.quick,
      writer: w,
      sampler: sp,
      log,
      fault: (what) => {
        faultAtMs = performance.now();
        log(`fault: ${what}`);
      },
      fail: (reason) => {
        failures.push(reason);
        log(`FAIL: ${reason}`);
      },
      note: (line) => {
        notes.push(line);
        log(line);
      },
      waitFor: async (what, cond, timeoutMs) => {
        const deadline = performance.now() + timeoutMs;
        for (;;) {
          try {
            if (await cond()) return true;
          } catch {
            // not yet
          }
          if (performance.now() > deadline) {
            ctx.fail(`${what} (not within ${timeoutMs} ms)`);
            return false;
          }
          await sleep(200);
        }
      },
      hold: async (what, ms, invariant) => {
        const end = performance.now() + ms;
        while (performance.now() < end) {
          let ok: boolean;
          try {
            ok = await invariant();
          } catch (e) {
            ok = false;
            notes.push(`${what}: ${String(e)}`);
          }
          if (!ok) {
            ctx.fail(what);
            return false;
          }
          await sleep(250);
        }
        return true;
      },
      pause: async (label, minMs, maxMs) => {
        const ms = rng.int(minMs, maxMs);
        log(`${label}: ${ms} ms`);
        await sleep(ms);
        return ms;
      },
      expectDown: (what) => downOnPurpose.add(what),
      cutOff: (host, on) => {
        const now = performance.now();
        if (on) {
          isolated.add(host);
          cutOffs.push({ host, fromMs: now, toMs: Infinity });
        } else {
          isolated.delete(host);
          for (const x of cutOffs) if (x.host === host && x.toMs === Infinity) x.toMs = now;
        }
      },
      isolated,
    };
    await s.prepare?.(ctx, c);
    await ctx.pause('before the fault', 300, 2500);
    const semi = await semiSyncOnWriter(c);
    if (semi !== undefined) log(`semi-sync on the writer at the fault: ${semi}`);
    ctx.fault(s.fault);
    await s.run(ctx, c);
    await sleep(1000);
    const endMs = performance.now();
    await w.stop();
    await sp.stop();
    const after = await afterChecks(c, w.ackedIds, downOnPurpose);
    failures.push(...after.failures);
    notes.push(...after.notes);
    // the longest pause of acknowledged writes from the last ack before the fault to the end of the run
    const from = faultAtMs === undefined ? undefined : (w.lastAckBefore(faultAtMs)?.atMs ?? faultAtMs);
    const closed = w.maxGap(from);
    // writes that had not resumed when the run ended: the pause lasts at least until then
    const lastAck = w.acks[w.acks.length - 1]?.atMs ?? from;
    const open = lastAck === undefined || endMs - lastAck < 1000 ? undefined : endMs - lastAck;
    if (open !== undefined) notes.push(`no write acknowledged in the last ${Math.round(open)} ms of the run`);
    const outage = open !== undefined && open > (closed?.ms ?? 0) ? { ms: open } : closed;
    const { violations, readerOverlap } = judgeViolations(reachableOnly(sp.violations, cutOffs));
    if (violations > 0) {
      const kinds = [
        ...new Set(
          reachableOnly(sp.violations, cutOffs)
            .filter((v) => v.kind !== 'vip-twice')
            .map((v) => v.kind),
        ),
      ];
      failures.push(`${violations} invariant violations (${kinds.join(', ')})`);
    }
    if (readerOverlap.longest >= READER_OVERLAP_STUCK_SAMPLES) {
      failures.push(`a reader VIP was stuck on two hosts for ${readerOverlap.longest} consecutive samples`);
    } else if (readerOverlap.longest >= READER_OVERLAP_SAMPLES) {
      notes.push(
        `a reader VIP was on two hosts for ${readerOverlap.longest} consecutive samples while the old holder's agent caught up`,
      );
    } else if (readerOverlap.samples > 0) {
      notes.push(`reader VIP on two hosts in ${readerOverlap.samples} isolated sample(s) (sampler resolution)`);
    }
    if (after.lost > 0) failures.push(`${after.lost} acknowledged writes lost`);
    if (failures.length > 0) keepLogs(c, `${s.name}-${run}-${seed}`, notes);
    return {
      scenario: s.name,
      run,
      seed,
      outcome: failures.length === 0 ? 'pass' : 'fail',
      outageMs: outage === undefined ? null : Math.round(outage.ms),
      lostWrites: after.lost,
      violations,
      readerOverlapSamples: readerOverlap.samples,
      acked: w.ackedIds.length,
      failures,
      notes,
      finalWriter: after.writer,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (e) {
    await writer?.stop().catch(() => undefined);
    await sampler?.stop().catch(() => undefined);
    // where the harness broke: the first frames of the stack
    const where =
      e instanceof Error
        ? (e.stack ?? '')
            .split('\n')
            .slice(1, 5)
            .map((l) => l.trim())
        : [];
    if (where.length > 0) notes.push(`harness error at ${where.join(' < ')}`);
    const c = pool.current;
    if (c !== undefined) keepLogs(c, `${s.name}-${run}-${seed}`, notes);
    await pool.drop().catch(() => undefined);
    return {
      scenario: s.name,
      run,
      seed,
      outcome: 'error',
      outageMs: null,
      lostWrites: 0,
      violations: judgeViolations(sampler?.violations ?? []).violations,
      readerOverlapSamples: judgeViolations(sampler?.violations ?? []).readerOverlap.samples,
      acked: writer?.ackedIds.length ?? 0,
      failures: [...failures, `harness error: ${e instanceof Error ? e.message : String(e)}`],
      notes,
      finalWriter: null,
      durationMs: Math.round(performance.now() - started),
    };
  }
}

/** MMM_CHAOS_LOGS=DIR keeps the daemons' logs of a failed run (the lab directory goes with the cluster). */
/** The writer's semi-sync state (status, clients, commits acknowledged without a replica) for the log. */
async function semiSyncOnWriter(c: Cluster): Promise<string | undefined> {
  try {
    const [h] = await c.writerHolders();
    if (h === undefined) return undefined;
    const rows = await c.lab.sql(h, "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_%'", { timeoutMs: 500 });
    const v = (k: string): string => {
      const value = rows.find((r) => r['Variable_name'] === k)?.['Value'];
      return typeof value === 'string' || typeof value === 'number' ? String(value) : '?';
    };
    return `${h} status ${v('Rpl_semi_sync_master_status')}, clients ${v('Rpl_semi_sync_master_clients')}, acked by a replica ${v('Rpl_semi_sync_master_yes_tx')}, without ${v('Rpl_semi_sync_master_no_tx')}`;
  } catch {
    return undefined; // not readable now: the log line is only a hint
  }
}

/** Where the logs of failed runs go unless MMM_CHAOS_LOGS says otherwise ('off': nowhere). */
export const DEFAULT_CHAOS_LOGS = '/var/tmp/mmm-chaos-logs';

function keepLogs(c: Cluster, name: string, notes: string[]): void {
  // Kept by default: a rare failure (a soak's one run in 40) is worth nothing without its daemons' logs.
  const keep = process.env['MMM_CHAOS_LOGS'] ?? DEFAULT_CHAOS_LOGS;
  if (keep === '' || keep === 'off') return;
  const to = join(keep, name);
  try {
    cpSync(c.out, to, { recursive: true });
    notes.push(`logs kept in ${to}`);
  } catch (e) {
    notes.push(`logs not kept: ${String(e)}`);
  }
}

/**
 * A reader VIP seen on two hosts in consecutive samples this many times is a failure. One isolated sample is
 * below the sampler's resolution: each host's VIPs come from its own `ip monitor`, and the removal on one
 * host and the addition on the next (a few ms apart, in that order) can reach the sampler in either order.
 */
const READER_OVERLAP_SAMPLES = 3;

/**
 * Issue 10's invariants are about the writer: one writable host, one writer VIP holder; reader VIPs only must
 * not stay on a host that is not ONLINE after settling (checked after the run). A reader VIP moving off a host
 * whose agent is slow (behind its frozen mysqld) or that was cut off is on two hosts until that agent catches
 * up: a note. Longer than this (5 s at 50 ms) it is stuck: a failure.
 */
const READER_OVERLAP_STUCK_SAMPLES = 100;

interface CutOff {
  readonly host: string;
  readonly fromMs: number;
  toMs: number;
}

/** Violations with the hosts that were cut off at that moment left out (and dropped when one host remains). */
function reachableOnly(vs: readonly Violation[], cutOffs: readonly CutOff[]): Violation[] {
  return vs.flatMap((v) => {
    const hosts = v.hosts.filter((h) => !cutOffs.some((x) => x.host === h && x.fromMs <= v.atMs && v.atMs <= x.toMs));
    return hosts.length > 1 ? [{ ...v, hosts }] : [];
  });
}

function judgeViolations(vs: readonly Violation[]): {
  violations: number;
  readerOverlap: { samples: number; longest: number };
} {
  const violations = new Set(vs.filter((v) => v.kind !== 'vip-twice').map((v) => v.sample)).size;
  const reader = [...new Set(vs.filter((v) => v.kind === 'vip-twice').map((v) => v.sample))].sort((a, b) => a - b);
  let longest = 0;
  let streak = 0;
  reader.forEach((n, i) => {
    streak = i > 0 && reader[i - 1] === n - 1 ? streak + 1 : 1;
    longest = Math.max(longest, streak);
  });
  return { violations, readerOverlap: { samples: reader.length, longest } };
}

/** What `show` and the hosts disagree on, and VIPs on hosts that are not ONLINE. */
async function vipMismatches(c: Cluster, states: Readonly<Record<string, string>>): Promise<string[]> {
  const out: string[] = [];
  const shown: Record<string, string[]> = await c.shownVips().catch(() => ({}));
  for (const h of c.hosts) {
    const vips = [...(await boundVips(c.lab, h))].filter((v) => v === c.writerIp || c.readerIps.includes(v)).sort();
    if (states[h] !== undefined && states[h] !== 'ONLINE' && vips.length > 0) {
      out.push(`${h} is ${states[h]} but holds ${vips.join(', ')}`);
    }
    const says = [...(shown[h] ?? [])].sort();
    if (says.join() !== vips.join()) out.push(`show says ${h} has [${says.join(', ')}], it has [${vips.join(', ')}]`);
  }
  return out;
}

/** After the writes stopped: one writer, survivors converged, acked writes everywhere, no crashed daemon. */
async function afterChecks(
  c: Cluster,
  acked: readonly number[],
  downOnPurpose: ReadonlySet<string>,
): Promise<{ failures: string[]; notes: string[]; lost: number; writer: string | null }> {
  const failures: string[] = [];
  const notes: string[] = [];
  if (!downOnPurpose.has('monitor') && !c.monitorRunning) failures.push('mmm_mond is not running (crashed?)');
  for (const h of await c.deadAgents()) if (!downOnPurpose.has(h)) failures.push(`agent on ${h} exited`);
  const holders = await c.writerHolders();
  if (holders.length !== 1) failures.push(`writer VIP held by ${holders.length} hosts (${holders.join(', ')})`);
  const writer = holders[0] ?? null;
  let states: Record<string, string> = {};
  try {
    states = await c.states();
  } catch (e) {
    notes.push(`show failed: ${String(e)}`);
  }
  // no VIP on a host that is not ONLINE; `show` agrees with the hosts (given 10 s to settle)
  let mismatches = await vipMismatches(c, states);
  for (let i = 0; i < 20 && mismatches.length > 0; i++) {
    await sleep(500);
    mismatches = await vipMismatches(c, await c.states().catch(() => states));
  }
  failures.push(...mismatches);
  if (writer === null) return { failures, notes, lost: 0, writer };
  const replicas = c.hosts.filter((h) => h !== writer && states[h] === 'ONLINE');
  try {
    await waitConverged(c.lab, { hosts: replicas, from: writer, timeoutMs: 20_000 });
  } catch (e) {
    notes.push(`replicas did not converge: ${String(e)}`);
  }
  const missing = await verifyAcks(c.lab, CHAOS_TABLE, acked, [writer, ...replicas]);
  const lostIds = new Set(Object.values(missing).flat());
  for (const [h, ids] of Object.entries(missing)) if (ids.length > 0) notes.push(`${h} lacks ${ids.length} acked ids`);
  return { failures, notes, lost: lostIds.size, writer };
}

/** Runs `runs` runs of each scenario, seeds derived from `baseSeed`. */
export async function runAll(
  scenarios: readonly Scenario[],
  o: RunnerOptions & { runs: number; baseSeed: number },
): Promise<RunResult[]> {
  const pool = new ClusterPool(o);
  const results: RunResult[] = [];
  try {
    for (const s of scenarios) {
      for (let run = 1; run <= o.runs; run++) {
        const r = await runScenario(pool, s, run, runSeed(o.baseSeed, s.name, run), o);
        o.log(
          `[${s.name} #${run}] ${r.outcome}: outage ${r.outageMs ?? '-'} ms, lost ${r.lostWrites}, violations ${r.violations}${r.failures.length > 0 ? ` — ${r.failures.join('; ')}` : ''}`,
        );
        results.push(r);
      }
    }
  } finally {
    await pool.drop();
  }
  return results;
}
