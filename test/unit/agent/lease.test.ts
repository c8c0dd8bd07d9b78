import { describe, expect, it } from 'vitest';
import { askAheadMs, decideLease, type LeaseInput, type PeerAnswer } from '../../../agent/lease.js';

const base: LeaseInput = {
  enabled: true,
  leaseMs: 3000,
  holdsWriter: true,
  self: 'db1',
  epoch: 7,
  contactAgoMs: 3500,
  peerCheck: true,
  aheadMs: 1000,
  peers: undefined,
  askedAgoMs: 0,
};

describe('decideLease', () => {
  it.each([
    ['disabled', { enabled: false }],
    ['not the writer', { holdsWriter: false }],
    ['in contact (before the ask-ahead window)', { contactAgoMs: 1999 }],
  ])('ok when %s', (_name, over: Partial<LeaseInput>) => {
    expect(decideLease({ ...base, ...over }).kind).toBe('ok');
  });

  it('fences at once when the peer check is off', () => {
    const d = decideLease({ ...base, peerCheck: false, contactAgoMs: 3000 });
    expect(d).toEqual({
      kind: 'fence',
      message: 'writer lease expired: no desired state from the monitor for 3.0 s (writer_lease 3.0 s)',
    });
  });

  it('asks the peers first when the peer check is on', () => {
    expect(decideLease(base)).toEqual({ kind: 'ask-peers' });
  });

  it.each([
    ['before the ask-ahead window: nothing to do', 1999, 'ok'],
    ['at the start of the ask-ahead window: ask', 2000, 'ask-peers'],
    ['inside the window: ask', 2900, 'ask-peers'],
  ] as const)('%s', (_name, contactAgoMs, kind) => {
    expect(decideLease({ ...base, contactAgoMs }).kind).toBe(kind);
  });

  it('without the peer check, nothing happens before the expiry', () => {
    expect(decideLease({ ...base, peerCheck: false, contactAgoMs: 2999 }).kind).toBe('ok');
  });

  const table: [string, PeerAnswer[], 'hold' | 'fence', string][] = [
    [
      'every answering peer lost the monitor too: the monitor is down, hold',
      [
        { host: 'db2', lastMonitorContactAgoMs: 3400 },
        { host: 'db3', lastMonitorContactAgoMs: null },
      ],
      'hold',
      'lease held: monitor silent to all reachable agents (db2, db3)',
    ],
    [
      'one peer unreachable, the others silent: hold and name the missing one',
      [
        { host: 'db2', lastMonitorContactAgoMs: 5000 },
        { host: 'db3', lastMonitorContactAgoMs: 'unreachable' },
      ],
      'hold',
      'lease held: monitor silent to all reachable agents (db2); no answer from db3',
    ],
    [
      'a peer still hears the monitor: this host is cut off, fence',
      [
        { host: 'db2', lastMonitorContactAgoMs: 400 },
        { host: 'db3', lastMonitorContactAgoMs: null },
      ],
      'fence',
      'writer lease expired: no desired state from the monitor for 3.5 s (writer_lease 3.0 s), but peers still hear from it (db2 0.4 s ago)',
    ],
    [
      'no peer answers: maybe isolated, fence',
      [
        { host: 'db2', lastMonitorContactAgoMs: 'unreachable' },
        { host: 'db3', lastMonitorContactAgoMs: 'unreachable' },
      ],
      'fence',
      'writer lease expired: no desired state from the monitor for 3.5 s (writer_lease 3.0 s); no peer agent answered (db2, db3)',
    ],
    [
      'no peers configured: fence',
      [],
      'fence',
      'writer lease expired: no desired state from the monitor for 3.5 s (writer_lease 3.0 s); no peer agent is configured',
    ],
    [
      'the monitor stopped: a peer renewed a little after this host (within the skew), hold',
      [{ host: 'db2', lastMonitorContactAgoMs: 3100 }],
      'hold',
      'lease held: monitor silent to all reachable agents (db2)',
    ],
    [
      'a peer heard the monitor just over a third of the lease after this host: fence',
      [{ host: 'db2', lastMonitorContactAgoMs: 2400 }],
      'fence',
      'writer lease expired: no desired state from the monitor for 3.5 s (writer_lease 3.0 s), but peers still hear from it (db2 2.4 s ago)',
    ],
    [
      'a peer heard the monitor exactly a third of the lease after this host: within the skew, hold',
      [{ host: 'db2', lastMonitorContactAgoMs: 2500 }],
      'hold',
      'lease held: monitor silent to all reachable agents (db2)',
    ],
    [
      'a peer heard exactly one lease ago: that is silence too',
      [{ host: 'db2', lastMonitorContactAgoMs: 3000 }],
      'hold',
      'lease held: monitor silent to all reachable agents (db2)',
    ],
  ];
  it.each(table)('%s', (_name, peers, kind, message) => {
    expect(decideLease({ ...base, peers })).toEqual({ kind, message });
  });
});

describe('decideLease with a lease relay', () => {
  const relay = (forHost: string, agoMs: number, epoch: number, host = 'db3', monitorAgo = 200): PeerAnswer => ({
    host,
    lastMonitorContactAgoMs: monitorAgo,
    relay: { forHost, agoMs, epoch },
  });
  const heard = (host: string, ago: number | null | 'unreachable'): PeerAnswer => ({
    host,
    lastMonitorContactAgoMs: ago,
  });
  const fenceHeard =
    'writer lease expired: no desired state from the monitor for 3.5 s (writer_lease 3.0 s), but peers still hear from it (db3 0.2 s ago)';

  type Row = [string, Partial<LeaseInput>, readonly PeerAnswer[], object];
  const table: Row[] = [
    [
      'expired, a peer got the relay 0.3 s ago: renew as of sending - 0.3 s',
      { askedAgoMs: 100 },
      [relay('db1', 300, 7)],
      { kind: 'renew', contactAgoMs: 400, via: 'db3' },
    ],
    [
      'not expired yet (ask-ahead window): the relay renews before the expiry',
      { contactAgoMs: 2500, askedAgoMs: 50 },
      [relay('db1', 250, 7)],
      { kind: 'renew', contactAgoMs: 300, via: 'db3' },
    ],
    [
      'the freshest of two relays wins',
      { askedAgoMs: 100 },
      [relay('db1', 900, 7, 'db3'), relay('db1', 200, 7, 'db4')],
      { kind: 'renew', contactAgoMs: 300, via: 'db4' },
    ],
    ['relay from a newer epoch counts', {}, [relay('db1', 100, 8)], { kind: 'renew', contactAgoMs: 100, via: 'db3' }],
    [
      'no epoch known yet: any relay epoch counts',
      { epoch: null },
      [relay('db1', 100, 1)],
      { kind: 'renew', contactAgoMs: 100, via: 'db3' },
    ],
    [
      'stale relay (received a full lease ago): fence, the peers hear the monitor',
      {},
      [relay('db1', 3000, 7)],
      { kind: 'fence', message: fenceHeard },
    ],
    [
      'relay fresh at the peer but old once the question time is added: fence',
      { askedAgoMs: 600 },
      [relay('db1', 2500, 7)],
      { kind: 'fence', message: fenceHeard },
    ],
    [
      'relay from an older epoch (a superseded monitor): fence',
      {},
      [relay('db1', 100, 6)],
      { kind: 'fence', message: fenceHeard },
    ],
    ['relay for another host: fence', {}, [relay('db2', 100, 7)], { kind: 'fence', message: fenceHeard }],
    [
      'malformed relay age (negative): ignored, fence',
      {},
      [relay('db1', -5, 7)],
      { kind: 'fence', message: fenceHeard },
    ],
    [
      'relay older than the direct contact: nothing to renew, still in the lease',
      { contactAgoMs: 2100, askedAgoMs: 100 },
      [relay('db1', 2500, 7)],
      { kind: 'ok' },
    ],
    [
      'ask-ahead without any relay: wait for the expiry, no fence yet',
      { contactAgoMs: 2500 },
      [heard('db3', 200)],
      { kind: 'ok' },
    ],
    [
      'monitor down to everyone (no relay, peers silent): still holds',
      {},
      [heard('db2', 3400), heard('db3', null)],
      { kind: 'hold', message: 'lease held: monitor silent to all reachable agents (db2, db3)' },
    ],
    [
      'monitor down to everyone, an old relay from before it died: holds (the relay is too old to renew)',
      {},
      [relay('db1', 3400, 7, 'db3', 3400)],
      { kind: 'hold', message: 'lease held: monitor silent to all reachable agents (db3)' },
    ],
    [
      'isolated (no peer answers): still fences',
      {},
      [heard('db2', 'unreachable'), heard('db3', 'unreachable')],
      {
        kind: 'fence',
        message:
          'writer lease expired: no desired state from the monitor for 3.5 s (writer_lease 3.0 s); no peer agent answered (db2, db3)',
      },
    ],
    [
      'one peer relays, another cannot be reached: renew',
      {},
      [heard('db2', 'unreachable'), relay('db1', 400, 7)],
      { kind: 'renew', contactAgoMs: 400, via: 'db3' },
    ],
  ];
  it.each(table)('%s', (_name, over, peers, expected) => {
    expect(decideLease({ ...base, ...over, peers })).toMatchObject(expected);
  });

  it('the renew message names the peer and the age', () => {
    expect(decideLease({ ...base, peers: [relay('db1', 300, 7)] })).toEqual({
      kind: 'renew',
      contactAgoMs: 300,
      via: 'db3',
      message: 'lease renewed by relay: the monitor vouched for this writer through db3 0.3 s ago',
    });
  });

  it('a relay never renews a host that does not hold the writer, nor with the lease off', () => {
    expect(decideLease({ ...base, holdsWriter: false, peers: [relay('db1', 100, 7)] }).kind).toBe('ok');
    expect(decideLease({ ...base, enabled: false, peers: [relay('db1', 100, 7)] }).kind).toBe('ok');
  });
});

describe('askAheadMs', () => {
  it.each([
    [3000, 500, 200, 1000],
    [1000, 250, 200, 500],
    [30_000, 500, 200, 10_000],
  ])('lease %i ms, ask deadline %i, tick %i -> %i ms ahead', (lease, ask, tick, ahead) => {
    expect(askAheadMs(lease, ask, tick)).toBe(ahead);
  });
});
