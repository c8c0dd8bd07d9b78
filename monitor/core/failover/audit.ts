// The audit trail of writer moves (issue 6): every failover or switchover gets a recovery id and a record of
// its steps (each with start, duration, outcome and detail). The shell keeps the last HISTORY_SIZE records in
// memory and logs each one; `history [N]` renders them, and --json returns them as they are.
import { formatMmmDate } from '../render/date.js';
import type { RecoveryKind, RecoveryPlan } from './plan.js';

export const HISTORY_SIZE = 50;

export type StepOutcome = 'ok' | 'failed' | 'skipped' | 'timeout';

export interface RecoveryStep {
  readonly name: string;
  readonly host?: string;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly durationMs: number;
  readonly outcome: StepOutcome;
  readonly detail: string;
}

/** How the old writer was kept from taking writes before the new one opened. */
export type FencedBy = 'agent' | 'agent-vip-only' | 'lease' | 'kill_host_bin' | 'none';

export interface RecoveryRecord {
  readonly id: string;
  readonly kind: RecoveryKind;
  readonly from: readonly string[];
  readonly to: string | undefined;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly durationMs: number;
  /** done: the new writer is open; blocked: the role stays orphaned; failed; rolled-back (switchover). */
  readonly outcome: 'done' | 'blocked' | 'failed' | 'rolled-back';
  readonly reason: string;
  readonly fencedBy: readonly { readonly host: string; readonly by: FencedBy }[];
  /** Transactions that may be missing on the new writer (catch-up policy promote), '' when none. */
  readonly missing: string;
  /** Switchover: writes denied on the old writer → allowed on the new one, in ms. */
  readonly writePauseMs: number | undefined;
  /** Hosts that could not follow the new writer, with why. */
  readonly notFollowing: readonly { readonly host: string; readonly reason: string }[];
  readonly steps: readonly RecoveryStep[];
}

/** The history with `rec` appended, at most HISTORY_SIZE records. */
export function addToHistory(history: readonly RecoveryRecord[], rec: RecoveryRecord): RecoveryRecord[] {
  return [...history, rec].slice(-HISTORY_SIZE);
}

/** A recovery id: the kind, the start time (UTC, ms) and a counter of this monitor process. */
export function recoveryId(kind: RecoveryKind, startedAt: number, n: number): string {
  const t = formatMmmDate(startedAt, () => 0)
    .replace(/[/:]/g, '')
    .replace(' ', 'T');
  return `${kind}-${t}Z-${n}`;
}

/** UTC time of epoch ms, `yyyy/MM/dd HH:mm:ss UTC`. */
export const utc = (ms: number): string => `${formatMmmDate(ms, () => 0)} UTC`;
const iso = utc;

/** One record as text: a header line and one line per step. */
export function renderRecord(r: RecoveryRecord): string {
  const fenced = r.fencedBy.map((f) => `${f.host} by ${f.by}`).join(', ');
  let out = `${r.id}: ${r.kind} ${r.from.join(',') || '-'} -> ${r.to ?? '-'} ${r.outcome.toUpperCase()} at ${iso(r.startedAt)} in ${r.durationMs} ms`;
  if (fenced !== '') out += `; fenced: ${fenced}`;
  if (r.writePauseMs !== undefined) out += `; write pause ${r.writePauseMs} ms`;
  out += '\n';
  if (r.reason !== '') out += `  reason: ${r.reason}\n`;
  if (r.missing !== '') out += `  possibly missing on ${r.to ?? '?'}: ${r.missing}\n`;
  for (const n of r.notFollowing) out += `  not following ${r.to ?? '?'}: ${n.host}: ${n.reason}\n`;
  for (const s of r.steps) {
    const host = s.host === undefined ? '' : ` ${s.host}`;
    out += `  ${s.name}${host}: ${s.outcome} (${s.durationMs} ms)${s.detail === '' ? '' : ` ${s.detail}`}\n`;
  }
  return out;
}

/** `history [N]`: the last N records (default 10), oldest first. */
export function renderHistory(history: readonly RecoveryRecord[], n: number): string {
  if (history.length === 0) return 'No failover or switchover has run since the monitor started.\n';
  return history.slice(-n).map(renderRecord).join('');
}

/** `failover_plan`: what would run now, or why nothing would. */
export function renderPlan(plan: RecoveryPlan, currentWriter: string | undefined, writerOk: boolean): string {
  let out = '';
  if (writerOk && currentWriter !== undefined) {
    out += `No failover would run now: writer ${currentWriter} is ONLINE.\nIf ${currentWriter} failed now:\n`;
  } else {
    out += `Writer ${currentWriter === undefined ? 'role is orphaned' : `${currentWriter} is not ONLINE`}: a ${plan.kind} would run now.\n`;
  }
  if (plan.blocked !== '') out += `  BLOCKED: ${plan.blocked}\n`;
  out += `  candidate: ${plan.to ?? 'none'}\n`;
  for (const e of plan.ranking.excluded) out += `  not a candidate: ${e.host}: ${e.reason}\n`;
  for (const f of plan.fence) {
    const lease = f.leaseOverAt === undefined ? 'no lease' : `its lease is certainly over at ${iso(f.leaseOverAt)}`;
    out += `  fence: ${f.host} through its agent (if it does not answer: ${lease}, or kill_host_bin)\n`;
  }
  if (plan.to !== undefined) {
    out +=
      plan.catchUp === undefined
        ? `  catch-up: none (${plan.to} replicates from nobody)\n`
        : `  catch-up: ${plan.to} applies its relay log within ${plan.catchUp.timeoutMs} ms, on timeout: ${plan.catchUp.policy}\n`;
    out += `  promote: ${plan.to} (replication from the old writer: ${plan.promote})\n`;
    for (const r of plan.repoint)
      out += `  repoint: ${r.host} (now from ${r.from || 'nobody'}) to ${plan.to} by GTID\n`;
  }
  for (const s of plan.skipped) out += `  skip: ${s.host}: ${s.reason}\n`;
  return out;
}
