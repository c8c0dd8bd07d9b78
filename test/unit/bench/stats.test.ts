import { describe, expect, it } from 'vitest';
import {
  fmtCount,
  fmtSeconds,
  histogramDelta,
  histogramQuantile,
  histogramSum,
  histograms,
  parsePrometheus,
  percentile,
  ratio,
  summarize,
} from '../../bench/lib/stats.js';
import { recoveryOf } from '../../bench/lib/history.js';

describe('benchmark statistics', () => {
  it('summarize: median of odd and even counts, min, max; nothing for no finite values', () => {
    expect(summarize([3, 1, 2])).toEqual({ n: 3, median: 2, min: 1, max: 3 });
    expect(summarize([4, 1, 3, 2])).toEqual({ n: 4, median: 2.5, min: 1, max: 4 });
    expect(summarize([NaN, 5])).toEqual({ n: 1, median: 5, min: 5, max: 5 });
    expect(summarize([])).toBeUndefined();
  });

  it('percentile is nearest-rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 0.5)).toBe(50);
    expect(percentile(xs, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeUndefined();
  });

  it('histogramQuantile interpolates inside the bucket like Prometheus; +Inf answers the top finite bound', () => {
    const h = [
      { le: 0.001, count: 0 },
      { le: 0.01, count: 50 },
      { le: 0.1, count: 100 },
      { le: Infinity, count: 100 },
    ];
    expect(histogramQuantile(h, 0.5)).toBeCloseTo(0.01);
    expect(histogramQuantile(h, 0.25)).toBeCloseTo(0.0055);
    expect(histogramQuantile(h, 0.99)).toBeCloseTo(0.01 + 0.09 * (49 / 50));
    expect(
      histogramQuantile(
        [
          { le: 1, count: 1 },
          { le: Infinity, count: 3 },
        ],
        0.9,
      ),
    ).toBe(1);
    expect(histogramQuantile([{ le: Infinity, count: 0 }], 0.5)).toBeUndefined();
  });

  it('histograms from Prometheus text, per label set; window deltas and sums over hosts', () => {
    const text = [
      '# TYPE mmm_check_latency_seconds histogram',
      'mmm_check_latency_seconds_bucket{host="db1",check="ping",le="0.001"} 2',
      'mmm_check_latency_seconds_bucket{host="db1",check="ping",le="+Inf"} 5',
      'mmm_check_latency_seconds_bucket{host="db2",check="ping",le="0.001"} 1',
      'mmm_check_latency_seconds_bucket{host="db2",check="ping",le="+Inf"} 1',
      'mmm_tick_duration_seconds 0.004',
    ].join('\n');
    const samples = parsePrometheus(text);
    expect(samples.find((s) => s.name === 'mmm_tick_duration_seconds')?.value).toBe(0.004);
    const hs = histograms(samples, 'mmm_check_latency_seconds');
    expect([...hs.keys()]).toEqual(['host=db1,check=ping', 'host=db2,check=ping']);
    const db1 = hs.get('host=db1,check=ping') ?? [];
    expect(db1).toEqual([
      { le: 0.001, count: 2 },
      { le: Infinity, count: 5 },
    ]);
    expect(histogramDelta([{ le: 0.001, count: 1 }], db1)).toEqual([
      { le: 0.001, count: 1 },
      { le: Infinity, count: 5 },
    ]);
    expect(histogramSum([...hs.values()])).toEqual([
      { le: 0.001, count: 3 },
      { le: Infinity, count: 6 },
    ]);
  });

  it('formats and ratios', () => {
    expect(fmtSeconds(summarize([1000, 1500, 2000]))).toBe('1.50 s (1.00–2.00)');
    expect(fmtSeconds(summarize([1234]))).toBe('1.23 s');
    expect(fmtSeconds(undefined)).toBe('-');
    expect(fmtCount(summarize([0, 0]))).toBe('0');
    expect(fmtCount(summarize([0, 2, 1]))).toBe('1 (0–2)');
    expect(ratio(summarize([500]), summarize([1000]))).toBe(0.5);
    expect(ratio(summarize([500]), undefined)).toBeUndefined();
  });

  it('recoveryOf: the first recovery after the fault from `history` data, steps relative to the fault', () => {
    const res = {
      ok: true,
      exitCode: 0 as const,
      text: '',
      data: {
        recoveries: [
          { id: 'old', startedAt: 500, durationMs: 1, outcome: 'done', steps: [] },
          {
            id: 'failover-1',
            startedAt: 1_200,
            durationMs: 300,
            outcome: 'done',
            fencedBy: [{ host: 'db1', by: 'agent' }],
            notFollowing: [],
            steps: [{ name: 'fence', host: 'db1', startedAt: 1_210, durationMs: 40, outcome: 'ok', detail: '' }],
          },
        ],
      },
    };
    expect(recoveryOf(res, 1_000)).toEqual({
      id: 'failover-1',
      outcome: 'done',
      startMs: 200,
      durationMs: 300,
      fencedBy: 'db1 by agent',
      notFollowing: [],
      steps: [{ name: 'fence db1', startMs: 210, durationMs: 40, outcome: 'ok' }],
    });
    expect(recoveryOf({ ok: false, exitCode: 2, text: "Invalid command 'history'" }, 0)).toBeUndefined();
  });
});
