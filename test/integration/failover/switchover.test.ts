// Issue 6, lab 65: planned switchover `move_role writer db2` and back: MMM's answer text, the measured write
// pause in the --json data and in `history`, the old writer fenced and following the new one, the replicas
// repointed by GTID, the master-master back link restored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailoverCluster, until } from './cluster.js';

let c: FailoverCluster;

beforeAll(async () => {
  c = await FailoverCluster.start({ id: 65 });
}, 240_000);

afterAll(async () => {
  expect(await c.down()).toEqual([]);
}, 120_000);

async function switchTo(to: 'db1' | 'db2', from: 'db1' | 'db2'): Promise<number> {
  const r = await c.command('move_role', 'writer', to);
  expect(r.text).toBe(
    `OK: Role 'writer' has been moved from '${from}' to '${to}'. Now you can wait some time and check new roles info!`,
  );
  const data = r.data as { writePauseMs: number; recovery: { id: string; outcome: string } };
  expect(data.recovery.outcome).toBe('done');
  expect(data.writePauseMs).toBeGreaterThanOrEqual(0);
  expect((await c.vipHolders(c.writerIp)).join()).toBe(to);
  expect(await c.readOnly(to)).toBe(0);
  expect(await c.readOnly(from)).toBe(1);
  for (const h of ['db3', 'db4', from]) {
    await until(`${h} follows ${to}`, async () => {
      const s = await c.sourceOf(h);
      return s?.source === to && s.io === 'Yes' && s.sql === 'Yes' ? true : undefined;
    });
  }
  await until(`back link ${to} <- ${from}`, async () => {
    const s = await c.sourceOf(to);
    return s?.source === from && s.io === 'Yes' && s.sql === 'Yes' ? true : undefined;
  });
  const hist = await c.command('history', '1');
  expect(hist.text).toContain(`${data.recovery.id}: switchover ${from} -> ${to} DONE`);
  expect(hist.text).toContain(`write pause ${data.writePauseMs} ms`);
  await c.lab.sql(to, 'INSERT INTO app.t (v) VALUES (?)', { params: [`on-${to}`], user: 'app' });
  await c.lab.sync({ from: to, hosts: ['db3', 'db4', from] });
  return data.writePauseMs;
}

describe('switchover (lab 65)', () => {
  it('move_role writer db2 and back', async () => {
    const there = await switchTo('db2', 'db1');
    await until('db1 ONLINE again', () => (c.state('db1') === 'ONLINE' ? true : undefined));
    const back = await switchTo('db1', 'db2');
    process.stderr.write(`switchover write pause: db1->db2 ${there} ms, db2->db1 ${back} ms\n`);
  });

  it('refuses a target that is not ONLINE with MMM text, changes nothing', async () => {
    await c.command('set_offline', 'db2');
    const r = await c.command('move_role', 'writer', 'db2');
    expect(r.text).toBe("ERROR: Can't move role to host with state ADMIN_OFFLINE.");
    expect((await c.vipHolders(c.writerIp)).join()).toBe('db1');
    await c.command('set_online', 'db2');
  });
});
