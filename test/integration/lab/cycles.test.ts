// Lifecycle of lab id 12: ten up/down cycles with varied topologies and a fault left in place at teardown,
// `up` over a half-built or still-running lab, and the per-id lock.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Lab, bridgeName, hostDir, lockPath, nsName, vethName, type LabOptions } from '../../lab/index.js';
import { query } from '../../lab/db.js';
import { run } from '../../lab/proc.js';
import { appInsert, expectNoLeftovers } from './support.js';

const ID = 12;

/** A fault (or other mess) left in place when the lab is torn down. */
type Mess = (lab: Lab) => Promise<unknown>;

const messes: readonly (readonly [string, Partial<LabOptions>, Mess])[] = [
  ['nothing', { hosts: 4 }, () => Promise.resolve()],
  ['writer killed', { hosts: 2 }, (lab) => lab.kill('db1')],
  ['writer frozen', { hosts: 3, masterMaster: false }, (lab) => lab.stop('db1')],
  ['replica isolated with open connections', { hosts: 4 }, isolateWithConnections],
  ['traffic dropped, then killed', { hosts: 3 }, async (lab) => lab.drop('db2').then(() => lab.kill('db2'))],
  ['replica restarted', { hosts: 5, semiSync: true }, (lab) => lab.restartDb('db3')],
  ['processes left running in a host', { hosts: 2 }, leaveProcesses],
  ['VIP bound and in use', { hosts: 3 }, vipInUse],
  ['frozen and isolated', { hosts: 4, semiSync: true }, async (lab) => lab.stop('db2').then(() => lab.isolate('db2'))],
  ['single host', { hosts: 1 }, (lab) => lab.kill('db1')],
];

async function isolateWithConnections(lab: Lab): Promise<void> {
  // Connections that were open when the link went down leave orphaned sockets (FIN retransmits) that
  // keep a namespace alive after `ip netns del`; the next up must not trip over them.
  const pending = [1, 2, 3].map(() => lab.sql('db3', 'SELECT SLEEP(20)', { user: 'app', timeoutMs: 5_000 }));
  for (const p of pending) p.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 100));
  await lab.isolate('db3');
}

async function leaveProcesses(lab: Lab): Promise<void> {
  lab.spawn('db1', ['sleep', '300']);
  lab.spawn('db2', ['sh', '-c', 'sleep 300 & sleep 300']);
  await new Promise((r) => setTimeout(r, 100));
}

async function vipInUse(lab: Lab): Promise<void> {
  const vip = lab.vip(3);
  await lab.exec('db1', ['ip', 'addr', 'add', `${vip}/32`, 'dev', 'eth0']);
  const held = query({ kind: 'tcp', ip: vip, user: 'app' }, 'SELECT SLEEP(20)', { timeoutMs: 5_000 });
  held.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 100));
}

describe('lab lifecycle (id 12)', () => {
  afterAll(async () => {
    await Lab.down(ID, { force: true });
  });

  it('survives 10 consecutive up/down cycles with faults in place, leaking nothing', async () => {
    for (const [i, [what, opts, mess]] of messes.entries()) {
      const lab = await Lab.up({ id: ID, ...opts });
      const status = await lab.waitHealthy();
      expect(status, `cycle ${i} (${what})`).toHaveLength(opts.hosts ?? 4);
      if (lab.hosts.length > 1) {
        const id = await appInsert(lab, 'db1', `cycle-${i}`);
        await lab.sync();
        for (const h of lab.hosts) {
          expect(await lab.sql(h.name, 'SELECT id FROM app.t WHERE id = ?', { params: [id] })).toHaveLength(1);
        }
      }
      if (opts.masterMaster === false) expect(status[0]?.replication).toBeNull();
      if (opts.semiSync === true) {
        // the write above was acknowledged by a replica before db1 answered, none timed out
        const rows = await lab.sql('db1', "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_%_tx'");
        const tx = Object.fromEntries(rows.map((r) => [String(r['Variable_name']), Number(r['Value'])]));
        expect(tx, `cycle ${i}: semi-sync`).toEqual({ Rpl_semi_sync_master_no_tx: 0, Rpl_semi_sync_master_yes_tx: 1 });
      }
      await mess(lab);
      const report = await lab.down();
      expect(report.leftovers, `cycle ${i} (${what})`).toEqual([]);
      expectNoLeftovers(ID);
    }
  });

  it('up cleans a half-built lab of the same id first (network, processes, state)', async () => {
    // What a crash in the middle of `up` could leave: bridge, a namespace with a process, a stray veth,
    // a state directory.
    await run(['ip', 'link', 'add', bridgeName(ID), 'type', 'bridge']);
    await run(['ip', 'netns', 'add', nsName(ID, 2)]);
    await run(['ip', 'link', 'add', vethName(ID, 2), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', nsName(ID, 2)]);
    const stray = spawn('ip', ['netns', 'exec', nsName(ID, 2), 'sleep', '300'], { stdio: 'ignore' });
    mkdirSync(hostDir(ID, 1), { recursive: true });
    writeFileSync(`${hostDir(ID, 1)}/junk`, 'x');
    const exited = new Promise((r) => stray.once('exit', r));

    const lab = await Lab.up({ id: ID, hosts: 3 });
    await exited; // the stray process was killed by PID
    await lab.waitHealthy();
    // and `up` over a lab that is still running works the same way
    const again = await Lab.up({ id: ID, hosts: 2 });
    expect((await again.waitHealthy()).map((s) => s.host)).toEqual(['db1', 'db2']);
    expect((await again.down()).leftovers).toEqual([]);
    expectNoLeftovers(ID);
  });

  it('refuses a lab id locked by a live process and takes over the lock of a dead one', async () => {
    const holder = spawn('sleep', ['300'], { stdio: 'ignore' });
    const holderExit = new Promise((r) => holder.once('exit', r));
    try {
      writeFileSync(lockPath(ID), String(holder.pid));
      await expect(Lab.up({ id: ID, hosts: 1 })).rejects.toThrow(
        new RegExp(`lab ${ID} is in use by PID ${holder.pid}`),
      );
      await expect(Lab.down(ID)).rejects.toThrow(/in use by PID/);
    } finally {
      holder.kill('SIGKILL');
      await holderExit;
    }
    // holder is dead now (and reaped): its lock is stale
    const lab = await Lab.up({ id: ID, hosts: 1 });
    expect((await lab.down()).leftovers).toEqual([]);
    expectNoLeftovers(ID);
  });

  it('takes over a lock whose PID now belongs to another process (PID reused after its owner died)', async () => {
    const other = spawn('sleep', ['300'], { stdio: 'ignore' });
    const otherExit = new Promise((r) => other.once('exit', r));
    try {
      // the owner's recorded start time (clock ticks since boot) is not that of the live process with its PID
      writeFileSync(lockPath(ID), `${String(other.pid)} 1`);
      const lab = await Lab.up({ id: ID, hosts: 1 });
      expect((await lab.down()).leftovers).toEqual([]);
      expectNoLeftovers(ID);
    } finally {
      other.kill('SIGKILL');
      await otherExit;
    }
  });

  it('rejects bad options with a message naming the option', async () => {
    await expect(Lab.up({ id: 256 })).rejects.toThrow(/lab id: expected an integer 0\.\.255, got 256/);
    await expect(Lab.up({ id: ID, hosts: 0 })).rejects.toThrow(/lab hosts: expected an integer 1\.\.200/);
    await expect(Lab.up({ id: ID, slaveNetTimeout: 2, heartbeatPeriod: 2 })).rejects.toThrow(/heartbeatPeriod/);
  });
});
