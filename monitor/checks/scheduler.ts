// Runs the four checks on every host and keeps their debounced status and the latest observations.
//
// Unlike MMM (one thread per check walking the hosts one after another, spec §3.1):
//   * every host×check has its own timer, so all hosts are checked concurrently and a hung host only
//     delays itself; the next run starts `check_period` after the previous one started (or at once when the
//     previous one took longer), sub-second periods included; first runs are staggered over one period;
//   * runs of the same host×check never overlap (single-flight: checkNow joins a run in progress);
//   * every run is bounded by the check's timeout (connection.ts), and MySQL connections are reused;
//   * a broken connection is reported at once (onConnectionLost) and triggers an immediate mysql re-check;
//   * with corroboration (`liveness`), a failing ping or mysql run is judged with the replicas' view
//     (liveness.ts): `dead` reports it at once (no trap_period), `reachable-by-replicas` keeps the check OK
//     with a message that says so.
// What MMM users see stays MMM's: initial checks stored without trap (§3.4), then the trap (§3.3,
// debounce.ts) decides what reaches the stored status (§3.5).
import {
  CHECK_NAMES,
  type CheckConfig,
  type CheckName,
  type Config,
  type HostConfig,
} from '../../common/config/types.js';
import { describeError, MmmError } from '../../common/errors/index.js';
import { silentLogger, type Logger } from '../../common/log/index.js';
import { initialTrack, step, type CheckResultState, type CheckTrack } from './debounce.js';
import { LivenessWatch, type LivenessSettings } from './liveness.js';
import { errorOccurred, reachableByReplicas, TIMEOUT, type RawResult } from './messages.js';
import { cloneMetrics, emptyMetrics, recordRun, type ChecksMetrics } from './metrics.js';
import { applyPatch, emptyObservation, markConnectionLost, withLiveness, type HostObservation } from './observation.js';
import type { Pinger } from './ping.js';
import type { LivenessProbeOutcome, ProbeOutcome, ProbeSettings } from './probes.js';
import { defaultProbers, validateCheck } from './setup.js';

/** Runs the checks of one host (HostProbes; a fake in unit tests). */
export interface HostProber {
  /** One run; should not throw (a throw becomes "UNKNOWN: Error occurred: ..."). */
  run(check: CheckName, settings: ProbeSettings): Promise<ProbeOutcome>;
  /** The liveness probe (needed with `liveness`); bounded, should not throw. */
  liveness?(): Promise<LivenessProbeOutcome>;
  close(): Promise<void>;
}

/** Makes the prober of a host; `onLost` must be called at once when a connection to the host breaks. */
export type ProberFactory = (
  host: HostConfig,
  onLost: (check: CheckName | 'liveness', reason: string) => void,
) => HostProber;

export interface CheckStatusView {
  /** Debounced: what the state machine and `mmm_control checks` use. */
  readonly result: CheckResultState;
  /** Text of the last reported result (MMM's stored message). */
  readonly message: string;
  /** Epoch ms of the last flip of `result`, or of the initial check. */
  readonly lastChange: number;
  /** Epoch ms the latest run ended; undefined before the first run. */
  readonly lastRunAt: number | undefined;
  /** Duration of the latest run in ms. */
  readonly latencyMs: number | undefined;
  /** The latest run's own result, before debouncing. */
  readonly lastRaw: RawResult | undefined;
}

export type ChangeListener = (
  host: string,
  check: CheckName,
  status: CheckStatusView,
  previous: CheckStatusView,
) => void;
export type ConnectionLostListener = (host: string, reason: string) => void;

export interface CheckSchedulerOptions {
  readonly config: Pick<Config, 'hosts' | 'checks'>;
  readonly logger?: Logger;
  /** The monitor's own network state (NetworkChecker.haveNet); default: always reachable. */
  readonly haveNet?: () => boolean;
  /** Ping method; default: detected on start (fping, ping, TCP). */
  readonly pinger?: Pinger;
  /** Replaces the real checks (unit tests of the scheduling). */
  readonly probers?: ProberFactory;
  /** Epoch ms; default: a monotonic clock anchored at the process start (no jumps with the wall clock). */
  readonly now?: () => number;
  /** Re-run the mysql check at once when a connection to a host breaks. Default true. */
  readonly recheckOnConnectionLost?: boolean;
  /**
   * Corroboration (`corroborate`, liveness.ts): probe every host this often and judge failing ping/mysql
   * runs with the replicas' view. Undefined: off, MMM's behaviour (see `livenessSettings(config)`).
   */
  readonly liveness?: LivenessSettings;
}

interface Slot {
  readonly host: string;
  readonly check: CheckName;
  readonly cfg: CheckConfig;
  /** Position among the hosts, for staggering the first runs. */
  readonly index: number;
  track: CheckTrack;
  lastRunAt: number | undefined;
  latencyMs: number | undefined;
  lastRaw: RawResult | undefined;
  timer: NodeJS.Timeout | undefined;
  inflight: Promise<CheckStatusView> | undefined;
  /** A runner that overran its bound and has not returned yet: the next run waits for it. */
  overrun: Promise<void> | undefined;
}

const monotonicEpoch = (): number => Math.floor(performance.timeOrigin + performance.now());

/**
 * Belt and braces, like MMM's alarm(timeout+1): every runner is bounded by construction (connection.ts,
 * ping.ts), but should one ever hang, its result is "ERROR: Timeout" after this much beyond the timeout.
 * The slot stays busy until the runner really returns, so runs never overlap.
 */
export const RUN_SAFETY_MARGIN_MS = 1000;

export class CheckScheduler {
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #haveNet: () => boolean;
  readonly #recheck: boolean;
  readonly #probers = new Map<string, HostProber>();
  readonly #slots = new Map<string, Slot>();
  readonly #observations = new Map<string, HostObservation>();
  readonly #metrics: ChecksMetrics;
  readonly #lostLatched = new Set<string>();
  readonly #changeListeners = new Set<ChangeListener>();
  readonly #lostListeners = new Set<ConnectionLostListener>();
  readonly #hostCount: number;
  readonly #live: LivenessWatch | undefined;
  #startedAt: number | undefined;
  #stopped = false;

  constructor(opts: CheckSchedulerOptions) {
    const { hosts, checks } = opts.config;
    for (const name of CHECK_NAMES) validateCheck(checks[name]);
    this.#log = (opts.logger ?? silentLogger()).child({ component: 'checks' });
    this.#now = opts.now ?? monotonicEpoch;
    this.#haveNet = opts.haveNet ?? (() => true);
    this.#recheck = opts.recheckOnConnectionLost ?? true;
    this.#hostCount = hosts.length;
    this.#metrics = emptyMetrics(hosts.map((h) => h.name));
    const createdAt = this.#now();
    const timeoutsMs = {
      mysql: checks.mysql.timeout * 1000,
      rep_threads: checks.rep_threads.timeout * 1000,
      rep_backlog: checks.rep_backlog.timeout * 1000,
    };
    const factory: ProberFactory =
      opts.probers ?? defaultProbers(hosts, timeoutsMs, this.#log, opts.pinger, opts.liveness?.timeoutMs);
    for (const h of hosts) {
      this.#probers.set(
        h.name,
        factory(h, (check, reason) => {
          this.#connectionLost(h.name, check, reason);
        }),
      );
    }
    this.#live = opts.liveness === undefined ? undefined : this.#livenessWatch(hosts, opts.liveness);
    hosts.forEach((h, index) => {
      this.#observations.set(h.name, emptyObservation(h.name));
      for (const check of CHECK_NAMES) {
        this.#slots.set(key(h.name, check), {
          host: h.name,
          check,
          cfg: checks[check],
          index,
          track: initialTrack(undefined, createdAt),
          lastRunAt: undefined,
          latencyMs: undefined,
          lastRaw: undefined,
          timer: undefined,
          inflight: undefined,
          overrun: undefined,
        });
      }
    });
  }

  /**
   * Initial checks (spec §3.4): every check on every host once, concurrently, stored without trap and stamped
   * with the start time; then the periodic runs begin. Resolves when the initial results are stored.
   */
  async start(): Promise<void> {
    if (this.#startedAt !== undefined) throw new MmmError('MMM_CONFLICT', 'checks already started');
    const startedAt = this.#now();
    this.#startedAt = startedAt;
    this.#log.info('Performing initial checks...');
    this.#live?.start();
    // Each slot starts its periodic runs right after its own initial run (staggered over one period), so a
    // host that hangs at startup delays nobody else.
    await Promise.all(
      [...this.#slots.values()].map(async (s) => {
        await this.#run(s, startedAt);
        const periodMs = s.cfg.checkPeriod * 1000;
        this.#schedule(s, (periodMs * (s.index + 1)) / Math.max(1, this.#hostCount));
      }),
    );
  }

  /** Stops every timer, waits for runs in progress (all bounded) and closes every connection. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const s of this.#slots.values()) clearTimeout(s.timer);
    await this.#live?.stop();
    const running = [...this.#slots.values()].flatMap((s) => (s.inflight === undefined ? [] : [s.inflight]));
    await Promise.allSettled(running);
    await Promise.allSettled([...this.#probers.values()].map((p) => p.close()));
  }

  getStatus(host: string, check: CheckName): CheckStatusView {
    return view(this.#slot(host, check));
  }

  /** The four statuses of a host, in CHECK_NAMES order. */
  getStatuses(host: string): Readonly<Record<CheckName, CheckStatusView>> {
    const out = {} as Record<CheckName, CheckStatusView>;
    for (const c of CHECK_NAMES) out[c] = this.getStatus(host, c);
    return out;
  }

  getObservation(host: string): HostObservation {
    const o = this.#observations.get(host);
    if (o === undefined) throw unknownHost(host);
    return o;
  }

  /** Called whenever a stored status changes (result or message). Returns an unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** Called at once when a connection to a host breaks; once per outage (until a mysql check gets through). */
  onConnectionLost(listener: ConnectionLostListener): () => void {
    this.#lostListeners.add(listener);
    return () => this.#lostListeners.delete(listener);
  }

  /** Runs the check now (or joins the run in progress) and resolves with the status after it. */
  async checkNow(host: string, check: CheckName): Promise<CheckStatusView> {
    const s = this.#slot(host, check);
    if (s.inflight !== undefined) return s.inflight;
    if (this.#stopped) return view(s);
    clearTimeout(s.timer);
    const status = await this.#run(s, undefined);
    if (this.#startedAt !== undefined) this.#schedule(s, s.cfg.checkPeriod * 1000);
    return status;
  }

  /** A copy of the counters and latency histograms (see metrics.ts). */
  metrics(): ChecksMetrics {
    return cloneMetrics(this.#metrics);
  }

  #slot(host: string, check: CheckName): Slot {
    const s = this.#slots.get(key(host, check));
    if (s !== undefined) return s;
    if (!this.#observations.has(host)) throw unknownHost(host);
    throw new MmmError('MMM_NOT_FOUND', `unknown check '${check}'`);
  }

  #schedule(s: Slot, delayMs: number): void {
    clearTimeout(s.timer);
    if (this.#stopped) return;
    s.timer = setTimeout(() => {
      const began = performance.now();
      const next = (): void => {
        this.#schedule(s, Math.max(0, s.cfg.checkPeriod * 1000 - (performance.now() - began)));
      };
      this.#run(s, undefined).then(next, (e: unknown) => {
        // A bug, not a check result: keep checking rather than stop watching this host.
        this.#log.error({ host: s.host, check: s.check, error: describeError(e) }, 'check run failed');
        next();
      });
    }, delayMs);
  }

  /** One run; `initialAt` set = the initial check. Single-flight per slot. */
  #run(s: Slot, initialAt: number | undefined): Promise<CheckStatusView> {
    s.inflight ??= (async () => {
      if (s.overrun !== undefined) await s.overrun;
      return this.#stopped ? view(s) : this.#execute(s, initialAt);
    })().finally(() => {
      s.inflight = undefined;
    });
    return s.inflight;
  }

  async #execute(s: Slot, initialAt: number | undefined): Promise<CheckStatusView> {
    const settings: ProbeSettings = { timeoutMs: s.cfg.timeout * 1000, maxBacklog: s.cfg.maxBacklog };
    const began = performance.now();
    const outcome = await this.#bounded(s, settings);
    const latencyMs = performance.now() - began;
    if (this.#stopped) return view(s);
    const at = this.#now();
    const { raw } = outcome;
    const host = this.#metrics.hosts[s.host];
    if (host !== undefined) recordRun(host.checks[s.check], raw.kind, raw.message === TIMEOUT.message, latencyMs);
    const obs = applyPatch(this.getObservation(s.host), outcome.patch, at);
    this.#observations.set(s.host, obs);
    if (outcome.patch.mysql?.reachable === true) this.#lostLatched.delete(s.host);

    // Corroboration: the run is judged with the replicas' view before it meets the trap.
    let fed = raw;
    let trapMs = s.cfg.trapPeriod * 1000;
    const live = this.#live;
    const corroborated = live !== undefined && (s.check === 'mysql' || s.check === 'ping');
    if (corroborated) {
      live.noteRun(s.host, s.check, raw, at - latencyMs);
      if (raw.kind === 'error') {
        const { judgement } = live.judgement(s.host);
        if (judgement.verdict === 'dead') trapMs = 0;
        else if (judgement.verdict === 'reachable-by-replicas') fed = this.#annotated(s.host, raw);
      }
    }

    const previous = view(s);
    s.lastRunAt = at;
    s.latencyMs = latencyMs;
    s.lastRaw = raw;
    if (initialAt !== undefined) {
      s.track = initialTrack(fed, initialAt);
      this.#changed(s, previous);
    } else {
      this.#feed(s, fed, at, trapMs, corroborated, previous);
    }
    return view(s);
  }

  /** Feeds one result through the trap into the stored status; logs and emits a change. */
  #feed(s: Slot, raw: RawResult, at: number, trapPeriodMs: number, restate: boolean, previous = view(s)): void {
    const out = step(s.track, {
      check: s.check,
      host: s.host,
      raw,
      now: at,
      trapPeriodMs,
      haveNet: this.#haveNet(),
      restate,
    });
    s.track = out.track;
    if (out.log !== undefined) this.#log[out.log.level]({ host: s.host, check: s.check }, out.log.message);
    if (out.changed) this.#changed(s, previous);
  }

  #changed(s: Slot, previous: CheckStatusView): void {
    const current = view(s);
    this.#emit(this.#changeListeners, (l) => {
      l(s.host, s.check, current, previous);
    });
  }

  /** "OK: The monitor cannot reach db1 (...) but replicas db3, db4 still replicate from it". */
  #annotated(host: string, failure: RawResult): RawResult {
    const { judgement } = this.#live?.judgement(host) ?? { judgement: undefined };
    const receiving = (judgement?.evidence ?? []).filter((e) => e.view === 'receiving').map((e) => e.host);
    return reachableByReplicas(host, receiving, failure.message);
  }

  /**
   * A verdict flipped between runs: `dead` reports the latest failure of ping and mysql at once (for mysql
   * also a failed liveness probe: a hung server's check run may still be waiting for its timeout);
   * `reachable-by-replicas` turns a pending failure into the annotated OK.
   */
  #applyLiveness(host: string): void {
    const live = this.#live;
    if (live === undefined || this.#startedAt === undefined || this.#stopped) return;
    const { judgement } = live.judgement(host);
    const at = this.#now();
    for (const check of ['mysql', 'ping'] as const) {
      const s = this.#slot(host, check);
      if (s.lastRunAt === undefined) continue; // the initial check stores its own result
      const lastFailed = s.lastRaw?.kind === 'error' ? s.lastRaw : undefined;
      if (judgement.verdict === 'dead') {
        const failure = lastFailed ?? (check === 'mysql' ? live.mysqlFailure(host) : undefined);
        if (failure !== undefined) this.#feed(s, failure, at, 0, true);
      } else if (judgement.verdict === 'reachable-by-replicas' && lastFailed !== undefined) {
        this.#feed(s, this.#annotated(host, lastFailed), at, s.cfg.trapPeriod * 1000, true);
      }
    }
  }

  #livenessWatch(hosts: readonly HostConfig[], settings: LivenessSettings): LivenessWatch {
    return new LivenessWatch({
      hosts: hosts.map((h) => h.name),
      settings,
      now: this.#now,
      logger: this.#log,
      probe: (host) => {
        const p = this.#probers.get(host);
        if (p?.liveness === undefined) {
          return Promise.resolve({ ok: false, latencyMs: 0, raw: errorOccurred('no liveness probe') });
        }
        return p.liveness();
      },
      onProbe: (host, out, at) => {
        const m = this.#metrics.hosts[host];
        const kind = out.ok ? 'ok' : out.raw.kind;
        if (m !== undefined)
          recordRun(m.liveness.probes, kind, !out.ok && out.raw.message === TIMEOUT.message, out.latencyMs);
        if (!out.ok) return;
        this.#lostLatched.delete(host);
        this.#observations.set(host, applyPatch(this.getObservation(host), { replica: out.replica }, at));
      },
      onJudged: (host, v, at) => {
        this.#observations.set(host, withLiveness(this.getObservation(host), v, at));
      },
      onVerdict: (host, now) => {
        const m = this.#metrics.hosts[host];
        if (m !== undefined) {
          m.liveness.verdict = now.verdict;
          m.liveness.verdicts[now.verdict] += 1;
        }
        this.#applyLiveness(host);
      },
    });
  }

  /** The runner's outcome, or "ERROR: Timeout" if it overruns its bound (the slot then waits for it). */
  async #bounded(s: Slot, settings: ProbeSettings): Promise<ProbeOutcome> {
    const prober = this.#probers.get(s.host);
    const work: Promise<ProbeOutcome> = (async () => {
      if (prober === undefined) throw new MmmError('MMM_INTERNAL', `no prober for host '${s.host}'`);
      return prober.run(s.check, settings);
    })().catch((e: unknown) => ({ raw: errorOccurred(describeError(e)), patch: {} }));
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, settings.timeoutMs + RUN_SAFETY_MARGIN_MS, undefined);
    });
    const first = await Promise.race([work, overrun]);
    clearTimeout(timer);
    if (first !== undefined) return first;
    this.#log.error({ host: s.host, check: s.check }, 'check run overran its time bound (a bug); reporting a timeout');
    s.overrun = work.then(() => {
      s.overrun = undefined;
    });
    return { raw: TIMEOUT, patch: {} };
  }

  #connectionLost(host: string, check: CheckName | 'liveness', reason: string): void {
    const m = this.#metrics.hosts[host];
    if (m !== undefined) m.connectionsLost += 1;
    if (this.#stopped) return;
    this.#observations.set(host, markConnectionLost(this.getObservation(host), this.#now()));
    if (this.#lostLatched.has(host)) return;
    this.#lostLatched.add(host);
    this.#log.warn({ host, check, reason }, `Connection to MySQL on '${host}' lost: ${reason}`);
    this.#emit(this.#lostListeners, (l) => {
      l(host, reason);
    });
    if (this.#recheck && this.#startedAt !== undefined) void this.checkNow(host, 'mysql');
  }

  #emit<L>(listeners: Set<L>, call: (l: L) => void): void {
    for (const l of listeners) {
      try {
        call(l);
      } catch (e) {
        this.#log.error({ error: describeError(e) }, 'checks listener threw');
      }
    }
  }
}

function key(host: string, check: CheckName): string {
  return `${host}\u0000${check}`;
}

function unknownHost(host: string): MmmError {
  return new MmmError('MMM_NOT_FOUND', `unknown host '${host}'`);
}

function view(s: Slot): CheckStatusView {
  return Object.freeze({
    result: s.track.stored.result,
    message: s.track.stored.message,
    lastChange: s.track.stored.lastChange,
    lastRunAt: s.lastRunAt,
    latencyMs: s.latencyMs,
    lastRaw: s.lastRaw,
  });
}
