// Issue 6, lab 62: the writer's host is cut off (its link down) and its agent and mysqld are killed: nothing
// answers for db1. The fence cannot reach its agent, so the monitor promotes db2 once db1's writer lease has
// certainly run out (writer_lease + lease_margin), records that, and no step blocks behind the dead host:
// `show` answers during the wait and says what the recovery waits for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailoverCluster, until } from './cluster.js';

let c: FailoverCluster;

beforeAll(async () => {
  c = await FailoverCluster.start({ id: 62 });
}, 240_000);

afterAll(async () => {
  await c.lab.heal('db1').catch(() => undefined);
  expect(await c.down()).toEqual([]);
}, 120_000);

describe('isolated writer, agent and mysqld dead (lab 62)', () => {
  it('promotes db2 after the lease of db1 is certainly over; show answers meanwhile', async () => {
    await c.lab.isolate('db1');
    const agent = c.agents.get('db1');
    if (agent !== undefined) process.kill(agent.pid, 'SIGKILL');
    await c.lab.kill('db1');
    const t0 = Date.now();
    let sawProgress = false;
    let slowestShowMs = 0;
    await until(
      'writer VIP on db2',
      async () => {
        const started = Date.now();
        const show = await c.command('show');
        slowestShowMs = Math.max(slowestShowMs, Date.now() - started);
        if (show.text.includes('# Failover in progress: fencing db1')) sawProgress = true;
        // db1 keeps its addresses while cut off (nobody is left there to drop them): only db2 counts.
        return (await c.vipHolders(c.writerIp)).includes('db2') ? true : undefined;
      },
      60_000,
    );
    const rec = await until('failover done', () =>
      c.history.find((r) => r.kind === 'failover' && r.outcome === 'done'),
    );
    expect(rec.fencedBy).toEqual([{ host: 'db1', by: 'lease' }]);
    expect(rec.steps.find((s) => s.name === 'lease-wait')?.outcome).toBe('ok');
    expect(sawProgress).toBe(true);
    // Generous bounds (a loaded machine): the lease is 3 s + 1 s margin; show never waited for the recovery.
    expect(slowestShowMs).toBeLessThan(3000);
    expect(Date.now() - t0).toBeLessThan(40_000);
    expect(await c.readOnly('db2')).toBe(0);
    for (const h of ['db3', 'db4']) {
      await until(`${h} follows db2`, async () => {
        const s = await c.sourceOf(h);
        return s?.source === 'db2' && s.io === 'Yes' && s.sql === 'Yes' ? true : undefined;
      });
    }
    process.stderr.write(
      `lease-path failover: VIP on db2 ${Date.now() - t0} ms after the fault, recovery ${rec.durationMs} ms\n`,
    );
  });
});
