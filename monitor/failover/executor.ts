// Runs a recovery plan (monitor/core/failover/plan.ts) against the agents: fence the old writer(s), catch up
// the candidate, promote it with its replication from the old writer cut, repoint every other replica by GTID
// in parallel; and the planned switchover (fence, wait until the target applied everything, promote, or roll
// back). Every call is bounded; independent calls run in parallel; every step is timed and recorded.
// Decisions stay in the core: this file only does what the plan says and reports what happened.
import type { FenceResult } from '../../common/api/agent.js';
import type { Config } from '../../common/config/types.js';
import { describeError, isMmmError } from '../../common/errors/index.js';
import type { Logger } from '../../common/log/index.js';
import { factsOf, type AgentPort } from '../agent-link.js';
import { fetchMissing } from './fetch-missing.js';
import {
  ACK_HINT,
  unappliedGtids,
  type FailoverBlock,
  type FencedBy,
  type RecoveryPlan,
  type RecoveryRecord,
  type RecoveryStep,
  type StepOutcome,
} from '../core/index.js';

export interface ExecutorPorts {
  readonly agents: AgentPort;
  readonly logger: Logger;
  readonly now: () => number;
  /** Waits `ms`; after `signal` aborts it may never resolve (the caller stopped waiting). */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** kill_host_bin for a host; resolves when it reported success, rejects otherwise. */
  readonly kill: ((host: string) => Promise<void>) | undefined;
}

export interface RecoveryRun {
  readonly config: Config;
  readonly epoch: number;
  readonly id: string;
  readonly plan: RecoveryPlan;
  /** Progress for `show` while the recovery runs ('' when done). */
  readonly progress: (text: string) => void;
}

export interface RecoveryResult {
  readonly record: RecoveryRecord;
  /** The target's writer is open. */
  readonly promoted: boolean;
  /** Set when the writer role must stay orphaned. */
  readonly block: FailoverBlock | undefined;
  /** Hosts fenced by their agent (the gate learns they are closed). */
  readonly fencedHosts: readonly string[];
}

/** Bound of a status call made while planning or recovering. */
export const STATUS_TIMEOUT_MS = 1000;
/** How long a repoint waits for both replication threads to run. */
export const REPOINT_VERIFY_MS = 3000;
/** Status reads that decide whether the candidate must fetch from a replica: short, they delay the promotion. */
const FETCH_STATUS_TIMEOUT_MS = 500;

export class Recorder {
  readonly steps: RecoveryStep[] = [];
  readonly #now: () => number;
  constructor(now: () => number) {
    this.#now = now;
  }
  /** Runs `f` as one step; the step's outcome and detail come from `f`'s result or error. */
  async step<T>(
    name: string,
    host: string | undefined,
    f: () => Promise<T>,
    describe: (v: T) => { outcome?: StepOutcome; detail: string },
  ): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    const startedAt = this.#now();
    try {
      const value = await f();
      const d = describe(value);
      this.#push(name, host, startedAt, d.outcome ?? 'ok', d.detail);
      return { ok: true, value };
    } catch (error) {
      const timeout = isMmmError(error) && (error.code === 'MMM_TIMEOUT' || error.code === 'MMM_CATCHUP_TIMEOUT');
      this.#push(name, host, startedAt, timeout ? 'timeout' : 'failed', describeError(error));
      return { ok: false, error };
    }
  }
  note(name: string, host: string | undefined, startedAt: number, outcome: StepOutcome, detail: string): void {
    this.#push(name, host, startedAt, outcome, detail);
  }
  #push(name: string, host: string | undefined, startedAt: number, outcome: StepOutcome, detail: string): void {
    const s = { name, startedAt, durationMs: Math.round(this.#now() - startedAt), outcome, detail };
    this.steps.push(host === undefined ? s : { ...s, host });
  }
}

/** The request certainly did not reach the agent (nothing listened, no route): it cannot have renewed the lease. */
function notDelivered(e: unknown): boolean {
  return isMmmError(e) && e.code === 'MMM_AGENT_UNREACHABLE' && /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH/.test(e.message);
}

/** A fence answer that keeps the host from taking writes: writes denied, or mysqld unreachable with the VIP gone. */
function fencedHow(r: FenceResult): FencedBy | undefined {
  const vipFailed = r.steps.some((s) => s.action === 'remove-vip' && !s.ok);
  if (r.fenced) return 'agent';
  if (r.writesDenied === null && !vipFailed) return 'agent-vip-only';
  return undefined;
}

export class RecoveryExecutor {
  readonly #p: ExecutorPorts;

  constructor(ports: ExecutorPorts) {
    this.#p = ports;
  }

  /**
   * Fences every old writer in parallel; resolves with how each was fenced, or undefined for one that was not.
   * Per host, the agent's fence and the end of its writer lease race: whichever makes it safe first wins, so
   * a hung host never delays the recovery past its lease. With kill_host_bin configured, an agent that did not
   * fence its host is followed by the kill, and only its confirmation counts (not the lease).
   */
  async #fenceAll(run: RecoveryRun, rec: Recorder): Promise<{ host: string; by: FencedBy | undefined }[]> {
    const p = this.#p;
    return Promise.all(
      run.plan.fence.map(async (f) => {
        const started = p.now();
        const stopWaiting = new AbortController();
        const delivery = { known: false, delivered: true };
        const leaseOver = this.#leaseOver(run, f.leaseOverAt, started, delivery, stopWaiting.signal);
        try {
          return await this.#fenceOne(run, rec, f, started, leaseOver, delivery);
        } finally {
          stopWaiting.abort();
        }
      }),
    );
  }

  /**
   * Resolves once the host's writer lease is certainly over: lease + margin after its last contact, and, when
   * the fence request itself may have reached the agent (it renews the agent's contact), lease + margin after
   * that request was sent. Never resolves without a lease.
   */
  async #leaseOver(
    run: RecoveryRun,
    plannedAt: number | undefined,
    sentAt: number,
    delivery: { known: boolean; delivered: boolean },
    signal: AbortSignal,
  ): Promise<{ kind: 'lease' }> {
    const p = this.#p;
    const leaseMs = run.config.agent.writerLease * 1000;
    if (plannedAt === undefined || leaseMs <= 0) return new Promise(() => undefined);
    const marginMs = (run.config.monitor?.failover.leaseMargin ?? 0) * 1000;
    try {
      await p.sleep(Math.max(0, plannedAt - p.now()), signal);
      if (!delivery.known || delivery.delivered)
        await p.sleep(Math.max(0, sentAt + leaseMs + marginMs - p.now()), signal);
    } catch {
      return new Promise(() => undefined);
    }
    return { kind: 'lease' };
  }

  async #fenceOne(
    run: RecoveryRun,
    rec: Recorder,
    f: RecoveryPlan['fence'][number],
    started: number,
    leaseOver: Promise<{ kind: 'lease' }>,
    delivery: { known: boolean; delivered: boolean },
  ): Promise<{ host: string; by: FencedBy | undefined }> {
    const mon = run.config.monitor;
    const p = this.#p;
    const byLease = (): { host: string; by: FencedBy } => {
      rec.note('lease-wait', f.host, started, 'ok', 'writer_lease + lease_margin since its last contact are over');
      return { host: f.host, by: 'lease' };
    };
    if (f.leaseOverAt !== undefined) {
      run.progress(
        `fencing ${f.host}: its agent, or its writer lease (over in ${Math.max(0, f.leaseOverAt - started)} ms)`,
      );
    }
    const fenced = rec
      .step(
        'fence',
        f.host,
        () => p.agents.fence(f.host, run.epoch, `${run.plan.kind} ${run.id}`),
        (v) => ({
          outcome: fencedHow(v) === undefined ? 'failed' : 'ok',
          detail: `writes denied: ${String(v.writesDenied)}, sessions killed: ${v.sessionsKilled}, VIPs removed: ${v.vipsRemoved.join(' ') || 'none'}`,
        }),
      )
      .then((r) => {
        delivery.known = true;
        delivery.delivered = r.ok || !notDelivered(r.error);
        return { kind: 'fence' as const, how: r.ok ? fencedHow(r.value) : undefined };
      });
    const stonith = mon?.killHostBin !== undefined ? this.#p.kill : undefined;
    if (stonith !== undefined) {
      // With kill_host_bin configured the lease alone is not trusted: an agent that died with its host cut
      // off cannot enforce it, and from here that looks the same as a lost host. Only the agent's own fence
      // or the kill's confirmation let the promotion go on (chaos kill-agent-isolate-stonith).
      const answer = await fenced;
      if (answer.how !== undefined) return { host: f.host, by: answer.how };
      const killed = await rec.step(
        'kill_host_bin',
        f.host,
        () => stonith(f.host),
        () => ({ detail: 'confirmed' }),
      );
      return { host: f.host, by: killed.ok ? 'kill_host_bin' : undefined };
    }
    const first = await Promise.race([fenced, leaseOver]);
    if (first.kind === 'lease') return byLease();
    if (first.how !== undefined) return { host: f.host, by: first.how };
    if (f.leaseOverAt === undefined) return { host: f.host, by: undefined };
    await leaseOver;
    return byLease();
  }

  /** Failover (or failback, initial placement): fence, catch-up, promote, repoint. */
  async run(run: RecoveryRun): Promise<RecoveryResult> {
    const { plan, epoch } = run;
    const p = this.#p;
    const startedAt = p.now();
    const rec = new Recorder(p.now);
    const to = plan.to;
    const done = (
      outcome: RecoveryRecord['outcome'],
      reason: string,
      extra: Partial<RecoveryRecord> & {
        block?: FailoverBlock;
        fenced?: { host: string; by: FencedBy | undefined }[];
      } = {},
    ): RecoveryResult => {
      const fencedBy = (extra.fenced ?? []).map((f) => ({ host: f.host, by: f.by ?? ('none' as const) }));
      const record: RecoveryRecord = {
        id: run.id,
        kind: plan.kind,
        from: plan.from,
        to,
        startedAt,
        durationMs: Math.round(p.now() - startedAt),
        outcome,
        reason,
        fencedBy,
        missing: extra.missing ?? '',
        writePauseMs: extra.writePauseMs,
        notFollowing: extra.notFollowing ?? [],
        steps: rec.steps,
      };
      run.progress('');
      return {
        record,
        promoted: outcome === 'done',
        block: extra.block,
        fencedHosts: (extra.fenced ?? [])
          .filter((f) => f.by === 'agent' || f.by === 'agent-vip-only')
          .map((f) => f.host),
      };
    };
    const block = (kind: FailoverBlock['kind'], reason: string): FailoverBlock => ({
      kind,
      reason,
      since: p.now(),
      hint: ACK_HINT,
    });
    if (to === undefined) return done('blocked', plan.blocked, { block: block('promote-failed', plan.blocked) });

    run.progress(`fencing ${plan.from.join(', ') || 'nobody'}`);
    const fenced = await this.#fenceAll(run, rec);
    const unfenced = fenced.filter((f) => f.by === undefined).map((f) => f.host);
    if (unfenced.length > 0) {
      const reason =
        run.config.monitor?.killHostBin !== undefined
          ? `could not fence ${unfenced.join(', ')}: its agent did not fence it and kill_host_bin did not confirm (with kill_host_bin configured the writer lease alone is not trusted: the agent may be dead); make sure it cannot take writes`
          : `could not fence ${unfenced.join(', ')}: the agent did not fence it, writer_lease is 0 and kill_host_bin did not confirm`;
      return done('blocked', reason, { fenced, block: block('fence', reason) });
    }

    let missing = '';
    if (plan.catchUp !== undefined) {
      const cu = plan.catchUp;
      run.progress(`catch-up on ${to} (at most ${cu.timeoutMs} ms)`);
      const r = await rec.step(
        'catch-up',
        to,
        () => p.agents.catchUp(to, epoch, cu.timeoutMs),
        (v) => ({
          detail: `applied up to ${v.reached.gtid ?? `${v.reached.file ?? ''}:${v.reached.pos ?? ''}`} in ${v.waitedMs} ms`,
        }),
      );
      if (!r.ok) {
        const refused = isMmmError(r.error) && r.error.code === 'MMM_REFUSED';
        if (!refused) {
          const why = `catch-up on ${to} failed: ${describeError(r.error)}`;
          if (cu.policy === 'abort') {
            p.logger.fatal(`${why}; catchup_policy abort: not promoting. ${ACK_HINT}`);
            return done('blocked', why, { fenced, block: block('catchup-timeout', why) });
          }
          missing = await this.#unapplied(to);
          p.logger.error(`${why}; catchup_policy promote: promoting, possibly missing: ${missing || 'unknown'}`);
        }
      }
    }

    const fetchMs = plan.catchUp?.timeoutMs ?? Math.round((run.config.monitor?.failover.catchupTimeout ?? 10) * 1000);
    const fetched = await fetchMissing(
      p,
      { config: run.config, epoch, exclude: plan.from, progress: run.progress },
      rec,
      to,
      fetchMs,
      FETCH_STATUS_TIMEOUT_MS,
      REPOINT_VERIFY_MS,
    );
    run.progress(`promoting ${to}`);
    // after a fetch the candidate replicates from a replica: the promotion cuts that instead
    const how = fetched.length > 0 ? 'stop' : plan.promote;
    const promoted = await rec.step(
      'promote',
      to,
      () => p.agents.promote(to, epoch, how),
      (v) => ({
        detail: `replication ${how}; writer IPs ${v.writerIps.join(' ')}; position ${v.position.gtid ?? ''}`,
      }),
    );
    if (!promoted.ok) {
      const why = `promote of ${to} failed: ${describeError(promoted.error)}`;
      return done('blocked', why, { fenced, missing, block: block('promote-failed', why) });
    }

    // The repoints run after the recovery returns (the caller starts them): the new writer is open now, and a
    // replica whose receiver is stuck on a hung old source must not hold up the monitor's next pushes.
    return done('done', '', { fenced, missing });
  }

  /** Points `hosts` at `to` by GTID in parallel, each bounded and verified; returns those that failed. */
  async repointAll(
    config: Config,
    epoch: number,
    to: string,
    hosts: readonly string[],
  ): Promise<{ failed: { host: string; reason: string }[]; steps: readonly RecoveryStep[] }> {
    const rec = new Recorder(this.#p.now);
    const src = config.hosts.find((h) => h.name === to);
    if (src === undefined)
      return { failed: hosts.map((host) => ({ host, reason: `unknown source ${to}` })), steps: [] };
    const source = { host: src.name, ip: src.ip, port: src.mysqlPort };
    const results = await Promise.all(
      hosts.map(async (host) => {
        const r = await rec.step(
          'repoint',
          host,
          () => this.#p.agents.repoint(host, epoch, source, REPOINT_VERIFY_MS),
          (v) => ({
            detail: `replicates from ${v.replication.sourceHost ?? v.replication.sourceIp}, IO ${v.replication.ioRunning}`,
          }),
        );
        if (r.ok) return undefined;
        // Only a host whose replication from `to` does not run (e.g. IO error 1236: it has transactions `to`
        // lacks) cannot follow; a timeout (a receiver stuck on a hung old source) is retried by the rejoin.
        if (isMmmError(r.error) && r.error.code === 'MMM_REPLICATION_BROKEN')
          return { host, reason: describeError(r.error) };
        this.#p.logger.warn(`repoint of ${host} to ${to} not done yet (retried): ${describeError(r.error)}`);
        return undefined;
      }),
    );
    return { failed: results.filter((x) => x !== undefined), steps: rec.steps };
  }

  /** What the target received but did not apply, from a fresh status (for the record). */
  async #unapplied(host: string): Promise<string> {
    try {
      const f = factsOf(await this.#p.agents.status(host, STATUS_TIMEOUT_MS), this.#p.now());
      return f === undefined ? '' : unappliedGtids(f);
    } catch {
      return '';
    }
  }

  /**
   * Planned switchover `from` → `to`: fence `from` through its agent (required), wait until `to` applied
   * everything `from` binlogged (bounded by switchover_timeout), promote `to` with replication from `from`
   * cut, repoint the others. On a failed fence or a timeout, `from` is opened again (rolled back).
   */
  async switchover(
    run: RecoveryRun & { readonly from: string; readonly to: string; readonly force: boolean },
  ): Promise<RecoveryResult> {
    const { config, epoch, from, to } = run;
    const p = this.#p;
    const startedAt = p.now();
    const rec = new Recorder(p.now);
    const timeoutMs =
      run.plan.catchUp?.timeoutMs ?? Math.round((config.monitor?.failover.switchoverTimeout ?? 10) * 1000);
    const result = (
      outcome: RecoveryRecord['outcome'],
      reason: string,
      fencedBy: RecoveryRecord['fencedBy'],
      extra: Partial<RecoveryRecord> = {},
    ): RecoveryResult => {
      run.progress('');
      return {
        record: {
          id: run.id,
          kind: 'switchover',
          from: [from],
          to,
          startedAt,
          durationMs: Math.round(p.now() - startedAt),
          outcome,
          reason,
          fencedBy,
          missing: extra.missing ?? '',
          writePauseMs: extra.writePauseMs,
          notFollowing: extra.notFollowing ?? [],
          steps: rec.steps,
        },
        promoted: outcome === 'done',
        block: undefined,
        fencedHosts: outcome === 'done' ? [from] : [],
      };
    };
    const reopen = async (why: string): Promise<RecoveryResult> => {
      const r = await rec.step(
        'rollback: reopen',
        from,
        () => p.agents.promote(from, epoch, 'keep'),
        () => ({ detail: 'old writer open again' }),
      );
      const reason = `${why}${r.ok ? `; ${from} is the writer again` : `; reopening ${from} failed too: the writer role is not open`}`;
      return result('rolled-back', reason, [{ host: from, by: 'agent' }]);
    };

    run.progress(`switchover: fencing ${from}`);
    const f = await rec.step(
      'fence',
      from,
      () => p.agents.fence(from, epoch, `switchover ${run.id}`),
      (v) => ({
        outcome: v.fenced ? 'ok' : 'failed',
        detail: `writes denied: ${String(v.writesDenied)}, sessions killed: ${v.sessionsKilled}`,
      }),
    );
    const fencedAt = p.now();
    if (!f.ok || !f.value.fenced) return reopen(`${from} could not be fenced`);

    const pos = await rec.step(
      'read position',
      from,
      async () => {
        const st = await p.agents.status(from, STATUS_TIMEOUT_MS);
        if (!st.mysql.up || st.mysql.gtid.binlogPos === null) throw new Error(`${from} reported no GTID position`);
        return st.mysql.gtid.binlogPos;
      },
      (g) => ({ detail: g === '' ? 'nothing binlogged yet' : g }),
    );
    if (!pos.ok) return reopen(`the position of ${from} could not be read`);
    const target = pos.value;

    run.progress(`switchover: ${to} applies everything up to ${target || 'nothing'} (at most ${timeoutMs} ms)`);
    const cu =
      target === ''
        ? ({ ok: true } as const)
        : await rec.step(
            'catch-up',
            to,
            () => p.agents.catchUp(to, epoch, timeoutMs, { gtid: target }),
            (v) => ({ detail: `reached ${v.reached.gtid ?? ''} in ${v.waitedMs} ms` }),
          );
    let missing = '';
    if (!cu.ok) {
      if (!run.force)
        return reopen(`${to} did not apply everything within switchover_timeout: ${describeError(cu.error)}`);
      missing = await this.#unapplied(to);
    }

    const pr = await rec.step(
      'promote',
      to,
      () => p.agents.promote(to, epoch, 'stop'),
      (v) => ({
        detail: `writer IPs ${v.writerIps.join(' ')}`,
      }),
    );
    if (!pr.ok) return reopen(`promote of ${to} failed: ${describeError(pr.error)}`);
    const writePauseMs = Math.round(p.now() - fencedAt);
    return result('done', '', [{ host: from, by: 'agent' }], { writePauseMs, missing });
  }
}
