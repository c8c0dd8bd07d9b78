// The monitor's audit trail as the benchmarks read it: `mmm_control history` data → the recovery that
// followed a fault, with its steps in ms after the fault. Pure.
import type { CommandResponse } from '../../../common/api/monitor.js';

/** One writer move as the monitor's history records it, times in ms after the fault. */
export interface Recovery {
  readonly id: string;
  readonly outcome: string;
  readonly startMs: number;
  readonly durationMs: number;
  readonly fencedBy: string;
  readonly notFollowing: string[];
  readonly steps: readonly { name: string; startMs: number; durationMs: number; outcome: string }[];
}

interface HistoryRecord {
  readonly id?: unknown;
  readonly outcome?: unknown;
  readonly startedAt?: unknown;
  readonly durationMs?: unknown;
  readonly fencedBy?: unknown;
  readonly notFollowing?: unknown;
  readonly steps?: unknown;
}

/**
 * The first recovery that started at or after the fault, from `mmm_control history`'s data (the monitor's
 * audit trail: every failover step with start, duration and outcome). Undefined when the monitor keeps no
 * history (before issue #6's orchestration) or none started.
 */
export function recoveryOf(res: CommandResponse, faultEpochMs: number): Recovery | undefined {
  const records = (res.data as { recoveries?: unknown } | undefined)?.recoveries;
  if (!res.ok || !Array.isArray(records)) return undefined;
  const rec = (records as HistoryRecord[]).find((r) => typeof r.startedAt === 'number' && r.startedAt >= faultEpochMs);
  if (rec === undefined) return undefined;
  const start = Number(rec.startedAt);
  const steps = Array.isArray(rec.steps) ? (rec.steps as Record<string, unknown>[]) : [];
  return {
    id: String(rec.id),
    outcome: String(rec.outcome),
    startMs: start - faultEpochMs,
    durationMs: Number(rec.durationMs),
    fencedBy: Array.isArray(rec.fencedBy)
      ? (rec.fencedBy as { host?: unknown; by?: unknown }[])
          .map((f) => `${String(f.host)} by ${String(f.by)}`)
          .join(', ')
      : '',
    notFollowing: Array.isArray(rec.notFollowing)
      ? (rec.notFollowing as { host?: unknown; reason?: unknown }[]).map(
          (n) => `${String(n.host)}: ${String(n.reason)}`,
        )
      : [],
    steps: steps.map((s) => ({
      name: `${String(s['name'])}${typeof s['host'] === 'string' ? ` ${s['host']}` : ''}`,
      startMs: Number(s['startedAt']) - faultEpochMs,
      durationMs: Number(s['durationMs']),
      outcome: String(s['outcome']),
    })),
  };
}
