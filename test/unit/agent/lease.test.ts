import { describe, expect, it } from 'vitest';
import { decideLease, type LeaseInput, type PeerAnswer } from '../../../agent/lease.js';

const base: LeaseInput = {
  enabled: true,
  leaseMs: 3000,
  holdsWriter: true,
  contactAgoMs: 3500,
  peerCheck: true,
  peers: undefined,
};

describe('decideLease', () => {
  it.each([
    ['disabled', { enabled: false }],
    ['not the writer', { holdsWriter: false }],
    ['in contact', { contactAgoMs: 2999 }],
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
