import { describe, expect, it } from 'vitest';
import {
  classifyReplica,
  CONNECTION_ERRNOS,
  judgeLiveness,
  LOST_LOOKBACK_MS,
  trackReplica,
  type ReplicaSample,
  type ReplicaTrack,
  type ReplicaView,
} from '../../../../monitor/checks/liveness-verdict.js';

const HB = 1000;
const FRESH = 2000;

function sample(at: number, over: Partial<ReplicaSample> = {}): ReplicaSample {
  return {
    at,
    answeredAt: at,
    source: 'db1',
    ioRunning: 'Yes',
    lastIoErrno: 0,
    lastIoError: '',
    position: 'bin.1:100|0-1-5|',
    heartbeats: 10,
    heartbeatPeriodMs: HB,
    ...over,
  };
}

/** Feeds samples in order into a fresh track of `host`. */
function track(host: string, samples: ReplicaSample[]): ReplicaTrack {
  let t: ReplicaTrack | undefined;
  for (const s of samples) t = trackReplica(t, host, s);
  if (t === undefined) throw new Error('no track');
  return t;
}

describe('trackReplica', () => {
  it('ignores hosts that replicate from no configured host', () => {
    expect(trackReplica(undefined, 'db3', sample(0, { source: undefined }))).toBeUndefined();
  });

  it('starts over when the source changes', () => {
    const t = track('db3', [sample(0), sample(100, { heartbeats: 11 }), sample(200, { source: 'db2' })]);
    expect(t).toMatchObject({ source: 'db2', firstAt: 200, progressSeenAt: 200, progressAfter: undefined });
  });

  // [what changed between two samples, IO before, IO after, counts as progress]
  const progressTable: [string, Partial<ReplicaSample>, Partial<ReplicaSample>, boolean][] = [
    ['nothing', {}, {}, false],
    ['heartbeat counter up', {}, { heartbeats: 11 }, true],
    ['heartbeat counter reset (START SLAVE)', {}, { heartbeats: 0 }, false],
    ['heartbeat counter appears', { heartbeats: null }, { heartbeats: 3 }, false],
    ['position moved', {}, { position: 'bin.1:200|0-1-6|' }, true],
    ['reconnected (Connecting → Yes)', { ioRunning: 'Connecting' }, {}, true],
    ['position moved while Connecting', {}, { ioRunning: 'Connecting', position: 'x' }, false],
    ['counter up but IO No', {}, { ioRunning: 'No', heartbeats: 11 }, false],
  ];
  it.each(progressTable)('progress: %s', (_what, before, after, progress) => {
    const t = track('db3', [sample(0, before), sample(100, after)]);
    expect(t.progressSeenAt).toBe(progress ? 100 : 0);
    expect(t.progressAfter).toBe(progress ? 0 : undefined);
  });

  it('lostAt: first sample without IO Yes after a connected one; cleared on reconnect', () => {
    const connecting = { ioRunning: 'Connecting', lastIoErrno: 2003 } as const;
    expect(track('db3', [sample(0, connecting), sample(100, connecting)]).lostAt).toBeUndefined();
    expect(track('db3', [sample(0), sample(100, connecting), sample(200, connecting)]).lostAt).toBe(100);
    expect(track('db3', [sample(0), sample(100, connecting), sample(200)]).lostAt).toBeUndefined();
    expect(track('db3', [sample(0), sample(100, connecting), sample(200)]).connectedAt).toBe(200);
  });
});

describe('classifyReplica', () => {
  const F = 10_000;
  // Yes, progressing every second until `lastBeat`, then sampled at `at`.
  function beating(lastBeat: number, at: number, periodMs: number | null = HB): ReplicaTrack {
    const samples: ReplicaSample[] = [];
    let n = 0;
    for (let t = 0; t <= lastBeat; t += 500) {
      if (t % 1000 === 0) n++;
      samples.push(sample(t, { heartbeats: n, heartbeatPeriodMs: periodMs }));
    }
    samples.push(sample(at, { heartbeats: n, heartbeatPeriodMs: periodMs }));
    return track('db3', samples);
  }

  // [case, track, now, expected view]
  const yesTable: [string, ReplicaTrack, number, ReplicaView][] = [
    ['beat after F (both samples after F)', beating(11_000, 11_100), 11_100, 'receiving'],
    ['beat seen first after F but sample before F', beating(10_000, 10_100), 10_100, 'waiting'],
    ['beat after F, then silent over 2 × heartbeat', beating(11_000, 13_100), 13_100, 'stalled'],
    ['silent 2 × heartbeat exactly: not yet', beating(8_000, 10_000), 10_000, 'waiting'],
    ['silent just over 2 × heartbeat', beating(8_000, 10_001), 10_001, 'stalled'],
    ['silent long', beating(5_000, 12_000), 12_000, 'stalled'],
    ['no heartbeat configured (0)', beating(5_000, 12_000, 0), 12_000, 'waiting'],
    ['heartbeat period unknown', beating(5_000, 12_000, null), 12_000, 'waiting'],
    ['latest sample older than fresh', beating(5_000, 9_000), 9_000 + FRESH + 1, 'stale'],
    ['latest sample exactly fresh', beating(5_000, 9_000), 9_000 + FRESH, 'stalled'],
  ];
  it.each(yesTable)('IO Yes: %s → %s', (_what, t, now, view) => {
    expect(classifyReplica(t, F, now, FRESH).view).toBe(view);
  });

  // Every IO state × errno class × time of the loss relative to F.
  const errnos = [0, ...CONNECTION_ERRNOS, 1045, 1236];
  const states = ['Connecting', 'No'] as const;
  const lossTimes = [
    ['at F', F],
    ['just inside the lookback', F - LOST_LOOKBACK_MS],
    ['before the lookback', F - LOST_LOOKBACK_MS - 1],
  ] as const;
  const rows = states.flatMap((io) =>
    errnos.flatMap((errno) => lossTimes.map(([when, at]) => ({ io, errno, when, at }))),
  );
  it.each(rows)('IO $io errno $errno lost $when', ({ io, errno, at }) => {
    const t = track('db3', [sample(at - 100), sample(at, { ioRunning: io, lastIoErrno: errno, lastIoError: 'x' })]);
    const lostState = CONNECTION_ERRNOS.has(errno) || (io === 'Connecting' && errno === 0);
    const expected: ReplicaView = lostState && at >= F - LOST_LOOKBACK_MS ? 'lost' : 'no-evidence';
    expect(classifyReplica(t, F, at + 100, FRESH).view).toBe(expected);
  });

  it('a replica never seen connected gives no evidence of a loss', () => {
    const t = track('db3', [sample(F, { ioRunning: 'Connecting', lastIoErrno: 2003 })]);
    expect(classifyReplica(t, F, F + 100, FRESH).view).toBe('no-evidence');
  });
});

describe('judgeLiveness', () => {
  const F = 10_000;
  const NOW = 12_000;
  // A track of `host` that classifies as `view` at NOW with F.
  function trackAs(host: string, view: ReplicaView, source = 'db1'): ReplicaTrack {
    const s = (at: number, over: Partial<ReplicaSample> = {}): ReplicaSample => sample(at, { source, ...over });
    switch (view) {
      case 'receiving':
        return track(host, [s(10_500), s(11_900, { heartbeats: 11 })]);
      case 'lost':
        return track(host, [
          s(9_900),
          s(10_000, { ioRunning: 'Connecting', lastIoErrno: 2003, lastIoError: 'refused' }),
        ]);
      case 'stalled':
        return track(host, [s(9_000), s(11_900)]);
      case 'waiting':
        return track(host, [s(9_000, { heartbeats: 9 }), s(10_500), s(11_900)]);
      case 'stale':
        return track(host, [s(5_000)]);
      case 'no-evidence':
        return track(host, [s(9_000), s(11_900, { ioRunning: 'No', lastIoErrno: 0 })]);
    }
  }
  const VIEWS: ReplicaView[] = ['receiving', 'lost', 'stalled', 'waiting', 'stale', 'no-evidence'];

  it('each helper track really classifies as intended', () => {
    for (const v of VIEWS) expect(classifyReplica(trackAs('db3', v), F, NOW, FRESH).view, v).toBe(v);
  });

  const judge = (replicas: ReplicaTrack[], monitorFails = true) =>
    judgeLiveness({
      source: 'db1',
      now: NOW,
      monitorFailingSince: monitorFails ? F : undefined,
      replicas,
      freshMs: FRESH,
    });

  it('alive while the monitor reaches the host, whatever the replicas say', () => {
    for (const v of VIEWS) expect(judge([trackAs('db3', v)], false).verdict).toBe('alive');
  });

  it('unknown without replicas; replicas of other sources and the host itself do not count', () => {
    expect(judge([])).toMatchObject({ verdict: 'unknown', reason: 'no replica replicates from db1' });
    expect(judge([trackAs('db3', 'lost', 'db2'), trackAs('db1', 'lost', 'db1')]).verdict).toBe('unknown');
  });

  // Every combination of the views of three replicas, against the rule stated in words:
  // any receiving → reachable; else any lost/stalled and none waiting → dead; else unknown.
  const combos: ReplicaView[][] = VIEWS.flatMap((a) => VIEWS.flatMap((b) => VIEWS.map((c) => [a, b, c])));
  it.each(combos.map((c) => [c.join(' + '), c] as const))('three replicas: %s', (_name, views) => {
    const j = judge(views.map((v, i) => trackAs(`db${i + 2}`, v)));
    const expected = views.includes('receiving')
      ? 'reachable-by-replicas'
      : views.some((v) => v === 'lost' || v === 'stalled') && !views.includes('waiting')
        ? 'dead'
        : 'unknown';
    expect(j.verdict).toBe(expected);
    expect(j.evidence.map((e) => e.view)).toEqual(views);
  });

  it('says which replicas and why', () => {
    expect(judge([trackAs('db2', 'stale'), trackAs('db3', 'receiving'), trackAs('db4', 'receiving')]).reason).toBe(
      'replicas db3, db4 still replicate from it',
    );
    const dead = judge([trackAs('db2', 'lost'), trackAs('db3', 'stalled')]);
    expect(dead.reason).toBe(
      'replicas lost it too (db2: IO Connecting, errno 2003 refused; db3: IO Yes but nothing received for 2900 ms (heartbeat 1000 ms))',
    );
    expect(judge([trackAs('db2', 'lost'), trackAs('db3', 'waiting')]).reason).toMatch(/^waiting for replicas db3 \(/);
    expect(judge([trackAs('db2', 'stale')]).reason).toBe('no replica of db1 answers the monitor');
    expect(judge([trackAs('db2', 'no-evidence')]).reason).toBe('no replica has evidence (db2: IO No)');
  });
});
