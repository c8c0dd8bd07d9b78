import { describe, expect, it } from 'vitest';
import { WriterGate } from '../../../monitor/writer-gate.js';

const START = 1_000_000;

describe('WriterGate', () => {
  it('promotes at once when no other host may be an open writer', () => {
    const g = new WriterGate(START);
    g.answered('db1', 'pending-promote', START);
    g.answered('db2', 'none', START);
    expect(g.check('db1', START, 3, 1)).toEqual({ promote: true, presumedFenced: [] });
  });

  it('blocks while the old writer is open and reachable; allows once it answered fenced', () => {
    const g = new WriterGate(START);
    g.answered('db1', 'open', START);
    g.answered('db2', 'pending-promote', START);
    expect(g.check('db2', START + 1000, 3, 1)).toEqual({ promote: false, blockedBy: 'db1' });
    g.answered('db1', 'none', START + 100);
    expect(g.check('db2', START + 100, 3, 1)).toEqual({ promote: true, presumedFenced: [] });
  });

  it('a writer unknown at startup counts its lease from the first push, not from the process start', () => {
    const g = new WriterGate(START);
    g.unknown('db1');
    g.firstPush(START + 2500); // startup checks and status reads took 2.5 s
    expect(g.check('db2', START + 4000, 3, 1)).toEqual({ promote: false, blockedBy: 'db1' });
    expect(g.check('db2', START + 2500 + 3999, 3, 1)).toEqual({ promote: false, blockedBy: 'db1' });
    expect(g.check('db2', START + 2500 + 4000, 3, 1)).toEqual({ promote: true, presumedFenced: ['db1'] });
  });

  it('an unreachable old writer is presumed fenced only after writer_lease + lease_margin since last contact', () => {
    const g = new WriterGate(START);
    g.answered('db1', 'open', START + 500);
    expect(g.check('db2', START + 500 + 3999, 3, 1)).toEqual({ promote: false, blockedBy: 'db1' });
    expect(g.check('db2', START + 500 + 4000, 3, 1)).toEqual({ promote: true, presumedFenced: ['db1'] });
    g.promoted('db2', ['db1']);
    expect(g.maybeOpen()).toEqual(['db2']);
    expect(g.holding('db2')).toBe('open');
  });

  it('counts an unknown writer candidate from the monitor start, and never releases it with the lease off', () => {
    const g = new WriterGate(START);
    g.unknown('db1');
    expect(g.check('db2', START + 2499, 2, 0.5)).toEqual({ promote: false, blockedBy: 'db1' });
    expect(g.check('db2', START + 2500, 2, 0.5).promote).toBe(true);
    expect(g.check('db2', START + 10_000_000, 0, 1)).toEqual({ promote: false, blockedBy: 'db1' });
  });
});

describe('WriterGate with a lease relay', () => {
  const open = (): WriterGate => {
    const g = new WriterGate(START);
    g.answered('db1', 'open', START);
    g.answered('db2', 'pending-promote', START);
    return g;
  };

  it('a relayed host counts as open until lease + margin after the last relaying request ended', () => {
    const g = open();
    const id = g.relaySent('db1', START + 5000);
    g.relayEnded(id, START + 2000); // answered: the peer received it before this
    expect(g.lastAnswer('db1')).toBe(START);
    expect(g.lastContact('db1')).toBe(START + 2000);
    expect(g.check('db2', START + 5999, 3, 1)).toEqual({ promote: false, blockedBy: 'db1' });
    expect(g.check('db2', START + 6000, 3, 1)).toEqual({ promote: true, presumedFenced: ['db1'] });
  });

  it('a relaying request in flight counts until its deadline; a failed one until it failed', () => {
    const g = open();
    const a = g.relaySent('db1', START + 3000);
    expect(g.relayedUntil('db1')).toBe(START + 3000);
    expect(g.check('db2', START + 6999, 3, 1).promote).toBe(false);
    g.relayEnded(a, START + 2500); // a timeout or an error: the agent may still have received it
    expect(g.relayedUntil('db1')).toBe(START + 2500);
    expect(g.check('db2', START + 6499, 3, 1).promote).toBe(false);
    expect(g.check('db2', START + 6500, 3, 1).promote).toBe(true);
  });

  it('the latest relay of any agent counts, an earlier end never moves it back', () => {
    const g = open();
    const a = g.relaySent('db1', START + 9000);
    const b = g.relaySent('db1', START + 9000);
    g.relayEnded(b, START + 4000);
    g.relayEnded(a, START + 3000);
    g.relayEnded(a, START + 8000); // unknown id now: ignored
    expect(g.relayedUntil('db1')).toBe(START + 4000);
    expect(g.lastContact('db1')).toBe(START + 4000);
  });

  it('a direct answer later than the relay counts; a relay for another host does not', () => {
    const g = open();
    g.relayEnded(g.relaySent('db1', START + 9000), START + 1000);
    g.answered('db1', 'open', START + 1500);
    expect(g.lastContact('db1')).toBe(START + 1500);
    g.relayEnded(g.relaySent('db3', START + 9000), START + 7000);
    expect(g.check('db2', START + 5500, 3, 1)).toEqual({ promote: true, presumedFenced: ['db1'] });
    expect(g.relayedUntil('db2')).toBeUndefined();
  });

  it('a relayed host that answered fenced is not open any more', () => {
    const g = open();
    g.relayEnded(g.relaySent('db1', START + 9000), START + 1000);
    g.answered('db1', 'none', START + 1200);
    expect(g.check('db2', START + 1300, 3, 1)).toEqual({ promote: true, presumedFenced: [] });
  });
});
