// mmm_agentd for real: one agent process inside each host's network namespace of a 4-host MariaDB lab (id 30),
// driven over HTTP from the root namespace the way the monitor drives it. VIPs, read_only, sessions and
// replication are checked on the servers themselves, never through the agent's own report alone.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT_ROUTES,
  type AgentStatusReport,
  type CatchUpResult,
  type DesiredState,
  type DesiredStateResult,
  type DisksAnswer,
  type FenceResult,
  type PromoteResult,
  type RepointResult,
  type RoleIp,
} from '../../../common/api/agent.js';
import { Secret } from '../../../common/config/secret.js';
import { JsonClient } from '../../../common/http/client.js';
import { failure } from './failure.js';
import { Lab, LAB_USERS, boundVips, clusterYaml, type LabProcess } from '../../lab/index.js';

const ID = 30;
const ROOT = resolve(import.meta.dirname, '../../..');
// node with tsx's loader (not the tsx CLI, which would run the agent in a child and swallow SIGHUP): the lab
// PID is the agent's own.
const TS_NODE = [process.execPath, '--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href];
const TOKEN = 'lab30-agent-token-0123456789abcdef';
const LEASE_S = 2;
const HOSTS = ['db1', 'db2', 'db3', 'db4'] as const;
type Host = (typeof HOSTS)[number];

let lab: Lab;
let dir: string;
const agents = new Map<Host, LabProcess>();
const clients = new Map<Host, JsonClient>();
let writerIp: string;
let readerIps: string[];
const epoch = 7;
let seq = 0;

function configFor(host: Host): string {
  return [
    'active_master_role: writer',
    `this: ${host}`,
    `writer_lease: ${LEASE_S}`,
    'socket:',
    '  type: token',
    `  token_file: ${dir}/token`,
    ...clusterYaml(lab, { stateDir: dir, writerIp, readerIps }),
    '',
  ].join('\n');
}

function client(host: Host): JsonClient {
  const c = clients.get(host);
  if (c === undefined) throw new Error(`no client for ${host}`);
  return c;
}

async function waitReady(host: Host): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client(host).get(AGENT_ROUTES.lease.path, { timeoutMs: 500 });
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(100);
    }
  }
}

function startAgent(host: Host): LabProcess {
  const p = lab.spawn(host, [...TS_NODE, join(ROOT, 'agent/main.ts'), '--config', join(dir, `${host}.yaml`)], {
    logFile: join(dir, `${host}-agent.log`),
  });
  agents.set(host, p);
  return p;
}

const reader = (i: number): RoleIp => ({ role: 'reader', ip: readerIps[i] ?? '' });
const writer = (): RoleIp => ({ role: 'writer', ip: writerIp });

async function desired(
  host: Host,
  roles: RoleIp[],
  state: DesiredState['state'] = 'ONLINE',
  activeMaster: string | null = 'db1',
): Promise<DesiredStateResult> {
  seq++;
  return client(host).put<DesiredStateResult>(AGENT_ROUTES.desiredState.path, {
    host,
    epoch,
    seq,
    state,
    roles,
    activeMaster,
  });
}

const vipsOn = (host: Host): Promise<Set<string>> => boundVips(lab, host);

async function readOnly(host: Host): Promise<number> {
  const rows = await lab.sql(host, 'SELECT @@GLOBAL.read_only AS ro');
  return Number(rows[0]?.['ro']);
}

async function appSession(host: Host): Promise<Connection> {
  return createConnection({
    host: lab.host(host).ip,
    user: LAB_USERS.app.user,
    password: LAB_USERS.app.password,
    database: 'app',
    connectTimeout: 1000,
  });
}

/** Makes `host` the open writer the way the monitor does: desired state naming it, then promote. */
async function openWriter(host: Host, readers: RoleIp[] = []): Promise<PromoteResult> {
  await desired(host, [writer(), ...readers], 'ONLINE', host);
  return client(host).post<PromoteResult>(AGENT_ROUTES.promote.path, { host, epoch, replication: 'keep' });
}

/**
 * Polls `f` until it gives a value. A failed poll is retried: a fence kills every client session, and the
 * probe's own root session is a client (CI saw EPIPE on one); the last error is in the timeout message.
 */
async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last error: ${String(last)})`);
    await sleep(50);
  }
}

beforeAll(async () => {
  // each datadir on a 96 MiB tmpfs of its own: the disk report test fills one
  lab = await Lab.up({ id: ID, dataSizeMb: 96 });
  dir = join(`/tmp/mmm-lab/${ID}`, 'agents');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
  writerIp = lab.vip(30);
  readerIps = [lab.vip(1), lab.vip(2), lab.vip(3)];
  for (const h of HOSTS) {
    writeFileSync(join(dir, `${h}.yaml`), configFor(h), { mode: 0o600 });
    clients.set(
      h,
      new JsonClient({
        name: `agent ${h}`,
        host: lab.host(h).ip,
        port: 9989,
        auth: { type: 'token', token: new Secret(TOKEN) },
        timeoutMs: 5000,
      }),
    );
  }
  for (const h of HOSTS) startAgent(h);
  await Promise.all(HOSTS.map(waitReady));
}, 120_000);

afterAll(async () => {
  for (const c of clients.values()) c.close();
  await Promise.all([...agents.values()].map((a) => a.stop()));
  const report = await lab.down();
  expect(report.leftovers).toEqual([]);
}, 120_000);

/** db4 repointed to `source` by GTID. */
async function repointDb4(source: Host, timeoutMs?: number): Promise<RepointResult> {
  return client('db4').post<RepointResult>(
    AGENT_ROUTES.repoint.path,
    { host: 'db4', epoch, source: { host: source, ip: lab.host(source).ip, port: 3306 }, position: { mode: 'gtid' } },
    timeoutMs === undefined ? undefined : { timeoutMs },
  );
}

/**
 * Runs `during` with db4 a semi-synchronous replica of db1 (as deploy/mysql sets it up) and db1 under `fault`;
 * `undo` and semi-sync off again afterwards. A semi-synchronous receiver is the one whose STOP gets stuck:
 * stopping, it opens a new connection to its source to end its dump thread there.
 */
async function withDb4SemiSyncOnFaultyDb1<T>(
  fault: () => Promise<unknown>,
  undo: () => Promise<unknown>,
  during: () => Promise<T>,
): Promise<T> {
  await lab.sql('db1', 'SET GLOBAL rpl_semi_sync_master_enabled = 1');
  await lab.sql('db4', 'SET GLOBAL rpl_semi_sync_slave_enabled = 1');
  await lab.sql('db4', 'STOP SLAVE IO_THREAD');
  await lab.sql('db4', 'START SLAVE IO_THREAD');
  await until('db4 a semi-sync replica of db1', async () => {
    const [row] = await lab.sql('db1', "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_clients'");
    return Number(row?.['Value']) >= 1 ? true : undefined;
  });
  await fault();
  try {
    return await during();
  } finally {
    await undo();
    await lab.sql('db1', 'SET GLOBAL rpl_semi_sync_master_enabled = 0');
    await lab.sql('db4', 'SET GLOBAL rpl_semi_sync_slave_enabled = 0');
  }
}

describe('mmm_agentd in a lab', () => {
  it('a reader VIP bound on db3 answers from another host; moved to db4 it answers there within 200 ms', async () => {
    const vip = readerIps[0] ?? '';
    const bound = await desired('db3', [reader(0)]);
    expect(bound.steps.map((s) => [s.action, s.ok])).toEqual([['add-vip', true]]);
    expect((await vipsOn('db3')).has(vip)).toBe(true);
    const from = [
      'mariadb',
      '-h',
      vip,
      '-u',
      LAB_USERS.mmm_monitor.user,
      `-p${LAB_USERS.mmm_monitor.password}`,
      '-N',
      '-e',
      'SELECT @@hostname',
    ];
    expect((await lab.exec('db1', from, { timeoutMs: 5000 })).stdout.trim()).toBe('db3');

    // A client in db1 keeps connecting to the VIP while it moves (its ARP cache points at db3).
    const log = join(dir, 'probe.log');
    const probe = lab.spawn(
      'db1',
      [
        ...TS_NODE,
        join(ROOT, 'test/integration/agent/vip-probe.ts'),
        vip,
        LAB_USERS.mmm_monitor.user,
        LAB_USERS.mmm_monitor.password,
        '5',
      ],
      { logFile: log },
    );
    try {
      await until(
        'the probe to reach db3',
        () => (readFileSync(log, 'utf8').includes(' db3\n') ? true : undefined),
        15_000,
      );
      await desired('db3', []);
      expect((await vipsOn('db3')).has(vip)).toBe(false);
      const t0 = Date.now();
      const moved = await desired('db4', [reader(0)]);
      expect(moved.steps.map((s) => s.action)).toEqual(['add-vip']);
      const first = await until('db4 to answer on the VIP', () => {
        const line = readFileSync(log, 'utf8')
          .split('\n')
          .map((l) => l.split(' '))
          .find(([ts, h]) => Number(ts) >= t0 && h === 'db4');
        return line === undefined ? undefined : Number(line[0]);
      });
      // 28-43 ms on a quiet machine; without the gratuitous ARP the old entry lives 15-45 s (lab-facts §5).
      // The bound is loose so a loaded CI machine does not fail it; the benchmark reports the real figure.
      expect(first - t0).toBeLessThan(1000);
    } finally {
      await probe.stop();
    }
    expect((await lab.exec('db2', from, { timeoutMs: 5000 })).stdout.trim()).toBe('db4');
    await desired('db4', []);
  });

  it('fence on a writer with open client sessions: read_only=1, sessions killed, VIP gone', async () => {
    await openWriter('db1');
    expect(await readOnly('db1')).toBe(0);
    expect((await vipsOn('db1')).has(writerIp)).toBe(true);
    const idle = await appSession('db1');
    const inTrx = await appSession('db1');
    await inTrx.query('BEGIN');
    await inTrx.query("INSERT INTO app.t (v, src) VALUES ('uncommitted', 'fence-test')");

    const res = await client('db1').post<FenceResult>(AGENT_ROUTES.fence.path, { host: 'db1', epoch, reason: 'test' });
    expect(res).toMatchObject({ fenced: true, writesDenied: true, vipsRemoved: [writerIp] });
    expect(res.sessionsKilled).toBeGreaterThanOrEqual(2);
    expect(await readOnly('db1')).toBe(1);
    expect((await vipsOn('db1')).has(writerIp)).toBe(false);
    await expect(idle.query('SELECT 1')).rejects.toThrow();
    await expect(inTrx.query('COMMIT')).rejects.toThrow();
    expect(await lab.sql('db1', "SELECT COUNT(*) AS n FROM app.t WHERE v = 'uncommitted'")).toEqual([{ n: 0 }]);
    idle.destroy();
    inTrx.destroy();
    // the monitor's next desired state no longer names db1 writer: nothing left to do
    expect((await desired('db1', [])).steps).toEqual([]);
  });

  it('fence on a hung writer (SIGSTOP): read_only=1 armed on the standby session lands as mysqld resumes; promote cancels nothing it needs', async () => {
    await openWriter('db1');
    expect(await readOnly('db1')).toBe(0);
    await client('db1').get(AGENT_ROUTES.status.path); // a writer's status read opens its standby session
    await sleep(300);
    await lab.stop('db1');
    let res: FenceResult;
    try {
      res = await client('db1').post<FenceResult>(
        AGENT_ROUTES.fence.path,
        { host: 'db1', epoch, reason: 'test hung' },
        { timeoutMs: 15_000 },
      );
      await sleep(500);
    } finally {
      await lab.cont('db1');
    }
    expect(res.writesDenied).not.toBe(true);
    expect(res.vipsRemoved).toEqual([writerIp]);
    // the first statement mysqld runs after it resumes is the armed one (it was in its socket already); the
    // agent's pending fence then kills client sessions for a moment, so a killed probe is asked again
    expect(await until('an answer from db1', async () => readOnly('db1').catch(() => undefined))).toBe(1);
    // the agent logs the landing when the armed statement returns, which may be just after our probe's answer
    const landed = /armed read_only=1 landed \d+ ms after it was sent/;
    const log = await until('the landing in the agent log', () => {
      const text = readFileSync(join(dir, 'db1-agent.log'), 'utf8');
      return landed.test(text) ? text : undefined;
    }).catch(() => readFileSync(join(dir, 'db1-agent.log'), 'utf8'));
    expect(log).toMatch(/read_only=1 armed on the standby session/);
    expect(log).toMatch(/armed read_only=1 landed \d+ ms after it was sent/);
    // opened again later: read_only=0 sticks (nothing armed is left to close it again)
    expect((await openWriter('db1')).writerIps).toEqual([writerIp]);
    await sleep(300);
    expect(await readOnly('db1')).toBe(0);
    await desired('db1', []);
  });

  it('catch-up returns once the relay log is applied, and times out cleanly with the SQL thread stopped', async () => {
    await lab.sql('db1', 'SET GLOBAL read_only=0');
    await lab.sql('db1', "INSERT INTO app.t (v, src) VALUES ('catch-up-1', 'db1')");
    const pos = String((await lab.sql('db1', 'SELECT @@GLOBAL.gtid_binlog_pos AS p'))[0]?.['p']);
    const ok = await client('db3').post<CatchUpResult>(AGENT_ROUTES.catchUp.path, {
      host: 'db3',
      epoch,
      timeoutMs: 5000,
    });
    expect(ok.reached.gtid).toContain(pos.split(',').find((g) => g.startsWith('0-1-')) ?? pos);

    await lab.sql('db3', 'STOP SLAVE SQL_THREAD');
    try {
      await lab.sql('db1', "INSERT INTO app.t (v, src) VALUES ('catch-up-2', 'db1')");
      const after = String((await lab.sql('db1', 'SELECT @@GLOBAL.gtid_binlog_pos AS p'))[0]?.['p']);
      await until('db3 to receive the event', async () => {
        const rows = await lab.sql('db3', 'SHOW SLAVE STATUS');
        return String(rows[0]?.['Gtid_IO_Pos']).includes(after.split(',').find((g) => g.startsWith('0-1-')) ?? after)
          ? true
          : undefined;
      });
      const started = Date.now();
      const e = await failure(client('db3').post(AGENT_ROUTES.catchUp.path, { host: 'db3', epoch, timeoutMs: 1000 }));
      expect(e.code).toBe('MMM_CATCHUP_TIMEOUT');
      expect(e.message).toBe('relay log not applied within 1000 ms (SQL thread not running)');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await lab.sql('db3', 'START SLAVE SQL_THREAD');
    }
    await client('db3').post<CatchUpResult>(AGENT_ROUTES.catchUp.path, { host: 'db3', epoch, timeoutMs: 5000 });
    await lab.sql('db1', 'SET GLOBAL read_only=1');
  });

  it('repoint db3 from db1 to db2 by GTID: replication runs and a write on db2 reaches db3', async () => {
    const res = await client('db3').post<RepointResult>(AGENT_ROUTES.repoint.path, {
      host: 'db3',
      epoch,
      source: { host: 'db2', ip: lab.host('db2').ip, port: 3306 },
      position: { mode: 'gtid' },
    });
    expect(res.replication).toMatchObject({
      sourceHost: 'db2',
      ioRunning: 'yes',
      sqlRunning: true,
      usingGtid: 'slave_pos',
    });
    const status = (await lab.sql('db3', 'SHOW SLAVE STATUS'))[0];
    expect(status?.['Master_Host']).toBe(lab.host('db2').ip);
    const heartbeat = await lab.sql('db3', "SHOW GLOBAL STATUS LIKE 'Slave_heartbeat_period'");
    expect(Number(heartbeat[0]?.['Value'])).toBe(1);
    await lab.sql('db2', "INSERT INTO app.t (v, src) VALUES ('via-db2', 'db2')");
    await until('the db2 write on db3', async () => {
      const rows = await lab.sql('db3', "SELECT COUNT(*) AS n FROM app.t WHERE v = 'via-db2'");
      return Number(rows[0]?.['n']) === 1 ? true : undefined;
    });
    // and back, so the lab is in its usual shape again
    await client('db3').post<RepointResult>(AGENT_ROUTES.repoint.path, {
      host: 'db3',
      epoch,
      source: { host: 'db1', ip: lab.host('db1').ip, port: 3306 },
      position: { mode: 'gtid' },
    });
  });

  it('the writer VIP is never bound on two hosts while it moves from db1 to db2', async () => {
    await openWriter('db1');
    const samples: [boolean, boolean][] = [];
    const control = { sampling: true };
    const sampler = (async () => {
      while (control.sampling) {
        // new holder first, then the old one: "both" can then only mean a real overlap
        const onDb2 = (await vipsOn('db2')).has(writerIp);
        const onDb1 = (await vipsOn('db1')).has(writerIp);
        samples.push([onDb1, onDb2]);
      }
    })();
    await sleep(300);
    await desired('db1', [], 'ONLINE', 'db2');
    await openWriter('db2');
    await sleep(300);
    control.sampling = false;
    await sampler;
    // each sample runs two `ip addr` commands; on a loaded machine that is slow, so ask only for a few
    expect(samples.length).toBeGreaterThanOrEqual(4);
    expect(samples.filter(([a, b]) => a && b)).toEqual([]);
    expect(samples[0]).toEqual([true, false]);
    expect(samples[samples.length - 1]).toEqual([false, true]);
    expect(await readOnly('db1')).toBe(1);
    expect(await readOnly('db2')).toBe(0);
  });

  it('lease: a writer cut off from the monitor (a peer still hears it) fences itself within lease + 1 s', async () => {
    // db2 is the writer from the previous test. Keep talking to db3 only, never to db2 again.
    const last = Date.now();
    await desired('db2', [writer()], 'ONLINE', 'db2');
    const keepPeer = (async () => {
      while (Date.now() - last < (LEASE_S + 2) * 1000) {
        await desired('db3', []);
        await sleep(300);
      }
    })();
    const fencedAt = await until(
      'db2 to fence itself',
      async () => ((await readOnly('db2')) === 1 && !(await vipsOn('db2')).has(writerIp) ? Date.now() : undefined),
      (LEASE_S + 3) * 1000,
    );
    await keepPeer;
    expect(fencedAt - last).toBeLessThan((LEASE_S + 1) * 1000);
    expect(fencedAt - last).toBeGreaterThanOrEqual(LEASE_S * 1000 - 100);
    const report = await client('db2').get<AgentStatusReport>(AGENT_ROUTES.status.path);
    expect(report.writer.lease.state).toBe('self-fenced');
    expect(report.writer.lease.message).toContain('but peers still hear from it (db3');
  });

  it('lease held when the monitor is silent to every agent (monitor down, not a partition)', async () => {
    await sleep(LEASE_S * 1000); // the peers' last contact (previous test) is older than a lease from here on
    await openWriter('db2');
    const last = Date.now();
    await sleep((LEASE_S + 1.5) * 1000);
    expect(await readOnly('db2')).toBe(0);
    expect((await vipsOn('db2')).has(writerIp)).toBe(true);
    const report = await client('db2').get<AgentStatusReport>(AGENT_ROUTES.status.path);
    expect(report.writer.lease.state).toBe('held');
    expect(report.writer.lease.message).toMatch(
      /^lease held: monitor silent to all reachable agents \(db1, db3, db4\)/,
    );
    expect(Date.now() - last).toBeGreaterThan(LEASE_S * 1000);
  });

  it('refuses an older epoch, also after an agent restart', async () => {
    await desired('db4', []);
    const old = await failure(
      client('db4').put(AGENT_ROUTES.desiredState.path, {
        host: 'db4',
        epoch: epoch - 1,
        seq: 1,
        state: 'ONLINE',
        roles: [],
        activeMaster: null,
      }),
    );
    expect(old.code).toBe('MMM_STALE_EPOCH');
    await agents.get('db4')?.stop();
    startAgent('db4');
    await waitReady('db4');
    const again = await failure(
      client('db4').put(AGENT_ROUTES.desiredState.path, {
        host: 'db4',
        epoch: epoch - 1,
        seq: 99,
        state: 'ONLINE',
        roles: [],
        activeMaster: null,
      }),
    );
    expect(again.code).toBe('MMM_STALE_EPOCH');
    const report = await client('db4').get<AgentStatusReport>(AGENT_ROUTES.status.path);
    expect(report.stamp?.epoch).toBe(epoch);
  });

  it('SIGHUP: a broken configuration is refused and the running one kept; a valid one applies; SIGTERM exits 0', async () => {
    const agent = agents.get('db4');
    if (agent === undefined) throw new Error('no agent on db4');
    const cfg = join(dir, 'db4.yaml');
    const good = readFileSync(cfg, 'utf8');
    const logged = (text: string) => () => (readFileSync(agent.logFile, 'utf8').includes(text) ? true : undefined);
    try {
      writeFileSync(cfg, good.replace('writer_lease: 2', 'writer_lease: often'), { mode: 0o600 });
      process.kill(agent.pid, 'SIGHUP');
      await until('the refused reload in the log', logged('configuration not reloaded, keeping the running one'));
      expect(readFileSync(agent.logFile, 'utf8')).toContain('writer_lease');
      let report = await client('db4').get<AgentStatusReport>(AGENT_ROUTES.status.path);
      expect(report.writer.lease.leaseMs).toBe(2000);

      writeFileSync(cfg, good.replace('writer_lease: 2', 'writer_lease: 4'), { mode: 0o600 });
      process.kill(agent.pid, 'SIGHUP');
      await until('the reload in the log', logged('SIGHUP: configuration reloaded'));
      report = await client('db4').get<AgentStatusReport>(AGENT_ROUTES.status.path);
      expect(report.writer.lease.leaseMs).toBe(4000);
    } finally {
      writeFileSync(cfg, good, { mode: 0o600 });
    }
    process.kill(agent.pid, 'SIGTERM');
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    startAgent('db4');
    await waitReady('db4');
  });

  it('mysqld killed: the report says MySQL is down and the agent keeps running and serving', async () => {
    await lab.kill('db4');
    const report = await client('db4').get<AgentStatusReport>(AGENT_ROUTES.status.path);
    expect(report.mysql).toMatchObject({ up: false, error: { code: 'MMM_MYSQL_UNREACHABLE' } });
    const res = await desired('db4', [reader(2)]);
    expect(res.steps.map((s) => [s.action, s.ok])).toEqual([['add-vip', true]]);
    expect(await Promise.race([agents.get('db4')?.exited.then(() => 'exited'), sleep(500).then(() => 'running')])).toBe(
      'running',
    );
    await lab.restartDb('db4');
    const back = await client('db4').get<AgentStatusReport>(AGENT_ROUTES.status.path);
    expect(back.mysql.up).toBe(true);
    await desired('db4', []);
  });

  it('disk report: free space of the datadir filesystem, also at /v1/disks while mysqld is frozen', async () => {
    const data = lab.host('db4').data;
    const MiB = 1024 * 1024;
    const report = await client('db4').get<AgentStatusReport>(AGENT_ROUTES.status.path);
    expect(report.disks).toHaveLength(1);
    const d = report.disks?.[0];
    expect(d?.path).toBe(data);
    expect(d?.holds).toEqual(['datadir', 'binlog']);
    expect(d?.totalBytes).toBe(96 * MiB);
    expect(d?.freeBytes).toBeGreaterThan(20 * MiB);
    const filler = `${data}/test-filler`;
    await lab.stop('db4'); // the disks answer needs no MySQL
    try {
      writeFileSync(filler, Buffer.alloc((d?.freeBytes ?? 0) - 256 * 1024));
      const full = await client('db4').get<DisksAnswer>(AGENT_ROUTES.disks.path, { timeoutMs: 3000 });
      expect(full.host).toBe('db4');
      expect(full.disks[0]?.freeBytes).toBeLessThan(MiB);
    } finally {
      rmSync(filler, { force: true });
      await lab.cont('db4');
    }
    const after = await client('db4').get<DisksAnswer>(AGENT_ROUTES.disks.path);
    expect(after.disks[0]?.freeBytes).toBeGreaterThan(20 * MiB);
  });

  it('repoint db4 (semi-sync) away from a frozen db1: its receiver is cut first, the repoint ends in well under a second', async () => {
    const res = await withDb4SemiSyncOnFaultyDb1(
      async () => lab.stop('db1'),
      async () => lab.cont('db1'),
      async () => {
        await sleep(500); // db4's receiver now waits on a source that answers nothing
        return repointDb4('db2');
      },
    );
    // Without cutting it, STOP SLAVE waited ~2 s (measured) and hit the agent's statement timeout.
    const stop = res.steps.find((s) => s.action === 'stop-replication' && s.target === undefined);
    expect(stop?.ok).toBe(true);
    expect(stop?.durationMs).toBeLessThan(1000);
    expect(res.replication).toMatchObject({ sourceHost: 'db2', ioRunning: 'yes', sqlRunning: true });
    expect(readFileSync(join(dir, 'db4-agent.log'), 'utf8')).toContain(
      'replication receiver connection killed before STOP',
    );
    await repointDb4('db1'); // back to the usual shape
  });

  it('repoint db4 away from a cut-off db1: STOP waits for the receiver in connect() (~2 s), the repoint still succeeds', async () => {
    const t = Date.now();
    const res = await withDb4SemiSyncOnFaultyDb1(
      async () => lab.isolate('db1'),
      async () => lab.heal('db1'),
      async () => {
        await sleep(7_000); // past slave_net_timeout: db4's receiver now retries connect() to the unreachable db1
        return repointDb4('db2', 15_000);
      },
    );
    // Measured 2.0 s, right at the agent's old 2 s statement limit: on a loaded host the STOP failed, and with it
    // the repoint (and a failover's fetch through it).
    const stop = res.steps.find((s) => s.action === 'stop-replication' && s.target === undefined);
    process.stderr.write(
      `STOP SLAVE on db4 with db1 cut off: ${String(stop?.durationMs)} ms (test ${Date.now() - t} ms)\n`,
    );
    expect(stop?.ok).toBe(true);
    expect(res.replication).toMatchObject({ sourceHost: 'db2', ioRunning: 'yes', sqlRunning: true });
    await repointDb4('db1'); // back to the usual shape
  });

  it('mysqld hung (SIGSTOP): the report comes back in bounded time saying MySQL cannot be read', async () => {
    await lab.stop('db3');
    try {
      const started = Date.now();
      const report = await client('db3').get<AgentStatusReport>(AGENT_ROUTES.status.path, { timeoutMs: 10_000 });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(report.mysql.up).toBe(false);
    } finally {
      await lab.cont('db3');
    }
  });
});
