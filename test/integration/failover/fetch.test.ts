// Issue 6, lab 68: an acknowledged write that only a replica has. Semi-sync is satisfied by any replica's
// acknowledgement, so a write can be acknowledged while the other master (the candidate) has not received
// it: here db2's IO thread is stopped, db1 commits a row (acknowledged by db3/db4) and crashes. The failover
// must fetch the row from db3 into db2 before opening it, so no acknowledged write is lost and db3/db4 can
// follow db2 (without the fetch they would hold a transaction db2 lacks and be taken out as unable to follow).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailoverCluster, until } from './cluster.js';

let c: FailoverCluster;

beforeAll(async () => {
  c = await FailoverCluster.start({ id: 68 });
}, 240_000);

afterAll(async () => {
  expect(await c.down()).toEqual([]);
}, 120_000);

const count = async (h: string, v: string): Promise<number> =>
  Number((await c.lab.sql(h, 'SELECT COUNT(*) AS n FROM app.t WHERE v = ?', { params: [v] }))[0]?.['n']);

describe('fetch before promotion (lab 68)', () => {
  it('db2 lacks a write db3 acknowledged; db1 crashes: db2 fetches it from db3, then opens', async () => {
    await c.lab.sql('db2', 'STOP SLAVE IO_THREAD');
    await c.lab.sql('db1', 'INSERT INTO app.t (v) VALUES (?)', { params: ['acked-by-a-replica'], user: 'app' });
    await until('db3 has the row', async () => ((await count('db3', 'acked-by-a-replica')) === 1 ? true : undefined));
    expect(await count('db2', 'acked-by-a-replica')).toBe(0);
    await c.lab.kill('db1');

    await until('writer VIP on db2', async () =>
      (await c.vipHolders(c.writerIp)).join() === 'db2' ? true : undefined,
    );
    const rec = await until('recovery done', () =>
      c.history.find((r) => r.kind === 'failover' && r.outcome === 'done'),
    );
    expect(rec.steps.find((s) => s.name === 'fetch')).toMatchObject({ host: 'db2', outcome: 'ok' });
    expect(rec.steps.find((s) => s.name === 'fetch')?.detail).toMatch(/^from db[34]: /);
    expect(await count('db2', 'acked-by-a-replica')).toBe(1);
    expect(await c.readOnly('db2')).toBe(0);
    for (const h of ['db3', 'db4']) {
      await until(`${h} follows db2`, async () => {
        const s = await c.sourceOf(h);
        return s?.source === 'db2' && s.io === 'Yes' && s.sql === 'Yes' ? true : undefined;
      });
    }
    await c.lab.sql('db2', 'INSERT INTO app.t (v) VALUES (?)', { params: ['after'], user: 'app' });
    await c.lab.sync({ from: 'db2', hosts: ['db3', 'db4'] });
    for (const h of ['db3', 'db4']) expect(c.state(h)).toBe('ONLINE');
  });
});
