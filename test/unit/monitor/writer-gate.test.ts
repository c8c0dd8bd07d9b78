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
