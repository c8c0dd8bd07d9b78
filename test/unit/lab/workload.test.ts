// The pure part of the lab workload: ack lookups around a fault, gaps, error classification, and the
// invariant violations found in sampler samples.
import { describe, expect, it } from 'vitest';
import {
  firstAckAfter,
  formatWorkloadSummary,
  isUncertain,
  lastAckBefore,
  maxGap,
  outageAround,
  sampleViolations,
  summarizeSamples,
  type Ack,
  type HostObservation,
  type Sample,
} from '../../lab/workload.js';

const acks = (...times: number[]): Ack[] =>
  times.map((t, i) => ({ id: i + 1, sentMs: t - 1, atMs: t, atEpochMs: 1_700_000_000_000 + t }));

describe('ack lookups', () => {
  const a = acks(10, 20, 30, 530, 540);

  it('finds the last ack strictly before and the first strictly after a time', () => {
    expect(lastAckBefore(a, 30)?.id).toBe(2);
    expect(lastAckBefore(a, 31)?.id).toBe(3);
    expect(lastAckBefore(a, 10)).toBeUndefined();
    expect(firstAckAfter(a, 30)?.id).toBe(4);
    expect(firstAckAfter(a, 29)?.id).toBe(3);
    expect(firstAckAfter(a, 540)).toBeUndefined();
  });

  it('measures the outage around a fault as first ack after − last ack before', () => {
    expect(outageAround(a, 100)).toMatchObject({ ms: 500, from: { id: 3 }, to: { id: 4 } });
    expect(outageAround(a, 5)).toBeUndefined();
    expect(outageAround(a, 600)).toBeUndefined();
    expect(outageAround([], 1)).toBeUndefined();
  });

  it('finds the largest gap overlapping a window, counting gaps that cross its edges', () => {
    expect(maxGap(a)).toMatchObject({ ms: 500, from: { id: 3 }, to: { id: 4 } });
    expect(maxGap(a, 100, 200)?.ms).toBe(500); // the window lies inside the outage
    expect(maxGap(a, 0, 25)).toMatchObject({ ms: 10, from: { id: 1 } });
    expect(maxGap(a, 535, 1000)).toMatchObject({ ms: 10, from: { id: 4 }, to: { id: 5 } });
    expect(maxGap(acks(1))).toBeUndefined();
  });
});

describe('isUncertain', () => {
  it('treats a missing server answer as uncertain and a plain server error as not committed', () => {
    expect(isUncertain({ code: 'PROTOCOL_SEQUENCE_TIMEOUT' } as object)).toBe(true);
    expect(isUncertain({ code: 'ECONNRESET' } as object)).toBe(true);
    expect(isUncertain({ sqlState: 'HY000', errno: 1290 })).toBe(false); // read_only
    expect(isUncertain({ sqlState: '23000', errno: 1062 })).toBe(false); // duplicate key
    expect(isUncertain({ sqlState: '70100', errno: 1927 })).toBe(true); // session killed mid-statement
    expect(isUncertain({ sqlState: '08S01', errno: 1053 })).toBe(true); // server shutdown
  });
});

const obs = (host: string, readOnly: HostObservation['readOnly'], vips?: string[]): HostObservation => ({
  host,
  readOnly,
  vips,
  skipped: false,
});
const sample = (index: number, hosts: HostObservation[]): Sample => ({
  index,
  startMs: index * 50,
  endMs: index * 50 + 5,
  atEpochMs: index * 50,
  hosts,
});
const W = '198.18.100.220';
const R = '198.18.100.221';

describe('sampleViolations', () => {
  it('finds nothing with one writer and each VIP on one host', () => {
    const s = sample(0, [obs('db1', 0, [W]), obs('db2', 1, [R]), obs('db3', 1, [])]);
    expect(sampleViolations(s, W)).toEqual([]);
  });

  it('never counts an unknown (hung, unreachable, skipped) host as writable', () => {
    const s = sample(1, [obs('db1', 'unknown'), obs('db2', 0, [W]), { ...obs('db3', 'unknown'), skipped: true }]);
    expect(sampleViolations(s, W)).toEqual([]);
  });

  it('reports two writable hosts and a VIP held twice, the writer VIP by name', () => {
    const s = sample(3, [obs('db1', 0, [W, R]), obs('db2', 0, [W]), obs('db3', 1, [R])]);
    expect(sampleViolations(s, W)).toEqual([
      { kind: 'two-writable', sample: 3, atMs: 150, atEpochMs: 150, hosts: ['db1', 'db2'] },
      { kind: 'writer-vip-twice', sample: 3, atMs: 150, atEpochMs: 150, hosts: ['db1', 'db2'], vip: W },
      { kind: 'vip-twice', sample: 3, atMs: 150, atEpochMs: 150, hosts: ['db1', 'db3'], vip: R },
    ]);
  });

  it('summarises period, skipped probes and violations by kind', () => {
    const samples = [
      sample(0, [obs('db1', 0, [W]), obs('db2', 1, [])]),
      sample(1, [obs('db1', 0, [W]), { ...obs('db2', 'unknown'), skipped: true }]),
      sample(2, [obs('db1', 0, [W]), obs('db2', 0, [W])]),
    ];
    const violations = samples.flatMap((s) => sampleViolations(s, W));
    expect(summarizeSamples(samples, violations)).toEqual({
      samples: 3,
      periodMs: 50,
      maxPeriodMs: 50,
      maxSampleMs: 5,
      skippedProbes: 1,
      violations: { 'two-writable': 1, 'writer-vip-twice': 1, 'vip-twice': 0 },
    });
  });
});

describe('formatWorkloadSummary', () => {
  it('prints acks, errors, the outage, sampler figures and missing ids', () => {
    const text = formatWorkloadSummary({
      acks: acks(0, 10, 20, 520),
      errors: [
        { atMs: 30, atEpochMs: 30, phase: 'insert', code: 'ECONNRESET', message: 'x', id: 4, uncertain: true },
        { atMs: 40, atEpochMs: 40, phase: 'connect', code: 'ECONNREFUSED', message: 'y', uncertain: false },
      ],
      faultAtMs: 25,
      sampler: summarizeSamples([], []),
      missing: { db2: [], db3: [7, 8] },
    });
    expect(text).toBe(
      [
        'writes: 4 acked (6/s), 2 errors, 1 uncertain, max gap 500 ms (ids 3→4), ack latency p50 1 ms p99 1 ms',
        'outage: 500 ms (last ack before the fault: id 3, first after: id 4)',
        'invariants: 0 samples every - (longest interval -, longest sample -), 0 skipped probes, violations: two-writable 0, writer-vip-twice 0, vip-twice 0',
        'acked ids missing: db2 0, db3 2 (7, 8)',
      ].join('\n'),
    );
  });
});
