// A 4-host lab with mmm_agentd in every namespace and mmm_mond as a real child process in the root namespace
// (the pattern of daemon.test.ts, as a reusable piece): config files, the monitor's API, mmm_control as a real
// process, VIPs read with `ip -n <ns> addr`. Used by the control and daemon-* lab tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { AGENT_ROUTES } from '../../../common/api/agent.js';
import type { CommandResponse } from '../../../common/api/monitor.js';
import { Secret } from '../../../common/config/secret.js';
import { JsonClient } from '../../../common/http/client.js';
import { Lab, boundVips, clusterYaml, type LabProcess } from '../../lab/index.js';

const ROOT = resolve(import.meta.dirname, '../../..');
export const TS_NODE = [
  process.execPath,
  '--import',
  pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href,
] as const;
export const HOSTS = ['db1', 'db2', 'db3', 'db4'] as const;
export type Host = (typeof HOSTS)[number];

export interface MonitorLabOptions {
  readonly id: number;
  readonly apiPort: number;
  /** YAML lines of the `checks:` section (indented by 2). */
  readonly checks?: readonly string[];
  /** Extra YAML lines of the `monitor:` section (indented by 2). */
  readonly monitor?: readonly string[];
}

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Polls `f` every 200 ms until it returns a value (not undefined) or `timeoutMs` passes. */
export async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
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

const DEFAULT_CHECKS = ['  default:', '    check_period: 0.5', '    trap_period: 2', '    timeout: 1'];

export class MonitorLab {
  readonly lab: Lab;
  readonly dir: string;
  readonly token: string;
  readonly writerIp: string;
  readonly readerIps: readonly string[];
  readonly apiPort: number;
  readonly #agents: LabProcess[] = [];
  readonly #opts: MonitorLabOptions;
  #monitor: ChildProcess | undefined;
  #monitorExit: Promise<number | null> | undefined;
  #logCount = 0;
  #monitorLog = '';
  readonly #api: JsonClient;

  private constructor(lab: Lab, opts: MonitorLabOptions) {
    this.lab = lab;
    this.#opts = opts;
    this.apiPort = opts.apiPort;
    this.dir = join(`/tmp/mmm-lab/${opts.id}`, 'monitor');
    this.token = `lab${opts.id}-monitor-token-0123456789abcdef`;
    this.writerIp = lab.vip(30);
    this.readerIps = [lab.vip(1), lab.vip(2), lab.vip(3), lab.vip(4)];
    const auth = { type: 'token', token: new Secret(this.token) } as const;
    this.#api = new JsonClient({ name: 'monitor', host: '127.0.0.1', port: opts.apiPort, auth, timeoutMs: 15_000 });
  }

  /** Lab up, config files written, an agent answering in every namespace; the monitor is not started. */
  static async up(opts: MonitorLabOptions): Promise<MonitorLab> {
    const m = new MonitorLab(await Lab.up({ id: opts.id }), opts);
    rmSync(m.dir, { recursive: true, force: true });
    mkdirSync(m.dir, { recursive: true });
    writeFileSync(join(m.dir, 'token'), `${m.token}\n`, { mode: 0o600 });
    for (const h of HOSTS) {
      writeFileSync(join(m.dir, `${h}.yaml`), m.configText(h), { mode: 0o600 });
      m.#agents.push(
        m.lab.spawn(h, [...TS_NODE, join(ROOT, 'agent/main.ts'), '--config', join(m.dir, `${h}.yaml`)], {
          logFile: join(m.dir, `${h}-agent.log`),
        }),
      );
    }
    m.writeMonitorConfig();
    const auth = { type: 'token', token: new Secret(m.token) } as const;
    await Promise.all(
      HOSTS.map(async (h) => {
        const c = new JsonClient({ name: `agent ${h}`, host: m.lab.host(h).ip, port: 9989, auth, timeoutMs: 1000 });
        await until(`agent ${h}`, async () => c.get(AGENT_ROUTES.lease.path).then(() => true), 60_000);
        c.close();
      }),
    );
    return m;
  }

  get monFile(): string {
    return join(this.dir, 'mmm_mon.yaml');
  }

  /** The cluster config: for an agent (`self`) or for the monitor and mmm_control (`self` undefined). */
  configText(self?: Host, o: { readonly roles?: (lines: string[]) => string[] } = {}): string {
    const cluster = clusterYaml(this.lab, { stateDir: this.dir, writerIp: this.writerIp, readerIps: this.readerIps });
    return [
      'active_master_role: writer',
      ...(self === undefined ? [] : [`this: ${self}`]),
      'writer_lease: 3',
      'socket:',
      '  type: token',
      `  token_file: ${this.dir}/token`,
      ...(self === undefined
        ? [
            'monitor:',
            '  ip: 127.0.0.1',
            `  port: ${this.apiPort}`,
            `  status_path: ${this.dir}/mmm_mond.status`,
            `  ping_ips: [${HOSTS.map((h) => this.lab.host(h).ip).join(', ')}]`,
            '  tick: 0.5',
            '  agent_timeout: 2',
            ...(this.#opts.monitor ?? []),
          ]
        : []),
      'checks:',
      ...(this.#opts.checks ?? DEFAULT_CHECKS),
      ...(o.roles === undefined ? cluster : o.roles(cluster)),
      '',
    ].join('\n');
  }

  /** (Re)writes the monitor's config file (also read by mmm_control). */
  writeMonitorConfig(text = this.configText()): void {
    writeFileSync(this.monFile, text, { mode: 0o600 });
  }

  /** mmm_mond as a child process; returns once its API answers. Its log goes to a new file each start. */
  async startMonitor(): Promise<void> {
    this.#monitorLog = join(this.dir, `mmm_mond-${++this.#logCount}.log`);
    const fd = openSync(this.#monitorLog, 'a');
    const child = spawn(TS_NODE[0], [...TS_NODE.slice(1), join(ROOT, 'monitor/main.ts'), '--config', this.monFile], {
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.#monitor = child;
    this.#monitorExit = new Promise((res) => {
      child.once('exit', (code) => {
        res(code);
      });
    });
    await until('monitor API', async () => this.#api.get('/v1/health'), 60_000);
  }

  get monitorPid(): number | undefined {
    return this.#monitor?.exitCode === null ? this.#monitor.pid : undefined;
  }

  /** The current monitor process's log (pino JSON lines). */
  monitorLog(): string {
    return this.#monitorLog === '' ? '' : readFileSync(this.#monitorLog, 'utf8');
  }

  /** Sends `signal` to the monitor by PID and waits for its exit status. */
  async stopMonitor(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const pid = this.monitorPid;
    if (pid === undefined) return this.#monitorExit ?? null;
    process.kill(pid, signal);
    const exit = this.#monitorExit;
    this.#monitor = undefined;
    return exit ?? null;
  }

  /** A command through the monitor API (what mmm_control sends). */
  async command(...args: string[]): Promise<CommandResponse> {
    return this.#api.post<CommandResponse>('/v1/command', { args });
  }

  async get<T>(path: string): Promise<T> {
    return this.#api.get<T>(path);
  }

  /** mmm_control as a real process with this lab's config: stdout, stderr, exit status, duration. */
  async control(...argv: string[]): Promise<ProcessResult> {
    const started = Date.now();
    const child = spawn(
      TS_NODE[0],
      [...TS_NODE.slice(1), join(ROOT, 'control/main.ts'), '--config', this.monFile, ...argv],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const code = await new Promise<number | null>((res) => {
      child.once('close', (c) => {
        res(c);
      });
    });
    return { code, stdout, stderr, ms: Date.now() - started };
  }

  async vipsOn(h: Host): Promise<Set<string>> {
    return boundVips(this.lab, h);
  }

  async readersOn(h: Host): Promise<string[]> {
    return [...(await this.vipsOn(h))].filter((ip) => this.readerIps.includes(ip));
  }

  /** Every VIP bound on every host, sorted, per host. */
  async allVips(): Promise<string[][]> {
    return Promise.all(HOSTS.map(async (h) => [...(await this.vipsOn(h))].sort()));
  }

  /** set_online for every host (first start) and waits for MMM's layout: writer on db1, one reader each. */
  async bringOnline(): Promise<void> {
    for (const h of HOSTS) {
      await until(`set_online ${h}`, async () => {
        const r = await this.command('set_online', h);
        return r.exitCode === 0 ? r : undefined;
      });
    }
    await until('roles bound', async () => {
      const vips = await Promise.all(HOSTS.map(async (h) => this.vipsOn(h)));
      const readers = vips.map((v) => [...v].filter((ip) => this.readerIps.includes(ip)).length);
      return vips[0]?.has(this.writerIp) === true && readers.every((n) => n === 1) ? true : undefined;
    });
  }

  /** The state of `h` in `show`. */
  async stateOf(h: Host): Promise<string | undefined> {
    const show = await this.command('show');
    return new RegExp(`^ {2}${h}\\([0-9.]+\\) \\w+/(\\w+)\\.`, 'm').exec(show.text)?.[1];
  }

  async down(): Promise<readonly string[]> {
    this.#api.close();
    const pid = this.monitorPid;
    if (pid !== undefined) {
      process.kill(pid, 'SIGKILL');
      await this.#monitorExit;
    }
    await Promise.all(this.#agents.map(async (a) => a.stop()));
    return (await this.lab.down()).leftovers;
  }
}
