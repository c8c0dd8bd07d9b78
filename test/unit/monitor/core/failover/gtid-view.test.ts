import { describe, expect, it } from 'vitest';
import { errantGtids, unappliedGtids } from '../../../../../monitor/core/failover/gtid-view.js';
import { facts, rep } from './facts-fixtures.js';

describe('errantGtids', () => {
  it('finds what the returning host binlogged that the writer lacks (lab-facts §4)', () => {
    const db1 = facts({ serverId: 1, binlogState: '0-1-2,0-2-3' });
    const db2 = facts({ serverId: 2, binlogState: '0-1-1,0-2-3' });
    expect(errantGtids(db1, db2)).toBe('0-1-2');
    expect(errantGtids(db2, db1)).toBe('');
  });

  it("ignores the writer's own server id (a replica read later may be ahead of the writer's view)", () => {
    expect(errantGtids(facts({ binlogState: '0-2-9' }), facts({ serverId: 2, binlogState: '0-2-5' }))).toBe('');
  });

  it('is unknown for unreadable text or mixed flavors; exact sets on MySQL', () => {
    expect(errantGtids(facts({ binlogState: 'x' }), facts())).toBeUndefined();
    expect(errantGtids(facts({ flavor: 'mysql' }), facts())).toBeUndefined();
    const u = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
    expect(
      errantGtids(
        facts({ flavor: 'mysql', binlogState: `${u}:1-7` }),
        facts({ flavor: 'mysql', binlogState: `${u}:1-5` }),
      ),
    ).toBe(`${u}:6-7`);
    expect(errantGtids(facts({ flavor: 'mysql', binlogState: 'bad' }), facts({ flavor: 'mysql' }))).toBeUndefined();
  });
});

describe('unappliedGtids', () => {
  it('says per domain what was received but not applied', () => {
    const f = facts({ binlogPos: '0-1-10', replication: rep({ received: '0-1-15,1-1-3', executed: '0-1-10,1-1-3' }) });
    expect(unappliedGtids(f)).toBe('after 0-1-10 up to 0-1-15');
    expect(unappliedGtids(facts({ binlogPos: '', replication: rep({ received: '2-1-4' }) }))).toBe(
      'after 2-?-0 up to 2-1-4',
    );
    expect(unappliedGtids(facts())).toBe('');
    expect(unappliedGtids(facts({ replication: rep({ received: 'x', executed: 'y' }) }))).toBe('after y up to x');
  });

  it('gives the exact set on MySQL', () => {
    const u = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
    const f = facts({ flavor: 'mysql', binlogPos: `${u}:1-5`, replication: rep({ received: `${u}:1-8` }) });
    expect(unappliedGtids(f)).toBe(`${u}:6-8`);
    expect(unappliedGtids(facts({ flavor: 'mysql', replication: rep({ received: 'bad', executed: 'e' }) }))).toBe(
      'received bad, executed e',
    );
  });
});
