// MMM's failure trapping (spec §3.3) and stored check status (§3.4, §3.5) as pure functions: every input,
// including the time (epoch ms), is an argument.
//
// Per host and check the checker keeps a trap state:
//   -1 initial, 1 OK reported, -2 failing but not yet reported, 0 failure reported, -3 unknown.
// and for each new result:
//   OK       state 1: nothing. State -2 (failure never reported): back to 1 silently. Otherwise report
//            success at once (recovery is never debounced) and go to 1.
//   UNKNOWN  state -3: nothing. Otherwise go to -3 and log a warning. Never reported, so the stored status
//            stays as it was; it also restarts the failure timer (the next ERROR starts a new one).
//   ERROR    network down: ignored (MMM aborted the round). State 0: nothing. Otherwise start the timer
//            unless already at -2; once the failure is `trap_period` old, report it and go to 0.
// With check_period 5 and trap_period 10 that reports on the third consecutive failing check.
//
// Deliberate differences from MMM 2.2.1, both documented in README.md:
//   * Milliseconds, not whole seconds: MMM's integer time() could report up to a second early or late, and
//     sub-second periods need real time arithmetic.
//   * OK at -2 resets silently only if the stored status is OK. MMM reset silently regardless, so a host that
//     failed its initial check and recovered within trap_period of its next failure stayed "failed" until
//     some later failure and recovery; here that OK is reported.
import type { CheckName } from '../../common/config/types.js';
import { logCheckFailed, logCheckOk, logCheckUnknown, type RawResult } from './messages.js';

export type TrapCode = -1 | 1 | -2 | 0 | -3;

export interface TrapState {
  readonly code: TrapCode;
  /** Epoch ms the current failure (code -2/0) or unknown spell (-3) began; 0 otherwise. */
  readonly since: number;
}

export const INITIAL_TRAP: TrapState = Object.freeze({ code: -1, since: 0 });

/** The debounced status the rest of the monitor sees ('unknown': no OK/ERROR verdict yet, counts as not OK). */
export type CheckResultState = 'ok' | 'failed' | 'unknown';

/** MMM's stored check status: what `mmm_control checks` shows and the state machine reads. */
export interface StoredStatus {
  readonly result: CheckResultState;
  /** Text of the last result that was reported (not necessarily of the latest run: §3.5). */
  readonly message: string;
  /** Epoch ms of the last flip of `result` (or of the initial check). */
  readonly lastChange: number;
}

export interface Report {
  readonly ok: boolean;
  readonly message: string;
}

export interface CheckLog {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface TrapInput {
  readonly check: CheckName;
  readonly host: string;
  readonly raw: RawResult;
  readonly now: number;
  readonly trapPeriodMs: number;
  /** The monitor's own network state (ping_ips, spec §3.6). */
  readonly haveNet: boolean;
  /** Whether the stored status is currently OK (see the second difference above). */
  readonly reportedOk: boolean;
}

export interface TrapOutput {
  readonly state: TrapState;
  /** Present when the result must reach the stored status. */
  readonly report?: Report;
  readonly log?: CheckLog;
}

/** One step of the checker's trap (pure). */
export function trap(state: TrapState, input: TrapInput): TrapOutput {
  const { check, host, raw, now } = input;
  switch (raw.kind) {
    case 'ok': {
      const ok: TrapState = { code: 1, since: 0 };
      if (state.code === 1) return { state };
      if (state.code === -2 && input.reportedOk) return { state: ok };
      return {
        state: ok,
        report: { ok: true, message: raw.message },
        log: { level: 'info', message: logCheckOk(check, host) },
      };
    }
    case 'unknown': {
      if (state.code === -3) return { state };
      return {
        state: { code: -3, since: now },
        log: { level: 'warn', message: logCheckUnknown(check, host, raw.message) },
      };
    }
    case 'error': {
      if (!input.haveNet || state.code === 0) return { state };
      const failing: TrapState = state.code === -2 ? state : { code: -2, since: now };
      const age = now - failing.since;
      if (age < input.trapPeriodMs) return { state: failing };
      return {
        state: { code: 0, since: failing.since },
        report: { ok: false, message: raw.message },
        log: { level: 'error', message: logCheckFailed(check, host, age, raw.message) },
      };
    }
  }
}

/** Before any result: unknown, stamped with the monitor's start. */
export function unknownStatus(now: number): StoredStatus {
  return Object.freeze({ result: 'unknown', message: '', lastChange: now });
}

/**
 * The initial check (spec §3.4): stored directly, no trap, `lastChange` = the monitor's start time. An
 * UNKNOWN initial result stays 'unknown' (MMM stored it as not OK; 'unknown' is not OK either).
 */
export function initialStatus(raw: RawResult, startedAt: number): StoredStatus {
  const result: CheckResultState = raw.kind === 'ok' ? 'ok' : raw.kind === 'error' ? 'failed' : 'unknown';
  return Object.freeze({ result, message: raw.message, lastChange: startedAt });
}

/** A reported result reaches the stored status: the message is always replaced, lastChange only on a flip. */
export function applyReport(stored: StoredStatus, report: Report, now: number): StoredStatus {
  const result: CheckResultState = report.ok ? 'ok' : 'failed';
  return Object.freeze({
    result,
    message: report.message,
    lastChange: result === stored.result ? stored.lastChange : now,
  });
}

/** Trap state plus stored status of one host×check: what the scheduler keeps, as one pure value. */
export interface CheckTrack {
  readonly trap: TrapState;
  readonly stored: StoredStatus;
}

export function initialTrack(raw: RawResult | undefined, startedAt: number): CheckTrack {
  return { trap: INITIAL_TRAP, stored: raw === undefined ? unknownStatus(startedAt) : initialStatus(raw, startedAt) };
}

export interface StepOutput {
  readonly track: CheckTrack;
  /** True when the stored status changed (result or message): the monitor should look at it. */
  readonly changed: boolean;
  readonly log?: CheckLog;
}

export interface StepInput extends Omit<TrapInput, 'reportedOk'> {
  /**
   * An OK whose text differs from the stored OK text replaces it (ours, for corroboration: "OK: The monitor
   * cannot reach ..." and back to "OK"). MMM never re-reported an OK; without `restate` neither do we.
   */
  readonly restate?: boolean;
}

/** Feeds one periodic result through the trap into the stored status (pure). */
export function step(track: CheckTrack, input: StepInput): StepOutput {
  const out = trap(track.trap, { ...input, reportedOk: track.stored.result === 'ok' });
  let stored = out.report === undefined ? track.stored : applyReport(track.stored, out.report, input.now);
  const { raw } = input;
  if (input.restate === true && raw.kind === 'ok' && stored.result === 'ok' && stored.message !== raw.message) {
    stored = applyReport(stored, { ok: true, message: raw.message }, input.now);
  }
  const changed = stored.result !== track.stored.result || stored.message !== track.stored.message;
  return {
    track: { trap: out.state, stored },
    changed,
    ...(out.log === undefined ? {} : { log: out.log }),
  };
}
