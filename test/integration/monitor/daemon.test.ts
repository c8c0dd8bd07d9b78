// mmm_mond for real: agents in each namespace of a 4-host MariaDB lab (id 45), the monitor in this process
// (root namespace) talking to them over HTTP, driven through its own API the way mmm_control drives it. VIPs
// are checked with `ip -n <ns> addr`, never through the agents' reports alone.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ROUTES } from '../../../common/api/agent.js';
import type { CommandResponse } from '../../../common/api/monitor.js';
import { loadConfigText } from '../../../common/config/index.js';
import { Secret } from '../../../common/config/secret.js';
import { JsonClient } from '../../../common/http/client.js';
import { createLogger } from '../../../common/log/index.js';
import { startMonitor, type RunningMonitor } from '../../../monitor/run.js';
import { Lab, boundVips, clusterYaml, type LabProcess } from '../../lab/index.js';

const ID = 45;
const ROOT = resolve(import.meta.dirname, '../../..');
const TS_NODE = [process.execPath, '--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href];
const TOKEN = 'lab45-monitor-token-0123456789abcdef';
const API_PORT = 19945;
const HOSTS = ['db1', 'db2', 'db3', 'db4'] as const;
type Host = (typeof HOSTS)[number];

let lab: Lab;
let dir: string;
let writerIp: string;
let readerIps: string[];
const agents: LabProcess[] = [];
let monitor: RunningMonitor | undefined;
let child: ReturnType<typeof spawn> | undefined;
let apiClient: JsonClient | undefined;
const api = (): JsonClient => {
  if (apiClient === undefined) throw new Error('monitor API not started');
  return apiClient;
};

function configText(self: Host | undefined): string {
  return [
    'active_master_role: writer',
    ...(self === undefined ? [] : [`this: ${self}`]),
    'writer_lease: 3',
    'socket:',
    '  type: token',
    `  token_file: ${dir}/token`,
    ...(self === undefined
      ? [
          'monitor:',
          '  ip: 127.0.0.1',
          `  port: ${API_PORT}`,
          `  status_path: ${dir}/mmm_mond.status`,
          `  ping_ips: [${HOSTS.map((h) => lab.host(h).ip).join(', ')}]`,
          '  tick: 0.5',
          '  agent_timeout: 2',
        ]
      : []),
    'checks:',
    '  default:',
    '    check_period: 0.5',
    '    trap_period: 2',
    '    timeout: 1',
    ...clusterYaml(lab, { stateDir: dir, writerIp, readerIps }),
    '',
  ].join('\n');
}

const vipsOn = (host: Host): Promise<Set<string>> => boundVips(lab, host);

async function command(...args: string[]): Promise<CommandResponse> {
  return api().post<CommandResponse>('/v1/command', { args });
}

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${String(last)})`);
    await sleep(200);
  }
}

const monFile = (): string => join(dir, 'mmm_mon.yaml');

const readersOn = async (h: Host): Promise<string[]> => [...(await vipsOn(h))].filter((ip) => readerIps.includes(ip));

beforeAll(async () => {
  lab = await Lab.up({ id: ID });
  dir = join(`/tmp/mmm-lab/${ID}`, 'monitor');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
  writerIp = lab.vip(30);
  readerIps = [lab.vip(1), lab.vip(2), lab.vip(3), lab.vip(4)];
  for (const h of HOSTS) {
    writeFileSync(join(dir, `${h}.yaml`), configText(h), { mode: 0o600 });
    agents.push(
      lab.spawn(h, [...TS_NODE, join(ROOT, 'agent/main.ts'), '--config', join(dir, `${h}.yaml`)], {
        logFile: join(dir, `${h}-agent.log`),
      }),
    );
  }
  const auth = { type: 'token', token: new Secret(TOKEN) } as const;
  await Promise.all(
    HOSTS.map(async (h) => {
      const c = new JsonClient({ name: `agent ${h}`, host: lab.host(h).ip, port: 9989, auth, timeoutMs: 500 });
      await until(`agent ${h}`, async () => c.get(AGENT_ROUTES.lease.path).then(() => true));
      c.close();
    }),
  );
  writeFileSync(monFile(), configText(undefined), { mode: 0o600 });
  const config = loadConfigText(configText(undefined), monFile(), { program: 'MONITOR' });
  const logger = createLogger({ name: 'mmm_mond', level: 'debug', destination: process.stderr });
  monitor = await startMonitor(config, { insecure: false, logger });
  apiClient = new JsonClient({ name: 'monitor', host: '127.0.0.1', port: API_PORT, auth, timeoutMs: 10_000 });
}, 180_000);

afterAll(async () => {
  apiClient?.close();
  await monitor?.stop();
  if (child?.exitCode === null) child.kill('SIGKILL');
  await Promise.all(agents.map(async (a) => a.stop()));
  const report = await lab.down();
  expect(report.leftovers).toEqual([]);
}, 120_000);

describe('mmm_mond on a 4-host lab', () => {
  it('brings every host ONLINE with db1 writer+reader and one reader VIP on each other host', async () => {
    // First start: MMM puts every host in AWAITING_RECOVERY; the operator sets them online.
    for (const h of HOSTS) {
      await until(`set_online ${h}`, async () => {
        const r = await command('set_online', h);
        return r.exitCode === 0 || r.text.includes('is already ONLINE') ? r : undefined;
      });
    }
    await until('roles bound', async () => {
      const [v1, v2, v3, v4] = await Promise.all(HOSTS.map(vipsOn));
      const ok =
        v1?.has(writerIp) === true &&
        [v1, v2, v3, v4].every((v) => [...(v ?? [])].filter((ip) => readerIps.includes(ip)).length === 1);
      return ok ? true : undefined;
    });
    const writable = await lab.sql('db1', 'SELECT @@GLOBAL.read_only AS ro');
    expect(Number(writable[0]?.['ro'])).toBe(0);
    const show = await command('show');
    expect(show.exitCode).toBe(0);
    const lines = show.text.split('\n').filter((l) => l.startsWith('  db'));
    expect(lines).toHaveLength(4);
    for (const [i, h] of HOSTS.entries()) {
      const ip = lab.host(h).ip.replace(/\./g, '\\.');
      const mode = i < 2 ? 'master' : 'slave';
      expect(lines[i]).toMatch(new RegExp(`^  ${h}\\(${ip}\\) ${mode}/ONLINE\\. Roles: reader\\([0-9.]+\\)`));
    }
    expect(lines[0]).toMatch(/, writer\(/);
    const health = await api().get<{ status: string; mode: string }>('/v1/health');
    expect(health).toMatchObject({ status: 'ok', mode: 'ACTIVE' });
    const res = await fetch(`http://127.0.0.1:${API_PORT}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const metrics = await res.text();
    expect(metrics).toContain('mmm_host_state{host="db3",state="ONLINE"} 1');
    expect(metrics).toContain(`mmm_role_holder{role="writer",ip="${writerIp}",host="db1"} 1`);
    expect(metrics).toContain('mmm_agent_reachable{host="db4"} 1');
    expect((await fetch(`http://127.0.0.1:${API_PORT}/v1/health`)).status).toBe(401);
  }, 120_000);

  it('set_offline db3 moves its reader VIP away; set_online db3 brings it back ONLINE', async () => {
    const before = await readersOn('db3');
    expect(before).toHaveLength(1);
    const off = await command('set_offline', 'db3');
    expect(off.text).toBe(
      "OK: State of 'db3' changed to ADMIN_OFFLINE. Now you can wait some time and check all roles!",
    );
    await until('db3 VIP moved', async () => {
      if ((await readersOn('db3')).length !== 0) return undefined;
      const elsewhere = await Promise.all((['db1', 'db2', 'db4'] as const).map(vipsOn));
      return elsewhere.some((v) => v.has(before[0] ?? '')) ? true : undefined;
    });
    const on = await command('set_online', 'db3');
    expect(on.exitCode).toBe(0);
    await until('db3 ONLINE', async () => {
      const show = await command('show');
      return /^ {2}db3\([0-9.]+\) slave\/ONLINE\./m.test(show.text) ? true : undefined;
    });
    await until('db3 reader VIP back', async () => ((await readersOn('db3')).length === 1 ? true : undefined));
  }, 120_000);

  it('restarted as mmm_mond (a child process): same roles, no VIP moved, newer epoch; SIGTERM stops it', async () => {
    const vipsBefore = await Promise.all(HOSTS.map(async (h) => [...(await vipsOn(h))].sort()));
    const epochBefore = (await api().get<{ epoch: number }>('/v1/health')).epoch;
    await monitor?.stop();
    monitor = undefined;
    const proc = spawn(
      TS_NODE[0] ?? 'node',
      [...TS_NODE.slice(1), join(ROOT, 'monitor/main.ts'), '--config', monFile()],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    child = proc;
    const exited = new Promise<number | null>((res) =>
      proc.on('exit', (code) => {
        res(code);
      }),
    );
    const health = await until('restarted monitor', async () =>
      api().get<{ epoch: number; mode: string }>('/v1/health'),
    );
    expect(health.epoch).toBeGreaterThan(epochBefore);
    expect(health.mode).toBe('ACTIVE');
    const show = await command('show');
    expect(show.text.split('\n').filter((l) => l.includes('/ONLINE. Roles: '))).toHaveLength(4);
    for (let i = 0; i < 10; i++) {
      await sleep(300);
      expect(await Promise.all(HOSTS.map(async (h) => [...(await vipsOn(h))].sort()))).toEqual(vipsBefore);
    }
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);
});
