// The deployment as documented, on a 4-host MariaDB lab (id 70): the MySQL accounts created exactly by the
// MariaDB section of deploy/grants.sql (only the network replaced), the YAML examples of deploy/examples
// (only addresses and paths moved onto the lab), mmm_mond and mmm_agentd run as an unprivileged user with
// exactly the capabilities of the systemd units (setpriv: ambient = inheritable = bounding set, no new
// privileges) inside the units' file-system sandbox (bwrap: read-only tree but the state directory,
// private /tmp, minimal /dev, no /home; seccomp and the other namespace options are not emulated). The
// monitor's checks and every agent operation (fence, catch-up, promote, repoint, status) must work with
// those grants, and each privilege granted must be needed.
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT_ROUTES,
  type AgentStatusReport,
  type CatchUpResult,
  type FenceResult,
  type PromoteResult,
  type RepointResult,
} from '../../../common/api/agent.js';
import type { CommandResponse } from '../../../common/api/monitor.js';
import { Secret } from '../../../common/config/secret.js';
import { JsonClient } from '../../../common/http/client.js';
import { Lab, LAB_USERS, boundVips, type LabProcess } from '../../lab/index.js';
import { waitFor } from '../../lab/proc.js';
import { LAB_USER_HOSTS } from '../../lab/users.js';
import {
  DAEMON_UID,
  DEPLOY,
  MARIADB_PROBES,
  accounts,
  BWRAP,
  asDaemonUser,
  daemonPid,
  identity,
  inUnitSandbox,
  mountOptions,
  connectAs,
  grantsSection,
  onLab,
  type Account,
} from './deployment.js';

const ID = 70;
const ROOT = resolve(import.meta.dirname, '../../..');
const TS_NODE = [process.execPath, '--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href];
const API_PORT = 19970;
const TOKEN = 'lab70-deploy-token-0123456789abcdef';
const HOSTS = ['db1', 'db2', 'db3', 'db4'] as const;
type Host = (typeof HOSTS)[number];

const MARIADB = grantsSection('MariaDB 10.5.9+');
const ACCOUNTS = accounts(MARIADB);
const account = (user: string): Account => {
  const a = ACCOUNTS.get(user);
  if (a === undefined) throw new Error(`grants.sql creates no ${user}`);
  return a;
};

let lab: Lab;
let dir: string;
const agents = new Map<Host, LabProcess>();
const clients = new Map<Host, JsonClient>();
let monitor: ChildProcess | undefined;
let api: JsonClient | undefined;

const tokenClient = (name: string, host: string, port: number): JsonClient =>
  new JsonClient({ name, host, port, auth: { type: 'token', token: new Secret(TOKEN) }, timeoutMs: 10_000 });
const client = (h: Host): JsonClient => {
  const c = clients.get(h);
  if (c === undefined) throw new Error(`no client for ${h}`);
  return c;
};

/** Polls until `f` gives a value; errors count as "not yet" (a daemon still starting). */
async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const quiet = async (): Promise<T | undefined> => f().catch(() => undefined);
  return waitFor(what, quiet, { timeoutMs, intervalMs: 200 });
}

async function command(...args: string[]): Promise<CommandResponse> {
  if (api === undefined) throw new Error('monitor API client missing');
  return api.post<CommandResponse>('/v1/command', { args });
}

/** Writes a file the daemons (DAEMON_UID) own and only they can read, as root:mmm 0640 would be. */
function daemonFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  chownSync(path, DAEMON_UID, DAEMON_UID);
  return path;
}

const passwordEnv = (): Record<string, string> => ({
  MMM_MONITOR_PASSWORD: account('mmm_monitor').password,
  MMM_AGENT_PASSWORD: account('mmm_agent').password,
  MMM_REPLICATION_PASSWORD: account('mmm_repl').password,
});

beforeAll(async () => {
  lab = await Lab.up({ id: ID });
  // The lab's own daemon accounts go; the accounts come from grants.sql alone, created on the writer (db1)
  // and copied to every host by replication, as the file's header says.
  for (const user of [LAB_USERS.mmm_monitor.user, LAB_USERS.mmm_agent.user, LAB_USERS.repl.user]) {
    for (const host of LAB_USER_HOSTS) await lab.sql('db1', `DROP USER '${user}'@'${host}'`);
  }
  for (const statement of MARIADB)
    await lab.sql('db1', statement.replaceAll("'192.0.2.%'", `'198.18.${String(ID)}.%'`));
  await lab.sync();

  dir = join(`/tmp/mmm-lab/${String(ID)}`, 'deploy');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chownSync(dir, DAEMON_UID, DAEMON_UID);
  daemonFile('token', `${TOKEN}\n`);
  const example = (name: string): string =>
    onLab(readFileSync(join(DEPLOY, 'examples/yaml', name), 'utf8'), lab, dir, API_PORT);
  daemonFile('mmm_common.yaml', example('mmm_common.yaml'));
  daemonFile('mmm_mon.yaml', example('mmm_mon.yaml'));
  for (const h of HOSTS) {
    const text = example('mmm_agent.yaml').replace(/^this: db1$/m, `this: ${h}`);
    daemonFile(`mmm_agent_${h}.yaml`, `${text}hosts:\n  default:\n    state_path: ${dir}/${h}.state\n`);
    const daemon = [...TS_NODE, join(ROOT, 'agent/main.ts'), '--config', join(dir, `mmm_agent_${h}.yaml`)];
    const argv = inUnitSandbox(dir, asDaemonUser(['net_admin', 'net_raw'], daemon));
    agents.set(h, lab.spawn(h, argv, { logFile: join(dir, `${h}-agent.log`), env: passwordEnv() }));
    clients.set(h, tokenClient(`agent ${h}`, lab.host(h).ip, 9989));
  }
  await Promise.all(HOSTS.map((h) => until(`agent ${h}`, () => client(h).get(AGENT_ROUTES.status.path))));
}, 120_000);

afterAll(async () => {
  if (monitor?.exitCode === null) monitor.kill('SIGKILL');
  api?.close();
  for (const c of clients.values()) c.close();
  await Promise.all([...agents.values()].map((a) => a.stop()));
  const report = await lab.down();
  expect(report.leftovers).toEqual([]);
}, 120_000);

describe("deploy/grants.sql (MariaDB) with the example configs and the units' identity", () => {
  it('grants.sql replaced the lab accounts: only its three accounts exist, on every host', async () => {
    for (const h of HOSTS) {
      const rows = await lab.sql(
        h,
        "SELECT CONCAT(User, '@', Host) AS a FROM mysql.user WHERE User LIKE 'mmm%' OR User = 'repl' ORDER BY 1",
      );
      expect(rows.map((r) => r['a'])).toEqual([
        `mmm_agent@198.18.${String(ID)}.%`,
        `mmm_monitor@198.18.${String(ID)}.%`,
        `mmm_repl@198.18.${String(ID)}.%`,
      ]);
    }
  });

  it('mmm_mond as an unprivileged user with CAP_NET_RAW: every check OK, all hosts ONLINE, VIPs placed by the agents', async () => {
    const daemon = [...TS_NODE, join(ROOT, 'monitor/main.ts'), '--config', join(dir, 'mmm_mon.yaml')];
    const argv = inUnitSandbox(dir, asDaemonUser(['net_raw'], daemon));
    const log = openSync(join(dir, 'mmm_mond.log'), 'a');
    monitor = spawn(argv[0] ?? 'setpriv', argv.slice(1), {
      env: { ...process.env, ...passwordEnv() },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    api = tokenClient('monitor', '127.0.0.1', API_PORT);
    await until('the monitor API', async () => api?.get('/v1/health'), 60_000);
    // first start: AWAITING_RECOVERY everywhere (as MMM); the operator sets the hosts online
    for (const h of HOSTS) await command('set_online', h);
    const show = await until('all hosts ONLINE with the writer on db1', async () => {
      const s = (await command('show')).text;
      return HOSTS.every((h) => new RegExp(`^ {2}${h}\\(.*/ONLINE\\.`, 'm').test(s)) &&
        s.includes(`writer(${lab.vip(0)})`)
        ? s
        : undefined;
    });
    expect(show).toMatch(new RegExp(`^  db1\\(.*writer\\(${lab.vip(0).replaceAll('.', '\\.')}\\)`, 'm'));
    const checks = (await command('checks', 'all')).text.trim().split('\n');
    expect(checks).toHaveLength(16);
    for (const line of checks) expect(line).toMatch(/\] {2}OK(: Backlog is null)?$/);
    expect((await boundVips(lab, 'db1')).has(lab.vip(0))).toBe(true);
    const readers = await until('four reader VIPs bound', async () => {
      const bound = (await Promise.all(HOSTS.map((h) => boundVips(lab, h)))).flatMap((s) => [...s]);
      const r = bound.filter((v) => v !== lab.vip(0)).sort();
      return r.length === 4 ? r : undefined;
    });
    expect(readers).toEqual([1, 2, 3, 4].map((i) => lab.vip(i)).sort());
    // the daemons really run as the unprivileged user with only the units' capabilities, in the sandbox
    const NET_RAW = '0000000000002000';
    const NET_ADMIN_RAW = '0000000000003000';
    const expected = new Map([[join(dir, 'mmm_mon.yaml'), NET_RAW]]);
    for (const h of HOSTS) expected.set(join(dir, `mmm_agent_${h}.yaml`), NET_ADMIN_RAW);
    for (const [config, caps] of expected) {
      const pid = await daemonPid(config);
      expect(identity(pid)).toBe(`uid ${String(DAEMON_UID)} eff ${caps} bnd ${caps} nnp 1`);
      if (BWRAP !== undefined)
        expect(mountOptions(pid, ['/', '/tmp', '/etc', dir])).toEqual({ '/': 'ro', '/tmp': 'rw', [dir]: 'rw' });
    }
    if (BWRAP === undefined)
      process.stdout.write('deploy: bwrap missing, daemons ran without the file-system sandbox\n');
    for (const h of HOSTS) {
      const report = await client(h).get<AgentStatusReport>(AGENT_ROUTES.status.path);
      expect(report.vips.error).toBeNull();
      expect(report.mysql.up).toBe(true);
    }
  });

  it('agent operations with the agent grants: fence db1, catch-up and promote db2, repoint db1/db3/db4, status', async () => {
    // SIGTERM to mmm_mond itself, as systemd sends it to the main process: a graceful stop, status 0
    process.kill(await daemonPid(join(dir, 'mmm_mon.yaml')), 'SIGTERM');
    const code = await until('the monitor to stop', () => Promise.resolve(monitor?.exitCode ?? undefined));
    expect(code).toBe(0);
    const epoch =
      1 +
      Math.max(
        ...(await Promise.all(
          HOSTS.map(async (h) => (await client(h).get<AgentStatusReport>(AGENT_ROUTES.status.path)).stamp?.epoch ?? 0),
        )),
      );
    const writerIp = lab.vip(0);

    // an application session on db1 and a last write that db2 must apply before it opens
    const app = await connectAs(lab, 'db1', LAB_USERS.app.user, LAB_USERS.app.password);
    await app.query("INSERT INTO app.t (v, src) VALUES ('before-fence', 'db1')");
    const fence = await client('db1').post<FenceResult>(AGENT_ROUTES.fence.path, {
      host: 'db1',
      epoch,
      reason: 'grants test',
    });
    expect(fence).toMatchObject({ fenced: true, writesDenied: true, vipsRemoved: [writerIp] });
    expect(fence.sessionsKilled).toBeGreaterThanOrEqual(1); // PROCESS finds it, CONNECTION ADMIN kills it
    await expect(app.query('SELECT 1')).rejects.toThrow();
    app.destroy();

    const caught = await client('db2').post<CatchUpResult>(AGENT_ROUTES.catchUp.path, {
      host: 'db2',
      epoch,
      timeoutMs: 10_000,
    });
    expect(caught.reached.gtid).not.toBeNull();
    expect(await lab.sql('db2', "SELECT COUNT(*) AS n FROM app.t WHERE v = 'before-fence'")).toEqual([{ n: 1 }]);

    let seq = 0;
    const keepWriter = async (): Promise<void> => {
      seq++;
      await client('db2').put(AGENT_ROUTES.desiredState.path, {
        host: 'db2',
        epoch,
        seq,
        state: 'ONLINE',
        roles: [{ role: 'writer', ip: writerIp }],
        activeMaster: 'db2',
      });
    };
    await keepWriter();
    const promoted = await client('db2').post<PromoteResult>(AGENT_ROUTES.promote.path, {
      host: 'db2',
      epoch,
      replication: 'stop',
    });
    expect(promoted.writerIps).toEqual([writerIp]);
    expect(promoted.position.file).not.toBeNull(); // SHOW MASTER STATUS: BINLOG MONITOR
    expect(await lab.sql('db2', 'SELECT @@read_only AS ro')).toEqual([{ ro: 0 }]);
    expect((await boundVips(lab, 'db2')).has(writerIp)).toBe(true);
    // the monitor is gone; talk to the writer as it would, so its lease does not fence it mid-test
    const control = { on: true };
    const keeper = (async () => {
      while (control.on) {
        await keepWriter();
        await sleep(500);
      }
    })();
    try {
      for (const h of ['db1', 'db3', 'db4'] as const) {
        const r = await client(h).post<RepointResult>(AGENT_ROUTES.repoint.path, {
          host: h,
          epoch,
          source: { host: 'db2', ip: lab.host('db2').ip, port: 3306 },
          position: { mode: 'gtid' },
        });
        expect(r.replication).toMatchObject({ sourceHost: 'db2', ioRunning: 'yes', sqlRunning: true });
        const [row] = await lab.sql(h, 'SHOW SLAVE STATUS');
        expect(row?.['Master_User']).toBe('mmm_repl'); // the replication account of grants.sql
      }
      const writer = await connectAs(lab, 'db2', LAB_USERS.app.user, LAB_USERS.app.password);
      await writer.query("INSERT INTO app.t (v, src) VALUES ('after-promote', 'db2')");
      writer.destroy();
      await lab.sync({ from: 'db2' });
      for (const h of ['db1', 'db3', 'db4'] as const) {
        expect(await lab.sql(h, "SELECT COUNT(*) AS n FROM app.t WHERE v = 'after-promote'")).toEqual([{ n: 1 }]);
      }
      for (const h of HOSTS) {
        const report = await client(h).get<AgentStatusReport>(AGENT_ROUTES.status.path);
        if (!report.mysql.up) throw new Error(`${h}: ${report.mysql.error.message}`);
        expect(report.mysql.binlog).not.toBeNull();
        // db2 was promoted with replication 'stop': its old source stays configured, stopped
        expect(report.mysql.replication).toMatchObject(
          h === 'db2'
            ? { sourceHost: 'db1', ioRunning: 'no', sqlRunning: false }
            : { sourceHost: 'db2', ioRunning: 'yes' },
        );
      }
    } finally {
      control.on = false;
      await keeper;
    }
    for (const h of HOSTS) {
      const log = readFileSync(join(dir, `${h}-agent.log`), 'utf8');
      expect(log).not.toMatch(/MMM_NO_PRIVILEGE|1227|denied/i);
    }
  });

  it('each privilege granted is needed: without it the statement the daemon uses for it is refused', async () => {
    // probe accounts are created on db3 only (sql_log_bin=0), from the grants of grants.sql minus one
    const root = await createConnection({ socketPath: lab.host('db3').socket, user: 'root' });
    await root.query('SET SESSION sql_log_bin=0');
    const probeAccount = `'probe'@'198.18.${String(ID)}.%'`;
    const probe = async (privileges: readonly string[], check: string): Promise<boolean> => {
      await root.query(`CREATE USER ${probeAccount} IDENTIFIED BY 'probe-pw'`);
      if (privileges.length > 0) await root.query(`GRANT ${privileges.join(', ')} ON *.* TO ${probeAccount}`);
      const conn = await connectAs(lab, 'db3', 'probe', 'probe-pw');
      try {
        const f = MARIADB_PROBES[check];
        if (f === undefined) throw new Error(`no probe for ${check}: add one to deployment.ts`);
        return await f(lab, 'db3', conn);
      } finally {
        conn.destroy();
        await root.query(`DROP USER ${probeAccount}`);
      }
    };
    const verdicts: string[] = [];
    for (const user of ['mmm_monitor', 'mmm_agent']) {
      const all = account(user).privileges;
      for (const p of all) {
        const withIt = await probe(all, p);
        const without = await probe(
          all.filter((x) => x !== p),
          p,
        );
        verdicts.push(
          `${user} ${p}: with ${withIt ? 'allowed' : 'refused'}, without ${without ? 'allowed' : 'refused'}`,
        );
      }
    }
    expect(verdicts).toEqual(
      [
        ...account('mmm_monitor').privileges.map((p) => `mmm_monitor ${p}`),
        ...account('mmm_agent').privileges.map((p) => `mmm_agent ${p}`),
      ].map((s) => `${s}: with allowed, without refused`),
    );
    root.destroy();
  });
});
