// Per host×check counters and a latency histogram, as a plain object: the monitor API turns it into
// Prometheus text (mmm_check_runs_total{host,check,result}, mmm_check_latency_seconds histogram, ...).
// No dependency, no clock: the scheduler passes the measured latency in.
import { CHECK_NAMES, type CheckName } from '../../common/config/types.js';
import { LIVENESS_VERDICTS, type LivenessVerdict } from './liveness-verdict.js';
import type { RawKind } from './messages.js';

/** Upper bounds of the latency histogram buckets, in ms (Prometheus `le`, plus +Inf implied by `count`). */
export const LATENCY_BUCKETS_MS: readonly number[] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

export interface CheckRunMetrics {
  /** Runs by raw result (before debouncing). */
  readonly results: Record<RawKind, number>;
  /** Runs that ended with "ERROR: Timeout" (also counted in results.error). */
  timeouts: number;
  /** Non-cumulative count per bucket of LATENCY_BUCKETS_MS (index i: latency ≤ bucket i and > bucket i-1). */
  readonly latencyBuckets: number[];
  /** Runs slower than the last bucket. */
  latencyOverflow: number;
  latencySumMs: number;
  latencyCount: number;
  lastLatencyMs: number | undefined;
}

export interface LivenessMetrics {
  /** Liveness probes of this host (results: ok / error / unknown as for a mysql check run). */
  readonly probes: CheckRunMetrics;
  /** The current corroborated verdict on this host. */
  verdict: LivenessVerdict;
  /** How often the verdict turned into each value. */
  readonly verdicts: Record<LivenessVerdict, number>;
}

export interface HostMetrics {
  readonly checks: Record<CheckName, CheckRunMetrics>;
  /** Broken connections to the host (each fires onConnectionLost or would, if not latched). */
  connectionsLost: number;
  readonly liveness: LivenessMetrics;
}

export interface ChecksMetrics {
  readonly hosts: Record<string, HostMetrics>;
}

function emptyRun(): CheckRunMetrics {
  return {
    results: { ok: 0, error: 0, unknown: 0 },
    timeouts: 0,
    latencyBuckets: LATENCY_BUCKETS_MS.map(() => 0),
    latencyOverflow: 0,
    latencySumMs: 0,
    latencyCount: 0,
    lastLatencyMs: undefined,
  };
}

export function emptyMetrics(hosts: readonly string[]): ChecksMetrics {
  const out: Record<string, HostMetrics> = {};
  for (const h of hosts) {
    const checks = Object.fromEntries(CHECK_NAMES.map((c) => [c, emptyRun()])) as Record<CheckName, CheckRunMetrics>;
    const verdicts = Object.fromEntries(LIVENESS_VERDICTS.map((v) => [v, 0])) as Record<LivenessVerdict, number>;
    out[h] = { checks, connectionsLost: 0, liveness: { probes: emptyRun(), verdict: 'alive', verdicts } };
  }
  return { hosts: out };
}

/** Records one run (mutates `m`; the scheduler owns it and hands out copies). */
export function recordRun(m: CheckRunMetrics, kind: RawKind, timedOut: boolean, latencyMs: number): void {
  m.results[kind] += 1;
  if (timedOut) m.timeouts += 1;
  const i = LATENCY_BUCKETS_MS.findIndex((le) => latencyMs <= le);
  if (i < 0) m.latencyOverflow += 1;
  else m.latencyBuckets[i] = (m.latencyBuckets[i] ?? 0) + 1;
  m.latencySumMs += latencyMs;
  m.latencyCount += 1;
  m.lastLatencyMs = latencyMs;
}

/** Cumulative bucket counts, as Prometheus wants them (`le` = LATENCY_BUCKETS_MS[i]). */
export function cumulativeBuckets(m: CheckRunMetrics): number[] {
  let sum = 0;
  return m.latencyBuckets.map((c) => (sum += c));
}

export function cloneMetrics(m: ChecksMetrics): ChecksMetrics {
  return structuredClone(m);
}
