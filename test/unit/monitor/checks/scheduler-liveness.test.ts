// Corroboration in CheckScheduler with fake probers and fake timers, MMM's default checks (5/10/2) and the
// default liveness settings: what reaches the stored status when the monitor fails to reach db1 and the
// replicas (db2 master-master peer, db3, db4) say it is dead, alive, or nothing useful.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckName } from '../../../../common/config/types.js';
import { DEFAULT_LIVENESS } from '../../../../monitor/checks/liveness.js';
import { result, TIMEOUT, type RawResult } from '../../../../monitor/checks/messages.js';
import type { LivenessProbeOutcome, ProbeOutcome } from '../../../../monitor/checks/probes.js';
import { CheckScheduler, type CheckSchedulerOptions, type HostProber } from '../../../../monitor/checks/scheduler.js';
import { checksOnlyConfig, replica } from './fixtures.js';

const T0 = Date.UTC(2026, 10, 22, 2, 0, 0);
const OK = result('OK');
const REFUSED = result(
  'ERROR: Connect error (host = 198.18.40.11:3306, user = mmm_monitor)! connect ECONNREFUSED 198.18.40.11:3306',
);

type Link = 'beating' | 'silent' | 'lost';

/** db1 is the source of db2..db4. The monitor's view of db1 and each replica's link to it are scripted. */
class FakeLab {
  /** What the monitor gets from db1: per check / the liveness probe; delay in ms before the answer. */
  db1: { raw: RawResult; delayMs: number } = { raw: OK, delayMs: 1 };
  db1Ping: RawResult = OK;
  readonly links = new Map<string, Link>([
    ['db2', 'beating'],
    ['db3', 'beating'],
    ['db4', 'beating'],
  ]);
  /** Replicas the monitor cannot reach either. */
  readonly unreachable = new Set<string>();
  readonly heartbeats = new Map<string, number>();
  livenessCalls = 0;

  readonly factory: NonNullable<CheckSchedulerOptions['probers']> = (h) => {
    const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    const prober: HostProber = {
      run: async (check: CheckName): Promise<ProbeOutcome> => {
        if (h.name === 'db1' && check === 'ping')
          return { raw: this.db1Ping, patch: { ping: this.db1Ping.kind === 'ok' } };
        if (h.name === 'db1' && check === 'mysql') {
          await delay(this.db1.delayMs);
          return { raw: this.db1.raw, patch: {} };
        }
        await delay(1);
        return { raw: OK, patch: {} };
      },
      liveness: async (): Promise<LivenessProbeOutcome> => {
        this.livenessCalls++;
        if (h.name === 'db1') {
          await delay(this.db1.delayMs);
          const { raw } = this.db1;
          return raw.kind === 'ok'
            ? { ok: true, latencyMs: 1, replica: { status: null, source: undefined }, heartbeats: null }
            : { ok: false, latencyMs: this.db1.delayMs, raw };
        }
        if (this.unreachable.has(h.name)) {
          await delay(DEFAULT_LIVENESS.timeoutMs);
          return { ok: false, latencyMs: DEFAULT_LIVENESS.timeoutMs, raw: TIMEOUT };
        }
        await delay(1);
        return { ok: true, latencyMs: 1, ...this.#replicaOf(h.name) };
      },
      close: () => Promise.resolve(),
    };
    return prober;
  };

  #replicaOf(host: string): Pick<Extract<LivenessProbeOutcome, { ok: true }>, 'replica' | 'heartbeats'> {
    const link = this.links.get(host) ?? 'beating';
    // a beating link receives one heartbeat per second
    if (link === 'beating') this.heartbeats.set(host, Math.floor((Date.now() - T0) / 1000));
    const received = this.heartbeats.get(host) ?? 0;
    const status =
      link === 'lost'
        ? replica({ Slave_IO_Running: 'Connecting', Last_IO_Errno: 2003, Last_IO_Error: "Can't connect (111)" })
        : replica();
    return { replica: { status, source: 'db1' }, heartbeats: { received, periodSec: 1 } };
  }
}

let lab: FakeLab;
let scheduler: CheckScheduler;
let haveNet = true;
const failedAt = new Map<string, number>();

async function start(corroborate = true): Promise<void> {
  scheduler = new CheckScheduler({
    config: checksOnlyConfig(4),
    probers: lab.factory,
    now: () => Date.now(),
    haveNet: () => haveNet,
    ...(corroborate ? { liveness: DEFAULT_LIVENESS } : {}),
  });
  scheduler.onChange((host, check, st) => {
    if (st.result === 'failed' && !failedAt.has(`${host}/${check}`)) failedAt.set(`${host}/${check}`, Date.now());
  });
  const started = scheduler.start();
  await vi.advanceTimersByTimeAsync(10);
  await started;
  await vi.advanceTimersByTimeAsync(5_000); // some history of the replicas' heartbeats
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  lab = new FakeLab();
  haveNet = true;
  failedAt.clear();
});

afterEach(async () => {
  const p = scheduler.stop();
  await vi.advanceTimersByTimeAsync(15_000);
  await p;
  vi.useRealTimers();
});

describe('corroboration in the scheduler', () => {
  it('crash: the replicas lost db1 too → mysql failed at once, without trap_period', async () => {
    await start();
    const t = Date.now();
    lab.db1 = { raw: REFUSED, delayMs: 1 };
    for (const r of ['db2', 'db3', 'db4']) lab.links.set(r, 'lost');
    void scheduler.checkNow('db1', 'mysql'); // what a lost connection triggers
    await vi.advanceTimersByTimeAsync(1_000);
    expect(failedAt.get('db1/mysql')! - t).toBeLessThanOrEqual(300);
    expect(scheduler.getStatus('db1', 'mysql')).toMatchObject({ result: 'failed', message: REFUSED.message });
    const live = scheduler.getObservation('db1').liveness?.value;
    expect(live).toMatchObject({ verdict: 'dead', monitorError: REFUSED.message });
    expect(live?.evidence.map((e) => [e.host, e.view])).toEqual([
      ['db2', 'lost'],
      ['db3', 'lost'],
      ['db4', 'lost'],
    ]);
    expect(scheduler.getStatus('db1', 'ping').result).toBe('ok');
    expect(scheduler.metrics().hosts['db1']?.liveness).toMatchObject({ verdict: 'dead', verdicts: { dead: 1 } });
  });

  it('hang: the probe times out and the replicas receive nothing → failed with the probe\'s "ERROR: Timeout"', async () => {
    await start();
    const t = Date.now();
    lab.db1 = { raw: TIMEOUT, delayMs: DEFAULT_LIVENESS.timeoutMs };
    for (const r of ['db2', 'db3', 'db4']) lab.links.set(r, 'silent');
    await vi.advanceTimersByTimeAsync(6_000);
    const ms = failedAt.get('db1/mysql')! - t;
    expect(ms).toBeGreaterThan(DEFAULT_LIVENESS.timeoutMs);
    expect(ms).toBeLessThanOrEqual(3_500);
    expect(scheduler.getStatus('db1', 'mysql').message).toBe('ERROR: Timeout');
    expect(scheduler.getObservation('db1').liveness?.value.evidence.every((e) => e.view === 'stalled')).toBe(true);
  });

  it('only the monitor is cut off: never failed, OK with the reason, plain OK again after the heal', async () => {
    await start();
    lab.db1 = { raw: TIMEOUT, delayMs: DEFAULT_LIVENESS.timeoutMs };
    lab.db1Ping = result('ERROR: fping could not reach 198.18.40.11');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(failedAt.size).toBe(0);
    for (const check of ['mysql', 'ping'] as const) {
      expect(scheduler.getStatus('db1', check).result).toBe('ok');
      expect(scheduler.getStatus('db1', check).message).toMatch(
        /^OK: The monitor cannot reach db1 \(ERROR: .*\) but replicas db2, db3, db4 still replicate from it$/,
      );
    }
    expect(scheduler.getObservation('db1').liveness?.value.verdict).toBe('reachable-by-replicas');
    lab.db1 = { raw: OK, delayMs: 1 };
    lab.db1Ping = OK;
    await vi.advanceTimersByTimeAsync(6_000);
    expect(scheduler.getStatus('db1', 'mysql').message).toBe('OK');
    expect(scheduler.getStatus('db1', 'ping').message).toBe('OK');
    expect(scheduler.getObservation('db1').liveness?.value.verdict).toBe('alive');
  });

  it("replicas unreachable too: unknown, so MMM's trap_period (10 s) decides", async () => {
    await start();
    const t = Date.now();
    lab.db1 = { raw: REFUSED, delayMs: 1 };
    for (const r of ['db2', 'db3', 'db4']) lab.unreachable.add(r);
    void scheduler.checkNow('db1', 'mysql');
    await vi.advanceTimersByTimeAsync(9_000);
    expect(failedAt.has('db1/mysql')).toBe(false);
    expect(scheduler.getObservation('db1').liveness?.value.verdict).toBe('unknown');
    await vi.advanceTimersByTimeAsync(7_000);
    const ms = failedAt.get('db1/mysql')! - t;
    expect(ms).toBeGreaterThanOrEqual(10_000);
    expect(ms).toBeLessThanOrEqual(15_100);
  });

  it('ping_ips unreachable: a dead verdict reports nothing', async () => {
    await start();
    haveNet = false;
    lab.db1 = { raw: REFUSED, delayMs: 1 };
    for (const r of ['db2', 'db3', 'db4']) lab.links.set(r, 'lost');
    void scheduler.checkNow('db1', 'mysql');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(scheduler.getObservation('db1').liveness?.value.verdict).toBe('dead');
    expect(failedAt.size).toBe(0);
  });

  it("without liveness settings nothing is probed and the trap is MMM's", async () => {
    await start(false);
    lab.db1 = { raw: REFUSED, delayMs: 1 };
    for (const r of ['db2', 'db3', 'db4']) lab.links.set(r, 'lost');
    await vi.advanceTimersByTimeAsync(9_000);
    expect(failedAt.size).toBe(0);
    expect(lab.livenessCalls).toBe(0);
    expect(scheduler.getObservation('db1').liveness).toBeUndefined();
  });
});
