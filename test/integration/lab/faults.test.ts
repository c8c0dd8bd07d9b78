// Faults on the writer db1 of a 4-host lab (id 11) and what the replicas show, as measured in lab-facts §4:
// a crash is noticed at once (Connecting, errno 2003), a hang or a network cut only after slave_net_timeout.
// slave_net_timeout is 3 s here so the slow cases stay short. Every test leaves the lab healthy again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../lab/index.js';
import { query } from '../../lab/db.js';
import { appInsert, ioIs, waitReplicas } from './support.js';

const ID = 11;
const NET_TIMEOUT_S = 3;
/** Generous bound for "noticed after slave_net_timeout": the timeout, one heartbeat, and slack for load. */
const NOTICE_BOUND_MS = (NET_TIMEOUT_S + 3) * 1000;
const REPLICAS = ['db2', 'db3', 'db4'];

describe('lab faults (on db1)', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await Lab.up({ id: ID, slaveNetTimeout: NET_TIMEOUT_S });
  });

  afterAll(async () => {
    await Lab.down(ID);
  });

  const monitorSees = (host: string): Promise<boolean> =>
    lab
      .sql(host, 'SELECT 1', { user: 'mmm_monitor', timeoutMs: 800 })
      .then(() => true)
      .catch(() => false);

  async function expectRecovered(): Promise<void> {
    await lab.waitHealthy({ timeoutMs: 20_000 });
    const id = await appInsert(lab, 'db1', `after-${Date.now()}`);
    await lab.sync();
    for (const h of REPLICAS)
      expect(await lab.sql(h, 'SELECT id FROM app.t WHERE id = ?', { params: [id] })).toHaveLength(1);
  }

  it('kill: replicas show Connecting within a second; restart-db brings db1 back read-only and replicating', async () => {
    const written = await appInsert(lab, 'db1', 'before-kill');
    await lab.sync();
    const pid = await lab.kill('db1');
    const since = Date.now();
    expect(await lab.mysqldPid('db1')).toBeUndefined();
    const seen = await waitReplicas(lab, REPLICAS, ioIs('Connecting'), { since, timeoutMs: 5_000 });
    expect(seen.ms).toBeLessThan(1_000);
    for (const s of Object.values(seen.status)) {
      expect(s).toMatchObject({ sqlRunning: 'Yes', lagSeconds: null });
      expect([0, 2003, 2013]).toContain(s?.lastIoErrno);
    }
    const [db1] = await lab.status();
    expect(db1).toMatchObject({ host: 'db1', process: 'down', reachable: false });

    const newPid = await lab.restartDb('db1');
    expect(newPid).not.toBe(pid);
    expect(await lab.sql('db1', 'SELECT @@read_only AS ro')).toEqual([{ ro: 1 }]);
    await lab.waitHealthy({ timeoutMs: 20_000 });
    expect(await lab.sql('db1', 'SELECT v FROM app.t WHERE id = ?', { params: [written] })).toEqual([
      { v: 'before-kill' },
    ]);
    await lab.sql('db1', 'SET GLOBAL read_only = 0');
    await expectRecovered();
  });

  /**
   * A silent fault (hang, cut link, dropped packets): the monitor loses db1 at once, the replicas notice
   * only after slave_net_timeout; `during` checks more while the fault is in place; `undo` must recover.
   */
  async function silentFault(
    inject: () => Promise<unknown>,
    undo: () => Promise<unknown>,
    during: () => Promise<void>,
  ) {
    await inject();
    const since = Date.now();
    try {
      const first = await waitReplicas(lab, REPLICAS, () => true, { since, timeoutMs: 2_000 });
      for (const s of Object.values(first.status)) expect(s?.ioRunning).toBe('Yes');
      expect(await monitorSees('db1')).toBe(false);
      const seen = await waitReplicas(lab, REPLICAS, ioIs('Connecting'), { since, timeoutMs: NOTICE_BOUND_MS + 5_000 });
      expect(seen.ms).toBeLessThan(NOTICE_BOUND_MS);
      expect(seen.ms).toBeGreaterThan(1_000);
      await during();
    } finally {
      await undo();
    }
    await expectRecovered();
  }

  it('stop: replicas keep showing Yes, then notice within slave_net_timeout; cont recovers', async () => {
    await silentFault(
      () => lab.stop('db1'),
      () => lab.cont('db1'),
      async () => {
        expect((await lab.status())[0]).toMatchObject({ process: 'stopped', reachable: false });
      },
    );
  });

  it('isolate: the host is cut off the bridge (socket still answers); replicas notice; heal recovers', async () => {
    await silentFault(
      () => lab.isolate('db1'),
      () => lab.heal('db1'),
      async () => {
        expect(await lab.sql('db1', 'SELECT @@hostname AS h')).toEqual([{ h: 'db1' }]);
        const [db1] = await lab.status();
        expect(db1).toMatchObject({ process: 'running', reachable: false, hostname: 'db1' });
      },
    );
  });

  it('drop: all traffic of db1 dropped; replicas notice; undrop recovers', async () => {
    await silentFault(
      () => lab.drop('db1'),
      () => lab.undrop('db1'),
      async () => {
        await expect(lab.exec('db3', ['fping', '-c1', '-t300', '-q', lab.host('db1').ip])).rejects.toThrow(/100%/);
      },
    );
  });

  it('drop for one peer: only the monitor (root namespace) loses db1, replication goes on', async () => {
    await lab.drop('db1', { peer: lab.bridgeIp });
    try {
      expect(await monitorSees('db1')).toBe(false);
      expect(await monitorSees('db2')).toBe(true);
      // db3 still reaches db1 directly
      const fromDb3 = await lab.exec('db3', ['fping', '-c1', '-t500', '-q', lab.host('db1').ip]);
      expect(fromDb3.stderr).toContain('1/1/0%');
      await new Promise((r) => setTimeout(r, (NET_TIMEOUT_S + 1) * 1000));
      await lab.sql('db1', "INSERT INTO app.t (v) VALUES ('during-peer-drop')"); // over the socket
      await lab.sync();
      for (const h of REPLICAS) {
        expect(await lab.sql(h, "SELECT id FROM app.t WHERE v = 'during-peer-drop'")).toHaveLength(1);
      }
      const seen = await waitReplicas(lab, REPLICAS, ioIs('Yes'), { since: Date.now(), timeoutMs: 1_000 });
      expect(Object.keys(seen.status)).toEqual(REPLICAS);
    } finally {
      await lab.undrop('db1', { peer: lab.bridgeIp });
    }
    expect(await monitorSees('db1')).toBe(true);
    await expectRecovered();
  });

  it('checks every fault argument and refuses faults on a stopped server clearly', async () => {
    await expect(lab.kill('db9')).rejects.toThrow(/expected one of db1\.\.db4, got 'db9'/);
    await expect(lab.drop('db1', { peer: 'nonsense' })).rejects.toThrow(/expected an IPv4 address/);
    await lab.kill('db4');
    await expect(lab.kill('db4')).rejects.toThrow(/db4: mariadbd is not running/);
    await lab.restartDb('db4');
    await expect(
      query({ kind: 'tcp', ip: lab.host('db4').ip, user: 'mmm_monitor' }, 'SELECT 1 AS one'),
    ).resolves.toEqual([{ one: 1 }]);
    await expectRecovered();
  });
});
