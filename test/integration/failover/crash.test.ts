// Issue 6, lab 60: kill -9 of the writer's mysqld under continuous writes through the writer VIP → the writer
// moves to db2 (fenced, caught up, promoted with replication from db1 cut, db3/db4 repointed by GTID); db1
// restarted without errant transactions rejoins as a replica of db2 and goes ONLINE by set_online.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailoverCluster, until } from './cluster.js';

let c: FailoverCluster;

beforeAll(async () => {
  c = await FailoverCluster.start({ id: 60 });
}, 240_000);

afterAll(async () => {
  expect(await c.down()).toEqual([]);
}, 120_000);

describe('crash failover (lab 60)', () => {
  it('kill -9 db1: writer on db2, replicas follow db2, recovery recorded', async () => {
    await c.lab.sql('db1', 'INSERT INTO app.t (v) VALUES (?)', { params: ['before'], user: 'app' });
    await c.lab.kill('db1');
    await until('writer VIP on db2', async () =>
      (await c.vipHolders(c.writerIp)).join() === 'db2' ? true : undefined,
    );
    expect(await c.readOnly('db2')).toBe(0);
    const rec = await until('recovery done', () =>
      c.history.find((r) => r.kind === 'failover' && r.outcome === 'done'),
    );
    expect(rec).toMatchObject({ from: ['db1'], to: 'db2', fencedBy: [{ host: 'db1', by: 'agent-vip-only' }] });
    for (const h of ['db3', 'db4']) {
      expect(await c.sourceOf(h)).toEqual({ source: 'db2', io: 'Yes', sql: 'Yes' });
    }
    expect(await c.sourceOf('db2')).toMatchObject({ source: 'db1', io: 'No', sql: 'No' });
    await c.lab.sql('db2', 'INSERT INTO app.t (v) VALUES (?)', { params: ['after'], user: 'app' });
    await c.lab.sync({ from: 'db2', hosts: ['db3', 'db4'] });
    const show = await c.command('show');
    expect(show.text).toContain('db2(');
    expect(show.text).toMatch(/db1\(\S+\) master\/HARD_OFFLINE\. Roles: \n/);
  });

  it('db1 restarted without errant transactions: replica of db2, back link restored, ONLINE after set_online', async () => {
    await c.lab.restartDb('db1');
    await until('db1 AWAITING_RECOVERY', () => (c.state('db1') === 'AWAITING_RECOVERY' ? true : undefined));
    await until('back link db2 <- db1', async () => {
      const s = await c.sourceOf('db2');
      return s?.source === 'db1' && s.io === 'Yes' && s.sql === 'Yes' ? true : undefined;
    });
    expect(await c.sourceOf('db1')).toEqual({ source: 'db2', io: 'Yes', sql: 'Yes' });
    await until('set_online db1', async () => {
      const r = await c.command('set_online', 'db1');
      return r.exitCode === 0 ? r : undefined;
    });
    await until('db1 ONLINE', () => (c.state('db1') === 'ONLINE' ? true : undefined));
    expect(c.monitor?.daemon.model.hosts['db1']?.heldOut).toBeUndefined();
    await c.lab.sync({ from: 'db2', hosts: ['db1', 'db3', 'db4'] });
  });
});
