// A lab cluster with our daemons running, as test/integration/monitor/daemon.test.ts starts them: mmm_agentd in
// every host's namespace (lab.spawn) and mmm_mond as a child process in the root namespace, both through tsx
// (no build needed), logs in `<dir>/out`. The chaos harness and the live security test drive it: monitor
// commands over its API, kill/restart of agents and of the monitor, SIGHUP, the real VIP holders.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { CommandResponse } from '../../common/api/monitor.js';
import { Secret } from '../../common/config/secret.js';
import { JsonClient } from '../../common/http/client.js';
import { Lab, boundVips, type LabOptions, type LabProcess } from '../lab/index.js';
import { daemonConfig, type DaemonConfigOptions } from './config.js';

export const ROOT = resolve(import.meta.dirname, '../..');
/** node with the tsx loader: runs our .ts entry points directly. */
export const TS_NODE = [
  process.execPath,
  '--import',
  pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href,
] as const;

/** Polls `f` every 250 ms until it returns something other than undefined. */
export async function until<T>(
  what: string,
  f: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
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
    await sleep(250);
  }
}

export interface ClusterOptions {
  readonly id: number;
  readonly lab?: Omit<LabOptions, 'id'>;
  /** Default: a token derived from the lab id. */
  readonly token?: string;
  /** Everything of DaemonConfigOptions but what the cluster fills in itself. */
  readonly config?: Omit<DaemonConfigOptions, 'lab' | 'dir' | 'writerIp' | 'readerIps' | 'apiPort' | 'token'>;
  /** Bring every host ONLINE (set_online) and wait for MMM's role layout. Default true. */
  readonly online?: boolean;
  readonly progress?: (line: string) => void;
}

export class Cluster {
  readonly lab: Lab;
  readonly dir: string;
  readonly out: string;
  readonly writerIp: string;
  readonly readerIps: readonly string[];
  readonly apiPort: number;
  readonly token: string;
  readonly hosts: readonly string[];
  readonly #options: DaemonConfigOptions;
  readonly #agents = new Map<string, LabProcess>();
  /** When each host was last seen becoming ONLINE (Date.now()), as far as the harness knows. */
  readonly onlineSince = new Map<string, number>();
  #monitor: ChildProcess | undefined;
  #api: JsonClient;

  private constructor(lab: Lab, o: ClusterOptions) {
    this.lab = lab;
    this.dir = `/tmp/mmm-lab/${lab.id}/daemons`;
    this.out = join(this.dir, 'out');
    this.writerIp = lab.vip(30);
    this.readerIps = lab.hosts.map((_, i) => lab.vip(i + 1));
    this.apiPort = 19000 + lab.id;
    this.token = o.token ?? `chaos-token-${lab.id}-0123456789abcdef`;
    this.hosts = lab.hosts.map((h) => h.name);
    this.#options = {
      ...o.config,
      lab,
      dir: this.dir,
      writerIp: this.writerIp,
      readerIps: this.readerIps,
      apiPort: this.apiPort,
      token: this.token,
    };
    this.#api = this.#client();
  }

  /** Lab up, configs written, agents and monitor started; with `online`, every host ONLINE with MMM's layout. */
  static async start(o: ClusterOptions): Promise<Cluster> {
    const lab = await Lab.up({ id: o.id, ...o.lab });
    const c = new Cluster(lab, o);
    try {
      rmSync(c.dir, { recursive: true, force: true });
      mkdirSync(c.out, { recursive: true });
      for (const h of c.hosts) c.writeAgentConfig(h, c.agentConfigText(h));
      c.writeMonitorConfig(c.monitorConfigText());
      return c;
    } catch (e) {
      await lab.down();
      throw e;
    }
  }

  /** Starts the agents and the monitor (after a test changed the lab, e.g. created users). */
  async run(o: { online?: boolean; progress?: (line: string) => void } = {}): Promise<void> {
    for (const h of this.hosts) this.startAgent(h);
    await Promise.all(this.hosts.map(async (h) => this.waitAgent(h)));
    o.progress?.('agents answer');
    this.startMonitor();
    await until('monitor API', async () => ((await this.command('ping')).exitCode === 0 ? true : undefined), 60_000);
    o.progress?.('monitor answers');
    if (o.online === false) return;
    for (const h of this.hosts) {
      await until(`set_online ${h}`, async () => {
        const r = await this.command('set_online', h);
        return r.exitCode === 0 || r.text.includes('is already ONLINE') ? r : undefined;
      });
    }
    await until('writer VIP on db1 and every host ONLINE', async () => {
      const show = await this.command('show');
      const online = show.text.split('\n').filter((l) => l.includes('/ONLINE. Roles: ')).length;
      return online === this.hosts.length && (await this.writerHolders()).join() === 'db1' ? true : undefined;
    });
    for (const h of this.hosts) this.onlineSince.set(h, Date.now());
    o.progress?.('all hosts ONLINE, db1 writer');
  }

  agentConfigText(h: string): string {
    return daemonConfig(h, this.#options);
  }

  monitorConfigText(): string {
    return daemonConfig(undefined, this.#options);
  }

  get monitorConfigFile(): string {
    return join(this.dir, 'mmm_mon.yaml');
  }

  agentConfigFile(h: string): string {
    return join(this.dir, `${h}.yaml`);
  }

  writeMonitorConfig(text: string): void {
    writeFileSync(this.monitorConfigFile, text, { mode: 0o600 });
  }

  writeAgentConfig(h: string, text: string): void {
    writeFileSync(this.agentConfigFile(h), text, { mode: 0o600 });
  }

  #client(): JsonClient {
    return new JsonClient({
      name: 'monitor',
      host: '127.0.0.1',
      port: this.apiPort,
      auth: { type: 'token', token: new Secret(this.token) },
      timeoutMs: 10_000,
      unreachableCode: 'MMM_MONITOR_UNREACHABLE',
    });
  }

  async command(...args: string[]): Promise<CommandResponse> {
    return this.#api.post<CommandResponse>('/v1/command', { args });
  }

  async health(): Promise<{ status: string; mode: string; epoch: number }> {
    return this.#api.get('/v1/health');
  }

  /** Hosts that have the writer VIP bound right now (ip addr in their namespaces). */
  async writerHolders(): Promise<string[]> {
    const held = await Promise.all(
      this.hosts.map(async (h) => ((await boundVips(this.lab, h)).has(this.writerIp) ? h : '')),
    );
    return held.filter((h) => h !== '');
  }

  /** `host(ip) mode/STATE. Roles: ...` → host → STATE, from `mmm_control show`. */
  async states(): Promise<Record<string, string>> {
    const show = await this.command('show');
    const out: Record<string, string> = {};
    for (const m of show.text.matchAll(/^ {2}(\S+)\([^)]*\) \w+\/(\w+)/gm)) out[m[1] ?? ''] = m[2] ?? '';
    return out;
  }

  /** host → role IPs as `mmm_control show` lists them (`Roles: reader(ip), writer(ip)`). */
  async shownVips(): Promise<Record<string, string[]>> {
    const show = await this.command('show');
    const out: Record<string, string[]> = {};
    for (const m of show.text.matchAll(/^ {2}(\S+)\([^)]*\) \S+\. Roles: ?(.*)$/gm)) {
      out[m[1] ?? ''] = [...(m[2] ?? '').matchAll(/\w+\(([\d.]+)\)/g)].map((r) => r[1] ?? '');
    }
    return out;
  }

  logFile(name: string): string {
    return join(this.out, name);
  }

  log(name: string): string {
    try {
      return readFileSync(this.logFile(name), 'utf8');
    } catch {
      return '';
    }
  }

  // ---- agents ----

  startAgent(h: string): LabProcess {
    const p = this.lab.spawn(h, [...TS_NODE, join(ROOT, 'agent/main.ts'), '--config', this.agentConfigFile(h)], {
      logFile: this.logFile(`agent-${h}.log`),
    });
    this.#agents.set(h, p);
    return p;
  }

  async waitAgent(h: string, timeoutMs = 60_000): Promise<void> {
    const c = new JsonClient({
      name: `agent ${h}`,
      host: this.lab.host(h).ip,
      port: 9989,
      auth: { type: 'token', token: new Secret(this.token) },
      timeoutMs: 1000,
    });
    try {
      await until(`agent ${h}`, async () => c.get('/v1/lease').then(() => true), timeoutMs);
    } finally {
      c.close();
    }
  }

  agentPid(h: string): number | undefined {
    return this.#agents.get(h)?.pid;
  }

  /** SIGKILL the agent of `h` (by PID) and wait until it is gone. */
  async killAgent(h: string): Promise<void> {
    const p = this.#agents.get(h);
    if (p === undefined) return;
    process.kill(p.pid, 'SIGKILL');
    await p.exited;
    this.#agents.delete(h);
  }

  async stopAgent(h: string): Promise<void> {
    await this.#agents.get(h)?.stop();
    this.#agents.delete(h);
  }

  signalAgent(h: string, signal: NodeJS.Signals): void {
    const pid = this.agentPid(h);
    if (pid === undefined) throw new Error(`agent ${h} is not running`);
    process.kill(pid, signal);
  }

  /** Agents that exited although nobody stopped them: host → exit. */
  async deadAgents(): Promise<string[]> {
    const dead: string[] = [];
    for (const [h, p] of this.#agents) {
      const state = await Promise.race([p.exited.then(() => 'exited'), sleep(5).then(() => 'running')]);
      if (state === 'exited') dead.push(h);
    }
    return dead;
  }

  // ---- monitor ----

  startMonitor(): ChildProcess {
    const fd = openSync(this.logFile('mmm_mond.log'), 'a');
    try {
      const args = [...TS_NODE.slice(1), join(ROOT, 'monitor/main.ts'), '--config', this.monitorConfigFile];
      this.#monitor = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    this.#api.close();
    this.#api = this.#client();
    return this.#monitor;
  }

  get monitorPid(): number | undefined {
    return this.#monitor?.exitCode === null ? this.#monitor.pid : undefined;
  }

  get monitorRunning(): boolean {
    return this.#monitor !== undefined && this.#monitor.exitCode === null && this.#monitor.signalCode === null;
  }

  signalMonitor(signal: NodeJS.Signals): void {
    const pid = this.monitorPid;
    if (pid === undefined) throw new Error('monitor is not running');
    process.kill(pid, signal);
  }

  /** Stops the monitor (SIGTERM, or SIGKILL at once / after 10 s) and waits for its exit. */
  async stopMonitor(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const m = this.#monitor;
    if (m?.pid === undefined || m.exitCode !== null || m.signalCode !== null) return;
    const exited = new Promise<boolean>((r) => {
      m.once('exit', () => {
        r(true);
      });
    });
    process.kill(m.pid, signal);
    if (!(await Promise.race([exited, sleep(10_000).then(() => false)]))) {
      process.kill(m.pid, 'SIGKILL');
      await exited;
    }
  }

  /** Stops everything and takes the lab down; returns what the lab left behind. */
  async stop(): Promise<string[]> {
    this.#api.close();
    await this.stopMonitor();
    await Promise.all([...this.#agents.values()].map(async (a) => a.stop()));
    this.#agents.clear();
    return [...(await this.lab.down()).leftovers];
  }
}
