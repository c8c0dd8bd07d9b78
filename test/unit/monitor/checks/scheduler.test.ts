// Scheduling, single-flight, bounds, events and metrics of CheckScheduler, with fake probers and fake timers.
// The real checks against real servers are in test/integration/monitor/checks.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckName } from '../../../../common/config/types.js';
import { MmmError } from '../../../../common/errors/index.js';
import { result, type RawResult } from '../../../../monitor/checks/messages.js';
import type { ProbeOutcome } from '../../../../monitor/checks/probes.js';
import {
  CheckScheduler,
  RUN_SAFETY_MARGIN_MS,
  type CheckSchedulerOptions,
  type HostProber,
} from '../../../../monitor/checks/scheduler.js';
import { checksOnlyConfig } from './fixtures.js';

const OK = result('OK');
const BROKEN = result('ERROR: Replication is broken');
const T0 = Date.UTC(2026, 10, 22, 2, 0, 0);

/** Scripted probers: per host×check a result and a delay; records every call and the concurrency per slot. */
class FakeCluster {
  readonly results = new Map<string, RawResult>();
  readonly delays = new Map<string, number>();
  readonly calls: { host: string; check: CheckName; at: number }[] = [];
  readonly running = new Map<string, number>();
  maxConcurrentPerSlot = 0;
  readonly closed: string[] = [];
  readonly lost = new Map<string, (check: CheckName, reason: string) => void>();
  throwFor: string | undefined;

  set(host: string, check: CheckName, raw: RawResult, delayMs?: number): void {
    this.results.set(`${host}/${check}`, raw);
    if (delayMs !== undefined) this.delays.set(`${host}/${check}`, delayMs);
  }

  callsOf(host: string, check: CheckName): number[] {
    return this.calls.filter((c) => c.host === host && c.check === check).map((c) => c.at - T0);
  }

  readonly factory: NonNullable<CheckSchedulerOptions['probers']> = (h, onLost) => {
    this.lost.set(h.name, onLost);
    const prober: HostProber = {
      run: async (check): Promise<ProbeOutcome> => {
        const k = `${h.name}/${check}`;
        this.calls.push({ host: h.name, check, at: Date.now() });
        this.running.set(k, (this.running.get(k) ?? 0) + 1);
        this.maxConcurrentPerSlot = Math.max(this.maxConcurrentPerSlot, this.running.get(k) ?? 0);
        try {
          const delay = this.delays.get(k) ?? 1;
          await new Promise((r) => setTimeout(r, delay));
          if (this.throwFor === k) throw new Error('prober bug');
          const raw = this.results.get(k) ?? OK;
          return {
            raw,
            patch:
              check === 'mysql' ? { mysql: { reachable: raw.kind === 'ok', latencyMs: delay, error: undefined } } : {},
          };
        } finally {
          this.running.set(k, (this.running.get(k) ?? 1) - 1);
        }
      },
      close: () => {
        this.closed.push(h.name);
        return Promise.resolve();
      },
    };
    return prober;
  };
}

let fake: FakeCluster;

function scheduler(
  over: Partial<CheckSchedulerOptions> = {},
  checks = { checkPeriod: 0.5, trapPeriod: 1, timeout: 0.2 },
) {
  return new CheckScheduler({
    config: checksOnlyConfig(4, checks),
    probers: fake.factory,
    now: () => Date.now(),
    ...over,
  });
}

/** stop() waits for runs in progress, which need the fake clock to move. */
async function stop(s: CheckScheduler): Promise<void> {
  const p = s.stop();
  await vi.advanceTimersByTimeAsync(15_000);
  await p;
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  fake = new FakeCluster();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('initial checks (spec §3.4)', () => {
  it('run every check on every host once, concurrently, stored without trap and stamped with the start', async () => {
    fake.set('db2', 'mysql', result('ERROR: Connect error (host = 198.18.40.12:3306, user = mmm_monitor)! refused'));
    fake.set('db3', 'rep_threads', result('UNKNOWN: Connect error (x)'));
    const s = scheduler();
    const changes: string[] = [];
    s.onChange((h, c, st) => changes.push(`${h}/${c}=${st.result}`));
    const started = s.start();
    await vi.advanceTimersByTimeAsync(1);
    await started;
    expect(fake.calls).toHaveLength(16);
    expect(new Set(fake.calls.map((c) => c.at))).toEqual(new Set([T0]));
    expect(s.getStatus('db1', 'mysql')).toMatchObject({ result: 'ok', message: 'OK', lastChange: T0 });
    expect(s.getStatus('db2', 'mysql')).toMatchObject({ result: 'failed', lastChange: T0 });
    expect(s.getStatus('db3', 'rep_threads')).toMatchObject({
      result: 'unknown',
      message: 'UNKNOWN: Connect error (x)',
    });
    expect(changes).toHaveLength(16);
    await stop(s);
  });

  it('before any run, every status is unknown', () => {
    const s = scheduler();
    expect(s.getStatus('db4', 'ping')).toEqual({
      result: 'unknown',
      message: '',
      lastChange: T0,
      lastRunAt: undefined,
      latencyMs: undefined,
      lastRaw: undefined,
    });
  });
});

describe('periodic runs', () => {
  it('run each host×check every check_period (0.5 s), first runs staggered over one period', async () => {
    const s = scheduler();
    void s.start();
    await vi.advanceTimersByTimeAsync(2_000);
    // initial at 0 (+1 ms run); first periodic at 1 + 500*(i+1)/4 ms, then every 500 ms.
    expect(fake.callsOf('db1', 'mysql')).toEqual([0, 126, 626, 1126, 1626]);
    expect(fake.callsOf('db4', 'mysql')).toEqual([0, 501, 1001, 1501]);
    await stop(s);
  });

  it('never overlaps runs of one host×check, and a slow host does not slow the others', async () => {
    fake.set('db2', 'mysql', OK, 1_200); // slower than its 0.5 s period
    const s = scheduler({}, { checkPeriod: 0.5, trapPeriod: 1, timeout: 2 });
    void s.start();
    await vi.advanceTimersByTimeAsync(6_000);
    expect(fake.maxConcurrentPerSlot).toBe(1);
    const db2 = fake.callsOf('db2', 'mysql');
    // back to back: each run starts when the previous one ended (a zero-delay timer fires 1 ms later)
    const gaps = db2.slice(1).map((t, i) => t - db2[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    for (const gap of gaps.slice(1)) expect(gap).toBeGreaterThanOrEqual(1_200);
    for (const gap of gaps.slice(1)) expect(gap).toBeLessThanOrEqual(1_202);
    expect(fake.callsOf('db3', 'mysql').length).toBeGreaterThanOrEqual(12); // 0, 376, 876, ... 5876
    await stop(s);
  });

  it('reports a failure only after trap_period and a recovery at once, firing onChange', async () => {
    const s = scheduler();
    const seen: string[] = [];
    s.onChange((h, c, st, prev) => {
      if (h === 'db3' && c === 'rep_threads') seen.push(`${prev.result}->${st.result} at ${Date.now() - T0}`);
    });
    void s.start();
    await vi.advanceTimersByTimeAsync(400);
    seen.length = 0;
    fake.set('db3', 'rep_threads', BROKEN);
    // db3 (index 2) runs start at 1 + 375 + k*500 and take 1 ms: the first failing result is seen at 877,
    // trap_period 1 s → reported by the run ending at 1877.
    await vi.advanceTimersByTimeAsync(1_400);
    expect(s.getStatus('db3', 'rep_threads').result).toBe('ok');
    expect(s.getStatus('db3', 'rep_threads').lastRaw).toEqual(BROKEN);
    await vi.advanceTimersByTimeAsync(100);
    expect(s.getStatus('db3', 'rep_threads')).toMatchObject({
      result: 'failed',
      message: BROKEN.message,
      lastChange: T0 + 1877,
    });
    fake.set('db3', 'rep_threads', OK);
    await vi.advanceTimersByTimeAsync(500);
    expect(s.getStatus('db3', 'rep_threads')).toMatchObject({ result: 'ok', lastChange: T0 + 2377 });
    expect(seen).toEqual(['ok->failed at 1877', 'failed->ok at 2377']);
    await stop(s);
  });

  it('does not report failures while the monitor has no network', async () => {
    let net = true;
    const s = scheduler({ haveNet: () => net });
    void s.start();
    await vi.advanceTimersByTimeAsync(10);
    net = false;
    fake.set('db1', 'mysql', result('ERROR: Timeout'));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.getStatus('db1', 'mysql').result).toBe('ok');
    net = true;
    await vi.advanceTimersByTimeAsync(1_600);
    expect(s.getStatus('db1', 'mysql').result).toBe('failed');
    await stop(s);
  });
});

describe('checkNow', () => {
  it('runs at once and pushes the next periodic run a full period away', async () => {
    const s = scheduler();
    void s.start();
    await vi.advanceTimersByTimeAsync(300);
    const before = fake.callsOf('db4', 'ping').length;
    const now = s.checkNow('db4', 'ping');
    await vi.advanceTimersByTimeAsync(1);
    await now;
    expect(fake.callsOf('db4', 'ping').slice(before)).toEqual([300]);
    await vi.advanceTimersByTimeAsync(600);
    expect(fake.callsOf('db4', 'ping').slice(before)).toEqual([300, 801]);
    await stop(s);
  });

  it('joins a run in progress instead of starting another (single-flight)', async () => {
    fake.set('db1', 'mysql', OK, 100);
    const s = scheduler();
    void s.start();
    await vi.advanceTimersByTimeAsync(50);
    const [a, b] = [s.checkNow('db1', 'mysql'), s.checkNow('db1', 'mysql')];
    await vi.advanceTimersByTimeAsync(100);
    expect(await a).toBe(await b);
    expect(fake.callsOf('db1', 'mysql')).toEqual([0]);
    await stop(s);
  });

  it('rejects unknown hosts and checks with MMM_NOT_FOUND', async () => {
    const s = scheduler();
    await expect(s.checkNow('db9', 'mysql')).rejects.toThrow("unknown host 'db9'");
    expect(() => s.getStatus('db1', 'bogus' as CheckName)).toThrow(MmmError);
    expect(() => s.getObservation('db9')).toThrow("unknown host 'db9'");
  });
});

describe('bounds and failures of the prober', () => {
  it('a prober that overruns timeout + margin gives "ERROR: Timeout", and no second run starts meanwhile', async () => {
    fake.set('db2', 'ping', OK, 10_000);
    const s = scheduler({}, { checkPeriod: 0.5, trapPeriod: 0, timeout: 0.2 });
    void s.start();
    await vi.advanceTimersByTimeAsync(200 + RUN_SAFETY_MARGIN_MS);
    expect(s.getStatus('db2', 'ping')).toMatchObject({ result: 'failed', message: 'ERROR: Timeout' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fake.callsOf('db2', 'ping')).toEqual([0]);
    expect(fake.maxConcurrentPerSlot).toBe(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fake.callsOf('db2', 'ping')[1]).toBe(10_000);
    await stop(s);
  });

  it('a prober that throws gives UNKNOWN, which leaves the stored status alone', async () => {
    const s = scheduler();
    void s.start();
    await vi.advanceTimersByTimeAsync(10);
    fake.throwFor = 'db1/ping';
    await vi.advanceTimersByTimeAsync(1_000);
    expect(s.getStatus('db1', 'ping')).toMatchObject({
      result: 'ok',
      lastRaw: { kind: 'unknown', message: 'UNKNOWN: Error occurred: prober bug' },
    });
    await stop(s);
  });

  it('rejects impossible check settings naming the section and key', () => {
    expect(() => scheduler({}, { checkPeriod: 0, trapPeriod: 1, timeout: 1 })).toThrow(
      '<check ping> check_period: expected seconds > 0, got 0',
    );
    expect(() => scheduler({}, { checkPeriod: 1, trapPeriod: -1, timeout: 1 })).toThrow('trap_period');
    expect(() => scheduler({}, { checkPeriod: 1, trapPeriod: 1, timeout: Number.NaN })).toThrow('timeout');
  });
});

describe('connection lost', () => {
  it('fires once per outage, marks the observation and re-checks mysql at once', async () => {
    const s = scheduler({}, { checkPeriod: 5, trapPeriod: 10, timeout: 2 });
    const lost: string[] = [];
    s.onConnectionLost((h, reason) => lost.push(`${h}: ${reason}`));
    void s.start();
    await vi.advanceTimersByTimeAsync(100);
    fake.set('db1', 'mysql', result('ERROR: Connect error (x)'));
    fake.lost.get('db1')!('rep_threads', 'server closed the connection');
    fake.lost.get('db1')!('mysql', 'server closed the connection');
    expect(lost).toEqual(['db1: server closed the connection']);
    expect(s.getObservation('db1').connectionLostAt).toBe(T0 + 100);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.callsOf('db1', 'mysql')).toEqual([0, 100]);
    expect(s.getObservation('db1').mysql?.value.reachable).toBe(false);
    // once the mysql check gets through again, the next loss fires again
    fake.set('db1', 'mysql', OK);
    const recheck = s.checkNow('db1', 'mysql');
    await vi.advanceTimersByTimeAsync(2);
    await recheck;
    fake.lost.get('db1')!('mysql', 'again');
    expect(lost).toEqual(['db1: server closed the connection', 'db1: again']);
    expect(s.metrics().hosts['db1']?.connectionsLost).toBe(3);
    await stop(s);
  });
});

describe('stop, metrics, listeners', () => {
  it('stop() ends all runs and closes every prober; no run starts afterwards', async () => {
    const s = scheduler();
    void s.start();
    await vi.advanceTimersByTimeAsync(700);
    const stopping = s.stop();
    await vi.advanceTimersByTimeAsync(5);
    await stopping;
    const n = fake.calls.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fake.calls.length).toBe(n);
    expect(fake.closed.sort()).toEqual(['db1', 'db2', 'db3', 'db4']);
    await stop(s);
  });

  it('counts runs by raw result and records latency in the histogram', async () => {
    fake.set('db2', 'rep_backlog', result('ERROR: Backlog is too big'), 30);
    const s = scheduler();
    void s.start();
    await vi.advanceTimersByTimeAsync(1_040);
    const m = s.metrics().hosts['db2']!.checks.rep_backlog;
    expect(m.results).toEqual({ ok: 0, error: 3, unknown: 0 });
    expect(m.latencyCount).toBe(3);
    expect(m.lastLatencyMs).toBe(30);
    expect(m.latencyBuckets[5]).toBe(3); // 25 < latency ≤ 50 ms
    await stop(s);
  });

  it('a listener that throws does not break the scheduler or the other listeners', async () => {
    const s = scheduler();
    const seen: string[] = [];
    s.onChange(() => {
      throw new Error('listener bug');
    });
    const off = s.onChange((h, c) => seen.push(`${h}/${c}`));
    void s.start();
    await vi.advanceTimersByTimeAsync(2);
    expect(seen).toHaveLength(16);
    off();
    await stop(s);
  });
});
