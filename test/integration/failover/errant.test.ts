// Issue 6, lab 63: db1 (the writer) is cut off; its lease fences it and the monitor promotes db2. While cut
// off, db1 takes a write with read_only turned off by hand (an errant transaction). When its link comes back,
// db1 is compared with db2: it stays out of ONLINE, `show` and `checks` name the GTID, set_online refuses,
// nothing on it is overwritten and db2 never gets the row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailoverCluster, until } from './cluster.js';

let c: FailoverCluster;

beforeAll(async () => {
  c = await FailoverCluster.start({ id: 63 });
}, 240_000);

afterAll(async () => {
  await c.lab.heal('db1').catch(() => undefined);
  expect(await c.down()).toEqual([]);
}, 120_000);

describe('errant rejoin (lab 63)', () => {
  it('a returning db1 with an errant transaction is held out with the GTID shown', { timeout: 180_000 }, async () => {
    await c.lab.isolate('db1');
    await until(
      'writer VIP on db2',
      async () => ((await c.vipHolders(c.writerIp)).includes('db2') ? true : undefined),
      60_000,
    );
    await until('db1 fenced by its lease', async () => ((await c.readOnly('db1')) === 1 ? true : undefined), 30_000);
    // An operator (or a script) writes to the cut-off db1 directly.
    await c.lab.sql('db1', 'SET GLOBAL read_only = 0');
    await c.lab.sql('db1', "INSERT INTO app.t (v) VALUES ('errant')");
    await c.lab.sql('db1', 'SET GLOBAL read_only = 1');
    const [pos] = await c.lab.sql('db1', 'SELECT @@GLOBAL.gtid_binlog_pos AS p');
    const errant = String(pos?.['p']);
    await c.lab.heal('db1');
    const held = await until('db1 held out', () => c.monitor?.daemon.model.hosts['db1']?.heldOut, 60_000);
    expect(held.kind).toBe('errant');
    expect(held.gtids).toBe(errant);
    const show = await c.command('show');
    expect(show.text).toContain('# Host db1 is held out of ONLINE');
    expect(show.text).toContain(`Errant GTIDs: ${errant}.`);
    expect((await c.command('checks', 'db1')).text).toContain(`Errant GTIDs: ${errant}.`);
    await until('db1 out of HARD_OFFLINE', () => (c.state('db1') !== 'HARD_OFFLINE' ? true : undefined), 30_000);
    expect(c.state('db1')).not.toBe('ONLINE');
    expect((await c.command('set_online', 'db1')).exitCode).toBe(1);
    // Nothing overwritten on db1, nothing flowed into db2.
    const onDb1 = await c.lab.sql('db1', "SELECT COUNT(*) AS n FROM app.t WHERE v = 'errant'");
    expect(Number(onDb1[0]?.['n'])).toBe(1);
    const onDb2 = await c.lab.sql('db2', "SELECT COUNT(*) AS n FROM app.t WHERE v = 'errant'");
    expect(Number(onDb2[0]?.['n'])).toBe(0);
    expect(await c.readOnly('db2')).toBe(0);
  });
});
