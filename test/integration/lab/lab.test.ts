// A 4-host lab (id 10): topology, replication, hosts as separate network hosts, users and their grants,
// processes inside a host, the consistency helper, and a teardown that leaves nothing behind.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../lab/db.js';
import { Lab, hostIp, labVip, LAB_USERS } from '../../lab/index.js';
import { appInsert, expectNoLeftovers } from './support.js';

const ID = 10;

describe('lab up (4 hosts, master-master)', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await Lab.up({ id: ID });
  });

  afterAll(async () => {
    await Lab.down(ID);
  });

  it('replicates in the classic MMM layout, healthy on every host', async () => {
    const status = await lab.status();
    expect(status.map((s) => [s.host, s.hostname, s.serverId, s.readOnly, s.reachable])).toEqual([
      ['db1', 'db1', 1, false, true],
      ['db2', 'db2', 2, true, true],
      ['db3', 'db3', 3, true, true],
      ['db4', 'db4', 4, true, true],
    ]);
    expect(status.map((s) => s.replication?.sourceHost)).toEqual([
      hostIp(ID, 2),
      hostIp(ID, 1),
      hostIp(ID, 1),
      hostIp(ID, 1),
    ]);
    for (const s of status) {
      expect(s.replication).toMatchObject({ ioRunning: 'Yes', sqlRunning: 'Yes', usingGtid: 'Slave_Pos' });
    }
  });

  it('uses fast failure detection settings on every replica', async () => {
    for (const h of lab.hosts) {
      const [v] = await lab.sql(h.name, 'SELECT @@slave_net_timeout AS t, @@report_host AS rh, @@bind_address AS ba');
      const [hb] = await lab.sql(h.name, "SHOW GLOBAL STATUS LIKE 'Slave_heartbeat_period'");
      const [retry] = await lab.sql(h.name, 'SHOW SLAVE STATUS');
      expect({ t: v?.['t'], rh: v?.['rh'], ba: v?.['ba'], hb: Number(hb?.['Value']) }).toEqual({
        t: 5,
        rh: h.ip,
        ba: '0.0.0.0',
        hb: 1,
      });
      expect(retry?.['Connect_Retry']).toBe(1);
    }
  });

  it('shows a write on db1 on all other hosts', async () => {
    const id = await appInsert(lab, 'db1', 'visible-everywhere');
    await lab.sync();
    for (const h of ['db2', 'db3', 'db4']) {
      const rows = await lab.sql(h, 'SELECT v, src FROM app.t WHERE id = ?', { params: [id] });
      expect(rows).toEqual([{ v: 'visible-everywhere', src: 'db1' }]);
    }
    // master-master: a write on db2 (opened for it) comes back to db1, with db2's auto-increment offset
    await lab.sql('db2', 'SET GLOBAL read_only = 0');
    const id2 = await appInsert(lab, 'db2', 'from-db2');
    await lab.sql('db2', 'SET GLOBAL read_only = 1');
    expect(id2 % 2).toBe(0);
    await lab.sync({ from: 'db2', hosts: ['db1'] });
    expect(await lab.sql('db1', 'SELECT src FROM app.t WHERE id = ?', { params: [id2] })).toEqual([{ src: 'db2' }]);
  });

  it('makes every host its own network host: own address and name, no default route, no IPv6', async () => {
    const r = await lab.exec('db3', [
      'sh',
      '-c',
      'hostname; ip -4 -o addr show dev eth0; echo "routes:"; ip route; ip -6 addr; cat /proc/sys/net/ipv6/conf/all/disable_ipv6',
    ]);
    const [name, addr, ...rest] = r.stdout.trim().split('\n');
    expect(name).toBe('db3');
    expect(addr).toContain(`inet ${hostIp(ID, 3)}/24`);
    expect(rest.join('\n')).not.toContain('default');
    expect(rest.at(-1)).toBe('1');
    expect(rest.join('\n')).not.toContain('inet6');
    expect(readFileSync(`/proc/sys/net/ipv6/conf/${lab.host('db3').veth}/disable_ipv6`, 'utf8').trim()).toBe('1');
    // hosts reach each other and the root namespace over the bridge
    const ping = await lab.exec('db3', ['fping', '-c1', '-t500', '-q', hostIp(ID, 1), lab.bridgeIp]);
    expect(ping.stderr).toMatch(/1\/1\/0%.*\n.*1\/1\/0%/);
  });

  it('serves a VIP added to a host later (bind-address 0.0.0.0)', async () => {
    const vip = labVip(ID, 0);
    expect(vip).toBe(`198.18.${ID}.220`);
    await lab.exec('db2', ['ip', 'addr', 'add', `${vip}/32`, 'dev', 'eth0']);
    const [row] = await lab.sql('db2', 'SELECT @@hostname AS h', { user: 'mmm_monitor' });
    expect(row).toEqual({ h: 'db2' });
    const viaVip = await query({ kind: 'tcp', ip: vip, user: 'mmm_monitor' }, 'SELECT @@hostname AS h');
    expect(viaVip).toEqual([{ h: 'db2' }]);
    await lab.exec('db2', ['ip', 'addr', 'del', `${vip}/32`, 'dev', 'eth0']);
  });

  it('gives each MMM user exactly the grants it needs on MariaDB 10.11', async () => {
    // monitor: replication status, but no control
    await expect(lab.sql('db2', 'SHOW SLAVE STATUS', { user: 'mmm_monitor' })).resolves.toHaveLength(1);
    await expect(lab.sql('db1', 'SHOW MASTER STATUS', { user: 'mmm_monitor' })).resolves.toHaveLength(1);
    await expect(lab.sql('db2', 'SET GLOBAL read_only = 1', { user: 'mmm_monitor' })).rejects.toThrow(/1227|denied/);
    // agent: read_only, replication control, all threads, KILL of other users' threads; no table access
    await lab.sql('db4', 'SET GLOBAL read_only = 0', { user: 'mmm_agent' });
    await lab.sql('db4', 'SET GLOBAL read_only = 1', { user: 'mmm_agent' });
    await lab.sql('db4', 'STOP SLAVE', { user: 'mmm_agent' });
    await lab.sql('db4', `CHANGE MASTER TO MASTER_HOST='${hostIp(ID, 1)}', MASTER_HEARTBEAT_PERIOD=1`, {
      user: 'mmm_agent',
    });
    await lab.sql('db4', 'START SLAVE', { user: 'mmm_agent' });
    await expect(lab.sql('db4', 'SELECT * FROM app.t', { user: 'mmm_agent' })).rejects.toThrow(/denied/);
    const sleeper = lab.sql('db4', 'SELECT SLEEP(30)', { user: 'app', timeoutMs: 20_000 });
    const outcome = sleeper.then(
      () => 'finished',
      () => 'killed',
    );
    let appThread: number | undefined;
    for (let i = 0; i < 100 && appThread === undefined; i++) {
      const list = await lab.sql('db4', 'SHOW FULL PROCESSLIST', { user: 'mmm_agent' });
      appThread = list.filter((p) => p['User'] === 'app').map((p) => Number(p['Id']))[0];
      if (appThread === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    expect(appThread).toBeDefined();
    await lab.sql('db4', `KILL ${appThread}`, { user: 'mmm_agent' });
    expect(await outcome).toBe('killed');
    // app: DML on the writer only; read_only protects the others
    await expect(appInsert(lab, 'db3', 'must-fail')).rejects.toThrow(/1290|read-only/);
    await expect(lab.sql('db1', 'CREATE TABLE app.x (i INT)', { user: 'app' })).rejects.toThrow(/denied/);
    // repl: replication only
    await expect(lab.sql('db1', 'SELECT * FROM app.t', { user: 'repl' })).rejects.toThrow(/denied/);
    await expect(lab.sql('db1', 'SELECT COUNT(*) AS n FROM mysql.user', { user: 'labadmin' })).resolves.toHaveLength(1);
    expect(lab.users).toBe(LAB_USERS);
    await lab.waitHealthy();
  });

  it('runs a long-running process inside a host, captures its output and stops it by PID', async () => {
    const p = lab.spawn('db2', ['sh', '-c', 'echo "on $(hostname) $GREETING"; exec sleep 60'], {
      env: { GREETING: 'hello' },
    });
    for (let i = 0; i < 100 && !readFileSync(p.logFile, 'utf8').includes('on db2'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(readFileSync(p.logFile, 'utf8')).toContain('on db2 hello');
    expect(execFileSync('ip', ['netns', 'identify', String(p.pid)], { encoding: 'utf8' }).trim()).toBe(
      lab.host('db2').ns,
    );
    expect(await p.stop()).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('finds rows missing on a host and differing checksums', async () => {
    const ids = [await appInsert(lab, 'db1', 'c1'), await appInsert(lab, 'db1', 'c2')];
    await lab.sync();
    const before = await lab.consistency({ tables: ['app.t'] });
    expect(before[0]).toMatchObject({ table: 'app.t', consistent: true });
    // root may write despite read_only: simulate a lost row on db3
    await lab.sql('db3', 'DELETE FROM app.t WHERE id = ?', { params: [ids[1]!] });
    const [after] = await lab.consistency();
    expect(after?.consistent).toBe(false);
    expect(after?.missing).toEqual({ db1: [], db2: [], db3: [ids[1]], db4: [] });
    expect(after?.checksums['db3']).not.toBe(after?.checksums['db1']);
    expect(after?.rowCounts['db3']).toBe((after?.rowCounts['db1'] ?? 0) - 1);
  });

  it('down leaves no namespace, bridge, veth, mariadbd or state of the lab', async () => {
    const report = await lab.down();
    expect(report.leftovers).toEqual([]);
    expect(report.killed.length).toBeGreaterThanOrEqual(4);
    expectNoLeftovers(ID);
  });
});
