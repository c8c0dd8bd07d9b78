// Observations (latest raw facts per host) and the metrics object.
import { describe, expect, it } from 'vitest';
import { cumulativeBuckets, emptyMetrics, LATENCY_BUCKETS_MS, recordRun } from '../../../../monitor/checks/metrics.js';
import {
  applyPatch,
  emptyObservation,
  markConnectionLost,
  sourceHostName,
} from '../../../../monitor/checks/observation.js';
import { hostConfig, replica } from './fixtures.js';

describe('observation', () => {
  it('stamps each fact with its own time and keeps the others', () => {
    const o0 = emptyObservation('db3');
    expect(o0.observedAt).toBeUndefined();
    const o1 = applyPatch(o0, { ping: true }, 1000);
    const o2 = applyPatch(
      o1,
      {
        mysql: { reachable: true, latencyMs: 1.5, error: undefined },
        readOnly: { readOnly: true, superReadOnly: null },
      },
      2000,
    );
    expect(o2.ping).toEqual({ value: true, at: 1000 });
    expect(o2.mysql).toEqual({ value: { reachable: true, latencyMs: 1.5, error: undefined }, at: 2000 });
    expect(o2.readOnly?.at).toBe(2000);
    expect(o2.observedAt).toBe(2000);
    const o3 = applyPatch(o2, {}, 3000);
    expect(o3.observedAt).toBe(2000);
    const lost = markConnectionLost(o3, 2500);
    expect(lost).toMatchObject({ connectionLostAt: 2500, observedAt: 2500 });
    expect(Object.isFrozen(lost)).toBe(true);
  });

  it("names a replica's source by configured IP and MySQL port", () => {
    const hosts = [hostConfig(1), hostConfig(2), hostConfig(3, { mysqlPort: 3307 })];
    expect(sourceHostName(hosts, replica())).toBe('db1');
    expect(sourceHostName(hosts, replica({ Master_Host: '198.18.40.13', Master_Port: 3306 }))).toBeUndefined();
    expect(sourceHostName(hosts, replica({ Master_Host: '198.18.40.13', Master_Port: 3307 }))).toBe('db3');
    expect(sourceHostName(hosts, replica({ Master_Host: '' }))).toBeUndefined();
    expect(sourceHostName(hosts, null)).toBeUndefined();
  });
});

describe('metrics', () => {
  it('counts results and fills the latency histogram (cumulative for Prometheus)', () => {
    const m = emptyMetrics(['db1']);
    const run = m.hosts['db1']!.checks.mysql;
    recordRun(run, 'ok', false, 0.4);
    recordRun(run, 'ok', false, 3);
    recordRun(run, 'error', true, 2_000);
    recordRun(run, 'unknown', false, 60_000);
    expect(run.results).toEqual({ ok: 2, error: 1, unknown: 1 });
    expect(run.timeouts).toBe(1);
    expect(run.latencyOverflow).toBe(1);
    expect(run.latencyCount).toBe(4);
    expect(run.latencySumMs).toBeCloseTo(62_003.4);
    const cum = cumulativeBuckets(run);
    expect(cum).toHaveLength(LATENCY_BUCKETS_MS.length);
    expect(cum[0]).toBe(1); // ≤ 1 ms
    expect(cum[2]).toBe(2); // ≤ 5 ms
    expect(cum.at(-1)).toBe(3); // ≤ 10 s; the 60 s run is only in the +Inf bucket (count)
  });
});
