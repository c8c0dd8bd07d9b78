// Issue 6, lab 64: catch-up timeout. db2's applier is blocked by a table lock while db1 takes writes, then
// db1 is killed: with catchup_policy abort nothing is promoted, the writer role stays orphaned and `show`
// says why and what to run; after the lock is gone, `failover_ack` retries and db2 takes over with every
// row. Then db1's applier is stopped while db2 takes writes and db2 is killed: anti-flap holds the second
// automatic failover until `failover_ack --promote`, which promotes db1 although it could not apply
// everything, and records exactly which transactions may be missing.
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailoverCluster, until } from './cluster.js';

let c: FailoverCluster;

beforeAll(async () => {
  c = await FailoverCluster.start({ id: 64, monitor: ['  catchup_timeout: 2', '  anti_flap_window: 3600'] });
}, 240_000);

afterAll(async () => {
  expect(await c.down()).toEqual([]);
}, 120_000);

/** A session of labadmin on `host` holding LOCK TABLES app.t WRITE (the applier waits for it). */
async function lockOn(host: string): Promise<Connection> {
  const admin = c.lab.users.labadmin;
  const conn = await createConnection({ host: c.lab.host(host).ip, user: admin.user, password: admin.password });
  conn.on('error', () => undefined);
  await conn.query('LOCK TABLES app.t WRITE');
  return conn;
}

async function writeOn(host: string, n: number, tag: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    await c.lab.sql(host, 'INSERT INTO app.t (v) VALUES (?)', { params: [`${tag}-${i}`], user: 'app' });
  }
}

describe('catch-up timeout (lab 64)', () => {
  it('policy abort: no promotion, a clear blocked state; failover_ack retries once the candidate can apply', async () => {
    const lock = await lockOn('db2');
    await writeOn('db1', 20, 'a');
    await c.lab.kill('db1');
    const rec = await until('blocked recovery', () => c.history.find((r) => r.outcome === 'blocked'));
    expect(rec.reason).toMatch(/^catch-up on db2 failed: .*relay log not applied within 2000 ms/);
    expect(await c.vipHolders(c.writerIp)).toEqual([]);
    expect(await c.readOnly('db2')).toBe(1);
    const show = await c.command('show');
    expect(show.text).toContain('# Failover blocked (catchup-timeout)');
    expect(show.text).toContain("run 'mmm_control failover_ack'");
    expect((await c.command('failover_plan')).text).toContain('BLOCKED: failover blocked (catchup-timeout)');
    await lock.query('UNLOCK TABLES');
    await lock.end();
    expect((await c.command('failover_ack')).text).toBe('OK: Acknowledged. The failover is retried at the next check.');
    await until('writer VIP on db2', async () =>
      (await c.vipHolders(c.writerIp)).join() === 'db2' ? true : undefined,
    );
    const rows = await c.lab.sql('db2', "SELECT COUNT(*) AS n FROM app.t WHERE v LIKE 'a-%'");
    expect(Number(rows[0]?.['n'])).toBe(20);
  });

  it('policy promote (failover_ack --promote) after anti-flap: promoted, possibly missing transactions recorded', async () => {
    await c.lab.restartDb('db1');
    await until('db1 AWAITING_RECOVERY', () => (c.state('db1') === 'AWAITING_RECOVERY' ? true : undefined));
    await until('set_online db1', async () => {
      const r = await c.command('set_online', 'db1');
      return r.exitCode === 0 ? r : undefined;
    });
    await until('db1 ONLINE', () => (c.state('db1') === 'ONLINE' ? true : undefined));
    await c.lab.sync({ from: 'db2', hosts: ['db1'] });
    // The candidate's applier is stopped (no error): catch-up cannot finish; policy promote goes on anyway.
    await c.lab.sql('db1', 'STOP SLAVE SQL_THREAD');
    await writeOn('db2', 20, 'b');
    await c.lab.kill('db2');
    await until('anti-flap block', () =>
      c.monitor?.daemon.model.failover?.blocked?.kind === 'anti-flap' ? true : undefined,
    );
    expect((await c.command('show')).text).toContain('# Failover blocked (anti-flap)');
    expect((await c.command('failover_ack', '--promote')).text).toBe(
      'OK: Acknowledged. The failover is retried at the next check. It promotes even if catch-up times out.',
    );
    await until('writer VIP on db1', async () =>
      (await c.vipHolders(c.writerIp)).join() === 'db1' ? true : undefined,
    );
    const rec = c.history.at(-1);
    // db2's agent already fenced it through its desired state while the failover was held, so nothing is left to fence.
    expect(rec).toMatchObject({ kind: 'failover', to: 'db1', outcome: 'done' });
    expect(rec?.missing).toMatch(/^after 0-\d+-\d+ up to 0-2-\d+/);
    expect((await c.command('history', '1')).text).toContain(`possibly missing on db1: ${rec?.missing ?? ''}`);
  });
});
