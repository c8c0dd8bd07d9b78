// The liveness watch (corroboration, issue 6): a cheap probe of every host, more often than check_period and
// bounded by its own short timeout, that also reads each replica's progress (IO thread, received position,
// heartbeat counter). From those histories and the monitor's own failures it keeps a verdict per host
// (liveness-verdict.ts): alive, dead, reachable-by-replicas or unknown. The scheduler feeds it the ping and
// mysql check results (`noteRun`) and reacts to verdict flips (`onVerdict`).
//
// Timing: every host is probed every `periodMs`; while a host's verdict is pending (the monitor fails to
// reach it, the replicas have not decided yet), its replicas are probed every `burstMs`, and the moment a
// failing spell begins they are probed at once. Every probe is bounded (CheckConnection) and runs on its own
// timer, so a hung host delays nobody else.
import type { FailoverConfig } from '../../common/config/types.js';
import { describeError } from '../../common/errors/index.js';
import type { Logger } from '../../common/log/index.js';
import {
  judgeLiveness,
  trackReplica,
  type Judgement,
  type ReplicaSample,
  type ReplicaTrack,
} from './liveness-verdict.js';
import { errorOccurred, type RawResult } from './messages.js';
import type { LivenessProbe, LivenessView, Observed } from './observation.js';
import type { LivenessProbeOutcome } from './probes.js';

export interface LivenessSettings {
  /** Time between two probes of a host (ms). */
  readonly periodMs: number;
  /** Bound of one probe: its connection's connect and query timeout (ms). */
  readonly timeoutMs: number;
  /** Probe period of the replicas of a host whose verdict is pending (ms). */
  readonly burstMs: number;
}

/** Defaults for MMM's default checks (5/10/2): a hung writer is judged within about 2–3 s. */
export const DEFAULT_LIVENESS: LivenessSettings = Object.freeze({ periodMs: 500, timeoutMs: 1000, burstMs: 100 });

/**
 * The liveness settings of a monitor config: undefined when `corroborate` is off (MMM's behaviour), else
 * `liveness_period` / `liveness_timeout` (defaults above), with bursts at 100 ms (or the period if shorter).
 */
export function livenessSettings(failover: FailoverConfig | undefined): LivenessSettings | undefined {
  if (failover?.corroborate !== true) return undefined;
  const periodMs = (failover.livenessPeriod ?? DEFAULT_LIVENESS.periodMs / 1000) * 1000;
  const timeoutMs = (failover.livenessTimeout ?? DEFAULT_LIVENESS.timeoutMs / 1000) * 1000;
  return Object.freeze({ periodMs, timeoutMs, burstMs: Math.min(DEFAULT_LIVENESS.burstMs, periodMs) });
}

export type LivenessChannel = 'mysql' | 'ping';

export interface LivenessWatchOptions {
  readonly hosts: readonly string[];
  readonly settings: LivenessSettings;
  /** One bounded probe of the host (HostProbes.liveness). Should not throw. */
  readonly probe: (host: string) => Promise<LivenessProbeOutcome>;
  readonly now: () => number;
  readonly logger: Logger;
  /** A probe ended (metrics, replica facts for the observation). */
  readonly onProbe: (host: string, outcome: LivenessProbeOutcome, at: number) => void;
  /** The host was judged again (its view for the observation). */
  readonly onJudged: (host: string, view: LivenessView, at: number) => void;
  /** The verdict flipped; called from a microtask, never from inside `noteRun`. */
  readonly onVerdict: (host: string, now: Judgement, before: Judgement) => void;
}

interface HostLive {
  readonly host: string;
  readonly index: number;
  timer: NodeJS.Timeout | undefined;
  inflight: Promise<void> | undefined;
  track: ReplicaTrack | undefined;
  /** Start of the current failing spell per channel (mysql = mysql check and liveness probe). */
  readonly spells: Record<LivenessChannel, number | undefined>;
  /** Latest failure of the mysql channel in the current spell. */
  mysqlFailure: RawResult | undefined;
  monitorError: string | undefined;
  probe: Observed<LivenessProbe> | undefined;
  judgement: Judgement;
  since: number;
}

function sampleOf(out: Extract<LivenessProbeOutcome, { ok: true }>, startedAt: number, at: number): ReplicaSample {
  const st = out.replica.status;
  const hb = out.heartbeats;
  return {
    at: startedAt,
    answeredAt: at,
    source: out.replica.source,
    ioRunning: st?.ioRunning ?? 'No',
    lastIoErrno: st?.lastIoErrno ?? 0,
    lastIoError: st?.lastIoError ?? '',
    position:
      st === null
        ? ''
        : `${st.ioCoordinates.file}:${st.ioCoordinates.pos}|${st.gtidIoPos ?? ''}|${st.retrievedGtidSet ?? ''}`,
    heartbeats: hb?.received ?? null,
    heartbeatPeriodMs: hb?.periodSec === null || hb?.periodSec === undefined ? null : hb.periodSec * 1000,
  };
}

export class LivenessWatch {
  readonly #o: LivenessWatchOptions;
  readonly #hosts = new Map<string, HostLive>();
  #stopped = false;

  constructor(opts: LivenessWatchOptions) {
    this.#o = opts;
    const t = opts.now();
    opts.hosts.forEach((host, index) => {
      this.#hosts.set(host, {
        host,
        index,
        timer: undefined,
        inflight: undefined,
        track: undefined,
        spells: { mysql: undefined, ping: undefined },
        mysqlFailure: undefined,
        monitorError: undefined,
        probe: undefined,
        judgement: { verdict: 'alive', reason: 'not judged yet', evidence: [] },
        since: t,
      });
    });
  }

  /** Starts probing, staggered over one period. */
  start(): void {
    const n = Math.max(1, this.#hosts.size);
    for (const h of this.#hosts.values()) this.#schedule(h, (this.#o.settings.periodMs * h.index) / n);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const h of this.#hosts.values()) clearTimeout(h.timer);
    await Promise.allSettled([...this.#hosts.values()].flatMap((h) => (h.inflight === undefined ? [] : [h.inflight])));
  }

  /** The current verdict on a host and since when (epoch ms). */
  judgement(host: string): { readonly judgement: Judgement; readonly since: number } {
    const h = this.#get(host);
    return { judgement: h.judgement, since: h.since };
  }

  /** The monitor's latest failure of the mysql channel (check run or liveness probe) in the current spell. */
  mysqlFailure(host: string): RawResult | undefined {
    return this.#get(host).mysqlFailure;
  }

  /** A ping or mysql check run ended (`startedAt`: when it began). Judges the host again at once. */
  noteRun(host: string, channel: LivenessChannel, raw: RawResult, startedAt: number): void {
    this.#note(this.#get(host), channel, raw, startedAt);
  }

  #get(host: string): HostLive {
    const h = this.#hosts.get(host);
    if (h === undefined) throw new Error(`liveness: unknown host '${host}'`);
    return h;
  }

  #note(h: HostLive, channel: LivenessChannel, raw: RawResult, startedAt: number): void {
    if (raw.kind === 'ok') {
      h.spells[channel] = undefined;
      if (channel === 'mysql') h.mysqlFailure = undefined;
      if (h.spells.mysql === undefined && h.spells.ping === undefined) h.monitorError = undefined;
    } else if (raw.kind === 'error') {
      const began = h.spells.mysql === undefined && h.spells.ping === undefined;
      h.spells[channel] ??= startedAt;
      h.monitorError = raw.message;
      if (channel === 'mysql') h.mysqlFailure = raw;
      if (began) this.#kickReplicasOf(h.host);
    }
    this.#judge(h);
  }

  #failingSince(h: HostLive): number | undefined {
    const { mysql, ping } = h.spells;
    if (mysql === undefined) return ping;
    return ping === undefined ? mysql : Math.min(mysql, ping);
  }

  #judge(h: HostLive): void {
    const now = this.#o.now();
    const { periodMs, timeoutMs } = this.#o.settings;
    const replicas = [...this.#hosts.values()].flatMap((r) => (r.track === undefined ? [] : [r.track]));
    const since = this.#failingSince(h);
    const j = judgeLiveness({
      source: h.host,
      now,
      monitorFailingSince: since,
      replicas,
      freshMs: 2 * periodMs + timeoutMs,
    });
    const before = h.judgement;
    h.judgement = j;
    if (j.verdict !== before.verdict) {
      h.since = now;
      this.#logFlip(h.host, j, before);
      queueMicrotask(() => {
        if (!this.#stopped) this.#o.onVerdict(h.host, j, before);
      });
    }
    this.#o.onJudged(
      h.host,
      Object.freeze({
        verdict: j.verdict,
        since: h.since,
        reason: j.reason,
        monitorFailingSince: since,
        monitorError: h.monitorError,
        evidence: j.evidence,
        probe: h.probe,
      }),
      now,
    );
  }

  /** dead and reachable-by-replicas are news (warn/error, once per flip); alive ↔ unknown is routine (debug). */
  #logFlip(host: string, j: Judgement, before: Judgement): void {
    const log = this.#o.logger;
    switch (j.verdict) {
      case 'dead':
        log.error({ host, evidence: j.evidence }, `Host '${host}' is dead: ${j.reason}; reporting without trap_period`);
        return;
      case 'reachable-by-replicas':
        log.warn(
          { host, evidence: j.evidence },
          `The monitor cannot reach '${host}' but ${j.reason}; not reporting its failure`,
        );
        return;
      case 'alive':
      case 'unknown': {
        const news = before.verdict === 'dead' || before.verdict === 'reachable-by-replicas';
        const line = j.verdict === 'alive' ? `'${host}': ${j.reason}` : `unknown: ${j.reason}`;
        log[news ? 'info' : 'debug']({ host, evidence: j.evidence }, `Liveness of ${line}`);
        return;
      }
    }
  }

  #kickReplicasOf(source: string): void {
    for (const r of this.#hosts.values()) {
      if (r.track?.source === source && r.inflight === undefined) {
        clearTimeout(r.timer);
        void this.#probeNow(r);
      }
    }
  }

  /** Pending verdict on this host's source: probe it every burstMs. */
  #bursting(h: HostLive): boolean {
    const src = h.track === undefined ? undefined : this.#hosts.get(h.track.source);
    return src !== undefined && this.#failingSince(src) !== undefined && src.judgement.verdict === 'unknown';
  }

  #schedule(h: HostLive, delayMs: number): void {
    clearTimeout(h.timer);
    if (this.#stopped) return;
    h.timer = setTimeout(() => void this.#probeNow(h), delayMs);
  }

  #probeNow(h: HostLive): Promise<void> {
    h.inflight ??= (async () => {
      const startedAt = this.#o.now();
      const out = await this.#o.probe(h.host).catch((e: unknown): LivenessProbeOutcome => ({
        ok: false,
        latencyMs: 0,
        raw: errorOccurred(describeError(e)),
      }));
      if (this.#stopped) return;
      const at = this.#o.now();
      this.#o.onProbe(h.host, out, at);
      h.probe = Object.freeze({
        value: Object.freeze({ ok: out.ok, latencyMs: out.latencyMs, error: out.ok ? undefined : out.raw.message }),
        at,
      });
      if (!out.ok) {
        this.#note(h, 'mysql', out.raw, startedAt);
        return;
      }
      const oldSource = h.track?.source;
      h.track = trackReplica(h.track, h.host, sampleOf(out, startedAt, at));
      this.#note(h, 'mysql', { kind: 'ok', message: 'OK' }, startedAt);
      for (const s of new Set([oldSource, h.track?.source])) {
        const src = s === undefined ? undefined : this.#hosts.get(s);
        if (src !== undefined && src !== h) this.#judge(src);
      }
    })().finally(() => {
      h.inflight = undefined;
      const { periodMs, burstMs } = this.#o.settings;
      this.#schedule(h, this.#bursting(h) ? burstMs : periodMs);
    });
    return h.inflight;
  }
}
