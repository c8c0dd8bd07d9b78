// MMM's failure trap (spec §3.3) and stored status (§3.4, §3.5), driven with explicit times: no timers, no sleeping.
import { describe, expect, it } from 'vitest';
import {
  applyReport,
  INITIAL_TRAP,
  initialStatus,
  initialTrack,
  step,
  trap,
  unknownStatus,
  type CheckTrack,
  type TrapInput,
  type TrapState,
} from '../../../../monitor/checks/debounce.js';
import { result, type RawResult } from '../../../../monitor/checks/messages.js';

const OK = result('OK');
const BROKEN = result('ERROR: Replication is broken');
const CONNECT = result('ERROR: Connect error (host = 198.18.40.11:3306, user = mmm_monitor)! connect ECONNREFUSED');
const UNKNOWN = result('UNKNOWN: Connect error (host = 198.18.40.11:3306, user = mmm_monitor)! refused');

const T0 = 1_800_000_000_000;
const s = (sec: number): number => T0 + sec * 1000;

function input(raw: RawResult, now: number, over: Partial<TrapInput> = {}): TrapInput {
  return {
    check: 'mysql',
    host: 'db1',
    raw,
    now,
    trapPeriodMs: 10_000,
    haveNet: true,
    reportedOk: true,
    ...over,
  };
}

/** Feeds (second, result) pairs through `step`, returning the track after each. */
function feed(
  start: CheckTrack,
  runs: readonly (readonly [number, RawResult])[],
  trapPeriodMs = 10_000,
  haveNet: (sec: number) => boolean = () => true,
): CheckTrack[] {
  const out: CheckTrack[] = [];
  let t = start;
  for (const [sec, raw] of runs) {
    t = step(t, { check: 'mysql', host: 'db1', raw, now: s(sec), trapPeriodMs, haveNet: haveNet(sec) }).track;
    out.push(t);
  }
  return out;
}

describe('trap: OK results', () => {
  it("reports the first OK from the initial state at once and logs MMM's line", () => {
    const out = trap(INITIAL_TRAP, input(OK, s(0)));
    expect(out.state).toEqual({ code: 1, since: 0 });
    expect(out.report).toEqual({ ok: true, message: 'OK' });
    expect(out.log).toEqual({ level: 'info', message: "Check 'mysql' on 'db1' is ok!" });
  });

  it('does nothing when OK was already reported', () => {
    const state: TrapState = { code: 1, since: 0 };
    expect(trap(state, input(OK, s(5)))).toEqual({ state });
  });

  it('resets a never-reported failure silently when the stored status is OK', () => {
    const out = trap({ code: -2, since: s(0) }, input(OK, s(5)));
    expect(out).toEqual({ state: { code: 1, since: 0 } });
  });

  it('reports recovery at once after a reported failure and after unknown (recovery is not debounced)', () => {
    for (const state of [
      { code: 0, since: s(0) },
      { code: -3, since: s(0) },
    ] as const) {
      const out = trap(state, input(OK, s(100), { reportedOk: false }));
      expect(out.report).toEqual({ ok: true, message: 'OK' });
      expect(out.state.code).toBe(1);
    }
  });

  it('deliberate fix: at -2 with a stored failure (failed initial check), the OK is reported', () => {
    const out = trap({ code: -2, since: s(0) }, input(OK, s(5), { reportedOk: false }));
    expect(out.report).toEqual({ ok: true, message: 'OK' });
    expect(out.state.code).toBe(1);
  });
});

describe('trap: ERROR results', () => {
  it('starts the failure timer and reports nothing before trap_period', () => {
    const first = trap({ code: 1, since: 0 }, input(CONNECT, s(0)));
    expect(first).toEqual({ state: { code: -2, since: s(0) } });
    const second = trap(first.state, input(CONNECT, s(5)));
    expect(second).toEqual({ state: { code: -2, since: s(0) } });
  });

  it("reports once trap_period has passed since the first failure, with MMM's log line", () => {
    const out = trap({ code: -2, since: s(0) }, input(CONNECT, s(10)));
    expect(out.state).toEqual({ code: 0, since: s(0) });
    expect(out.report).toEqual({ ok: false, message: CONNECT.message });
    expect(out.log).toEqual({
      level: 'error',
      message: `Check 'mysql' on 'db1' has failed for 10 seconds! Message: ${CONNECT.message}`,
    });
  });

  it('does not report a reported failure again', () => {
    const state: TrapState = { code: 0, since: s(0) };
    expect(trap(state, input(CONNECT, s(30)))).toEqual({ state });
  });

  it('reports on the first failing check with trap_period 0 ("has failed for 0 seconds")', () => {
    const out = trap({ code: 1, since: 0 }, input(CONNECT, s(3), { trapPeriodMs: 0 }));
    expect(out.report?.ok).toBe(false);
    expect(out.log?.message).toBe(`Check 'mysql' on 'db1' has failed for 0 seconds! Message: ${CONNECT.message}`);
  });

  it('ignores ERROR entirely while the monitor has no network (state and timer untouched)', () => {
    const state: TrapState = { code: -2, since: s(0) };
    expect(trap(state, input(CONNECT, s(60), { haveNet: false }))).toEqual({ state });
    expect(trap({ code: 1, since: 0 }, input(CONNECT, s(60), { haveNet: false }))).toEqual({
      state: { code: 1, since: 0 },
    });
  });
});

describe('trap: UNKNOWN results', () => {
  it('goes to -3 with a warning once, and never reports', () => {
    const out = trap({ code: 1, since: 0 }, input(UNKNOWN, s(2)));
    expect(out.state).toEqual({ code: -3, since: s(2) });
    expect(out.report).toBeUndefined();
    expect(out.log).toEqual({
      level: 'warn',
      message: `Check 'mysql' on 'db1' is in unknown state! Message: ${UNKNOWN.message}`,
    });
    expect(trap(out.state, input(UNKNOWN, s(7)))).toEqual({ state: out.state });
  });

  it('leaves a reported failure reported (no report), and restarts the failure timer', () => {
    const unknown = trap({ code: 0, since: s(0) }, input(UNKNOWN, s(20)));
    expect(unknown.report).toBeUndefined();
    const again = trap(unknown.state, input(CONNECT, s(25)));
    expect(again).toEqual({ state: { code: -2, since: s(25) } });
  });
});

describe('step: trap + stored status', () => {
  const healthy = initialTrack(OK, s(-5));

  it('with the defaults (period 5, trap 10) reports on the third consecutive failing check', () => {
    const tracks = feed(healthy, [
      [0, CONNECT],
      [5, CONNECT],
      [10, CONNECT],
    ]);
    expect(tracks.map((t) => t.stored.result)).toEqual(['ok', 'ok', 'failed']);
    expect(tracks[2]!.stored).toEqual({ result: 'failed', message: CONNECT.message, lastChange: s(10) });
  });

  it('uses milliseconds: a failure 9.999 s old is not yet reported, 10.000 s old is', () => {
    const [, early, due] = feed(healthy, [
      [0, CONNECT],
      [9.999, CONNECT],
      [10, CONNECT],
    ]);
    expect(early!.stored.result).toBe('ok');
    expect(due!.stored.result).toBe('failed');
  });

  it('works with sub-second periods (0.5 s period, 1.5 s trap)', () => {
    const tracks = feed(
      healthy,
      [0, 0.5, 1, 1.5].map((sec) => [sec, BROKEN] as const),
      1500,
    );
    expect(tracks.map((t) => t.stored.result)).toEqual(['ok', 'ok', 'ok', 'failed']);
  });

  it('a short failure that heals within trap_period never reaches the stored status', () => {
    const tracks = feed(healthy, [
      [0, CONNECT],
      [5, CONNECT],
      [9, OK],
      [14, CONNECT],
      [19, CONNECT],
    ]);
    expect(tracks.every((t) => t.stored.result === 'ok')).toBe(true);
    expect(tracks.at(-1)!.trap).toEqual({ code: -2, since: s(14) });
  });

  it('reports recovery at the first OK after a reported failure, stamping lastChange', () => {
    const tracks = feed(healthy, [
      [0, CONNECT],
      [10, CONNECT],
      [15, OK],
    ]);
    expect(tracks[2]!.stored).toEqual({ result: 'ok', message: 'OK', lastChange: s(15) });
  });

  it('UNKNOWN never changes the stored status, in either direction', () => {
    const failed = feed(healthy, [
      [0, CONNECT],
      [10, CONNECT],
    ]).at(-1)!;
    const afterUnknown = feed(failed, [
      [15, UNKNOWN],
      [20, UNKNOWN],
    ]);
    expect(afterUnknown.map((t) => t.stored)).toEqual([failed.stored, failed.stored]);
    const stillOk = feed(healthy, [
      [0, UNKNOWN],
      [60, UNKNOWN],
    ]);
    expect(stillOk.map((t) => t.stored)).toEqual([healthy.stored, healthy.stored]);
  });

  it('UNKNOWN between failures restarts the trap: ERROR, UNKNOWN, ERROR at 10 s is not reported', () => {
    const tracks = feed(healthy, [
      [0, CONNECT],
      [5, UNKNOWN],
      [10, CONNECT],
      [19, CONNECT],
      [20, CONNECT],
    ]);
    expect(tracks.map((t) => t.stored.result)).toEqual(['ok', 'ok', 'ok', 'ok', 'failed']);
  });

  it('while the network is down, failures are not reported; after it returns, the old timer counts', () => {
    const netDownUntil = 30;
    const tracks = feed(
      healthy,
      [
        [0, CONNECT],
        [12, CONNECT],
        [24, CONNECT],
        [31, CONNECT],
      ],
      10_000,
      (sec) => sec === 0 || sec > netDownUntil,
    );
    expect(tracks.map((t) => t.stored.result)).toEqual(['ok', 'ok', 'ok', 'failed']);
    expect(tracks[3]!.stored.lastChange).toBe(s(31));
  });

  it('a reported failure with a new text updates the message but not lastChange (spec §3.5)', () => {
    const failedInitially = initialTrack(CONNECT, s(0));
    const out = step(failedInitially, {
      check: 'mysql',
      host: 'db1',
      raw: result('ERROR: Timeout'),
      now: s(10),
      trapPeriodMs: 0,
      haveNet: true,
    });
    expect(out.changed).toBe(true);
    expect(out.track.stored).toEqual({ result: 'failed', message: 'ERROR: Timeout', lastChange: s(0) });
  });

  it('keeps the message of the last reported result, not of the latest run (spec §3.5)', () => {
    const backlogNull = initialTrack(result('OK: Backlog is null'), s(0));
    const out = step(backlogNull, {
      check: 'rep_backlog',
      host: 'db3',
      raw: result('OK'),
      now: s(5),
      trapPeriodMs: 10_000,
      haveNet: true,
    });
    // The first periodic OK is reported (state -1) and replaces the message; later OKs are not reported.
    expect(out.track.stored.message).toBe('OK');
    expect(out.track.stored.lastChange).toBe(s(0));
    const later = step(out.track, {
      check: 'rep_backlog',
      host: 'db3',
      raw: result('OK: Backlog is null'),
      now: s(10),
      trapPeriodMs: 10_000,
      haveNet: true,
    });
    expect(later.changed).toBe(false);
    expect(later.track.stored.message).toBe('OK');
  });

  it('restate (corroboration): an OK with another text replaces the stored OK text, in both directions', () => {
    const annotated = result(
      'OK: The monitor cannot reach db1 (ERROR: Timeout) but replicas db3 still replicate from it',
    );
    const base = { check: 'mysql', host: 'db1', trapPeriodMs: 10_000, haveNet: true } as const;
    const ok = feed(initialTrack(OK, s(0)), [[5, OK]])[0]!;
    // after a pending failure (-2) and without restate: MMM's rule, the text stays
    const pending = step(ok, { ...base, raw: CONNECT, now: s(10) }).track;
    expect(step(pending, { ...base, raw: annotated, now: s(15) }).track.stored.message).toBe('OK');
    const marked = step(pending, { ...base, raw: annotated, now: s(15), restate: true });
    expect(marked.changed).toBe(true);
    expect(marked.track.stored).toEqual({ result: 'ok', message: annotated.message, lastChange: s(0) });
    expect(marked.track.trap.code).toBe(1);
    const back = step(marked.track, { ...base, raw: OK, now: s(20), restate: true });
    expect(back.changed).toBe(true);
    expect(back.track.stored.message).toBe('OK');
    // a stored failure is recovered by an annotated OK as by any OK
    const failed = initialTrack(CONNECT, s(0));
    expect(step(failed, { ...base, raw: annotated, now: s(5), restate: true }).track.stored).toEqual({
      result: 'ok',
      message: annotated.message,
      lastChange: s(5),
    });
  });

  it("fixes MMM's stuck failure: initial check failed, -2, then OK within trap_period → reported ok", () => {
    const tracks = feed(initialTrack(CONNECT, s(0)), [
      [5, CONNECT],
      [8, OK],
    ]);
    expect(tracks.map((t) => t.stored.result)).toEqual(['failed', 'ok']);
    expect(tracks[1]!.stored.lastChange).toBe(s(8));
  });
});

describe('initial and stored status', () => {
  it('stores the initial check without trap, stamped with the start time (spec §3.4)', () => {
    expect(initialStatus(OK, s(0))).toEqual({ result: 'ok', message: 'OK', lastChange: s(0) });
    expect(initialStatus(CONNECT, s(0))).toEqual({ result: 'failed', message: CONNECT.message, lastChange: s(0) });
    expect(initialStatus(UNKNOWN, s(0))).toEqual({ result: 'unknown', message: UNKNOWN.message, lastChange: s(0) });
    expect(unknownStatus(s(0))).toEqual({ result: 'unknown', message: '', lastChange: s(0) });
  });

  it('applyReport flips lastChange only when the result changes', () => {
    const ok = initialStatus(OK, s(0));
    expect(applyReport(ok, { ok: true, message: 'OK: Backlog is null' }, s(5))).toEqual({
      result: 'ok',
      message: 'OK: Backlog is null',
      lastChange: s(0),
    });
    expect(applyReport(ok, { ok: false, message: 'ERROR: Timeout' }, s(5)).lastChange).toBe(s(5));
    expect(applyReport(unknownStatus(s(0)), { ok: true, message: 'OK' }, s(5)).lastChange).toBe(s(5));
  });
});
