import { describe, expect, it } from 'vitest';
import { rankWriterCandidates } from '../../../../../monitor/core/failover/candidates.js';
import { model, role, seedConfig, WRITER_IP } from '../fixtures.js';
import { facts, rep } from './facts-fixtures.js';

const writer = role('writer', 'exclusive', ['db1', 'db2', 'db3'], [WRITER_IP]);
const config = seedConfig();
const all = model(config, { hosts: { db1: { state: 'HARD_OFFLINE' } } });

const replica = (id: number, received: string, o: Parameters<typeof rep>[0] = {}) =>
  facts({
    serverId: id,
    binlogPos: '0-1-10',
    binlogState: '0-1-10',
    replication: rep({ received, executed: '0-1-10', ...o }),
  });

describe('rankWriterCandidates', () => {
  it('ranks the most advanced received state first and excludes hosts that lack transactions', () => {
    const r = rankWriterCandidates(writer, all, { db2: replica(2, '0-1-20'), db3: replica(3, '0-1-25') });
    expect(r.ranked).toEqual(['db3']);
    expect(r.excluded).toEqual([
      { host: 'db1', reason: 'it is HARD_OFFLINE' },
      { host: 'db2', reason: 'lacks transactions db3 has (0-1-25)' },
    ]);
    expect(r.reason).toBe('');
  });

  it('breaks ties by prefer, then by the role host order', () => {
    const f = { db2: replica(2, '0-1-20'), db3: replica(3, '0-1-20') };
    expect(rankWriterCandidates(writer, all, f).ranked).toEqual(['db2', 'db3']);
    expect(rankWriterCandidates({ ...writer, prefer: 'db3' }, all, f).ranked).toEqual(['db3', 'db2']);
  });

  it('counts what a host binlogged itself as well as what it received', () => {
    const f = {
      db2: facts({ serverId: 2, binlogPos: '0-1-30', replication: rep({ received: '0-1-10' }) }),
      db3: replica(3, '0-1-20'),
    };
    expect(rankWriterCandidates(writer, all, f).ranked).toEqual(['db2']);
  });

  it('never picks a host with an SQL error unless forced, nor one without facts, held out or unreachable', () => {
    const broken = replica(2, '0-1-20', { sqlRunning: false, lastSqlErrno: 1062, lastSqlError: 'Duplicate entry' });
    expect(rankWriterCandidates(writer, all, { db2: broken }).excluded[1]).toEqual({
      host: 'db2',
      reason: 'its replication is broken by an SQL error (1062: Duplicate entry)',
    });
    expect(rankWriterCandidates(writer, all, { db2: broken }, { force: 'db2' }).ranked).toEqual(['db2']);
    const m = model(config, {
      hosts: {
        db1: { state: 'HARD_OFFLINE' },
        db2: { heldOut: { kind: 'errant', reason: 'errant 0-2-3', gtids: '0-2-3', since: 0 } },
        db3: { agentReachable: false },
      },
    });
    const r = rankWriterCandidates(writer, m, { db2: replica(2, '0-1-20'), db3: replica(3, '0-1-20') });
    expect(r.ranked).toEqual([]);
    expect(r.reason).toBe(
      'no eligible host: db1 (it is HARD_OFFLINE); db2 (it is held out: errant 0-2-3); db3 (its agent is not reachable)',
    );
    expect(rankWriterCandidates(writer, all, {}).excluded[1]?.reason).toMatch(/no fresh facts/);
  });

  it('refuses when the candidates diverged', () => {
    const f = { db2: replica(2, '0-1-20'), db3: replica(3, '0-3-20') };
    const r = rankWriterCandidates(writer, all, f);
    expect(r.ranked).toEqual([]);
    expect(r.reason).toMatch(/diverged.*db2, db3/);
  });

  it('excludes the writer being replaced and a host whose GTID text cannot be read', () => {
    const r = rankWriterCandidates(
      writer,
      model(config),
      { db1: replica(1, '0-1-20'), db2: replica(2, 'garbage') },
      { exclude: ['db1'] },
    );
    expect(r.excluded.slice(0, 2)).toEqual([
      { host: 'db1', reason: 'it is the writer being replaced' },
      { host: 'db2', reason: 'its GTID state could not be read' },
    ]);
  });

  it('compares MySQL GTID sets exactly', () => {
    const u = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
    const my = (id: number, set: string) =>
      facts({ flavor: 'mysql', serverId: id, binlogPos: set, binlogState: set, replication: rep({ received: set }) });
    const r = rankWriterCandidates(writer, all, { db2: my(2, `${u}:1-10`), db3: my(3, `${u}:1-12`) });
    expect(r.ranked).toEqual(['db3']);
    expect(r.excluded[1]?.reason).toBe(`lacks transactions db3 has (${u}:11-12)`);
  });
});
