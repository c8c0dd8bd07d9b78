// Issue 6, lab 61: SIGSTOP of the writer's mysqld with a write in flight, SIGCONT after the failover. The
// monitor fails over to db2 (its agent removed db1's VIP; read_only could not be set on the frozen server), the
// promotion cut db2's replication from db1, and db1's agent fences the resumed server before it takes any new
// write. The in-flight insert may commit as db1 resumes: then it is an errant transaction on db1, not on db2,
// and db1 is held out of ONLINE with the GTIDs shown.
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailoverCluster, until } from './cluster.js';

let c: FailoverCluster;

beforeAll(async () => {
  c = await FailoverCluster.start({ id: 61 });
}, 240_000);

afterAll(async () => {
  expect(await c.down()).toEqual([]);
}, 120_000);

describe('frozen writer (lab 61)', () => {
  it(
    'fails over from a frozen db1; the resumed db1 is fenced before any new write; an in-flight write is errant',
    {
      timeout: 180_000,
    },
    async () => {
      const app = c.lab.users.app;
      const conn = await createConnection({
        host: c.writerIp,
        user: app.user,
        password: app.password,
        connectTimeout: 2000,
      });
      conn.on('error', () => undefined);
      await conn.query('SELECT 1');
      await c.lab.stop('db1');
      const inflight = conn.query('INSERT INTO app.t (v) VALUES (?)', ['inflight']).then(
        () => 'acked',
        (e: unknown) => `failed: ${String(e)}`,
      );
      await until('writer VIP on db2 only', async () =>
        (await c.vipHolders(c.writerIp)).join() === 'db2' ? true : undefined,
      );
      const rec = await until('failover done', () =>
        c.history.find((r) => r.kind === 'failover' && r.outcome === 'done'),
      );
      expect(rec.from).toEqual(['db1']);
      expect(['agent-vip-only', 'lease']).toContain(rec.fencedBy[0]?.by);
      expect(await c.readOnly('db2')).toBe(0);
      expect(await c.sourceOf('db2')).toMatchObject({ source: 'db1', sql: 'No' }); // applier stopped at once

      // Resume db1 and try new writes straight at its address (not through the VIP) at once, for 2 s.
      await c.lab.cont('db1');
      const accepted: number[] = [];
      const deadline = Date.now() + 2000;
      for (let i = 0; Date.now() < deadline; i++) {
        try {
          await c.lab.sql('db1', 'INSERT INTO app.t (v) VALUES (?)', {
            params: [`new-${i}`],
            user: 'app',
            timeoutMs: 1000,
          });
          accepted.push(i);
        } catch {
          // read-only (1290) or not answering yet: refused, as it must be
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(accepted).toEqual([]);
      expect(await c.readOnly('db1')).toBe(1);
      conn.destroy();
      const outcome = await Promise.race([inflight, new Promise<string>((r) => setTimeout(r, 5000, 'no answer'))]);

      const onDb1 = await c.lab.sql('db1', "SELECT COUNT(*) AS n FROM app.t WHERE v = 'inflight'");
      const committed = Number(onDb1[0]?.['n']) === 1;
      const onDb2 = await c.lab.sql('db2', "SELECT COUNT(*) AS n FROM app.t WHERE v = 'inflight'");
      if (committed) {
        // It must not have flowed into the new writer, and db1 is held out with the GTID shown.
        expect(Number(onDb2[0]?.['n'])).toBe(0);
        const held = await until('db1 held out', () => c.monitor?.daemon.model.hosts['db1']?.heldOut);
        expect(held.kind).toBe('errant');
        expect(held.gtids).toMatch(/^0-1-\d+$/);
        const show = await c.command('show');
        expect(show.text).toContain(`# Host db1 is held out of ONLINE`);
        expect(show.text).toContain(`Errant GTIDs: ${held.gtids}`);
        expect((await c.command('checks', 'db1')).text).toContain(held.gtids);
        await until('db1 out of HARD_OFFLINE', () => (c.state('db1') !== 'HARD_OFFLINE' ? true : undefined));
        expect(c.state('db1')).not.toBe('ONLINE');
        const r = await c.command('set_online', 'db1');
        expect(r.text).toMatch(/^ERROR: Host 'db1' (is held out|is 'REPLICATION_FAIL')/);
        expect(await c.sourceOf('db2')).toMatchObject({ sql: 'No' }); // the back link stays cut
      } else {
        expect(outcome).not.toBe('acked');
      }
      process.stderr.write(
        `in-flight insert on the frozen writer: ${outcome}; committed on db1: ${String(committed)}\n`,
      );
    },
  );
});
