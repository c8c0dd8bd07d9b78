// A lab cluster run the way an operator runs it: a MariaDB lab (test/lab), mmm_agentd from dist/ inside the
// namespaces of the chosen hosts, mmm_mond from dist/ in the root namespace as a child process, configured
// in YAML (as test/integration/monitor/daemon.test.ts and test/demo/demo.ts do). Everything started here is
// stopped by PID in stop(); the lab goes down with it.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AGENT_ROUTES } from '../../../common/api/agent.js';
import type { CommandResponse } from '../../../common/api/monitor.js';
import { Secret } from '../../../common/config/secret.js';
import { JsonClient } from '../../../common/http/client.js';
import { Lab, boundVips, clusterYaml, labDir, type LabProcess } from '../../lab/index.js';

export const ROOT = resolve(import.meta.dirname, '../../..');

export interface CheckProfile {
  readonly checkPeriod: number;
  readonly trapPeriod: number;
  readonly timeout: number;
}

export interface ClusterOptions {
  readonly id: number;
  readonly hosts?: number;
  readonly semiSync?: boolean;
  /** Hosts that get an agent (default every host). */
  readonly agentsOn?: readonly string[];
  /** undefined: the configuration's defaults (check_period 5, trap_period 10, timeout 2). */
  readonly checks?: CheckProfile;
  /** Extra `monitor:` lines (YAML, without indentation), e.g. 'tick: 0.5'. */
  readonly monitorExtra?: readonly string[];
  readonly progress?: (line: string) => void;
  /** Extra top-level YAML lines, e.g. 'writer_lease: 0'. */
  readonly extra?: readonly string[];
  /** Longest wait for the monitor's API after its start (default 60 s; its startup runs every check once). */
  readonly apiTimeoutMs?: number;
  /**
   * false: a monitor that does not bring the agent hosts ONLINE in time is not an error (`bootIssue` says
   * what failed); the scale suite measures its cost all the same. Default true.
   */
  readonly requireOnline?: boolean;
  /** false: agents only, no monitor (direct agent calls). Default true. */
  readonly monitor?: boolean;
}

/** One line of the monitor's JSON log. */
export interface LogLine {
  readonly atEpochMs: number;
  readonly level: string;
  readonly msg: string;
  readonly host?: string;
}

export async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last instanceof Error ? ` (${last.message})` : ''}`);
    await sleep(100);
  }
}

/** Reads a pino JSON log file (lines that do not parse are skipped). */
export function readJsonLog(file: string): LogLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: LogLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const j = JSON.parse(line) as { time?: unknown; level?: unknown; msg?: unknown; host?: unknown };
      const at = typeof j.time === 'string' ? Date.parse(j.time) : typeof j.time === 'number' ? j.time : NaN;
      if (!Number.isFinite(at) || typeof j.msg !== 'string') continue;
      out.push({
        atEpochMs: at,
        level: String(j.level),
        msg: j.msg,
        ...(typeof j.host === 'string' ? { host: j.host } : {}),
      });
    } catch {
      // a partly written line
    }
  }
  return out;
}

export class BenchCluster {
  readonly lab: Lab;
  readonly dir: string;
  readonly writerIp: string;
  readonly readerIps: readonly string[];
  readonly agentHosts: readonly string[];
  readonly agents = new Map<string, LabProcess>();
  readonly monitorLog: string;
  readonly monitorConfig: string;
  readonly apiPort: number;
  private monitor: ChildProcess | undefined;
  private monitorExit: Promise<void> | undefined;
  private readonly api: JsonClient;
  private readonly token: string;

  private constructor(lab: Lab, agentHosts: readonly string[]) {
    this.lab = lab;
    this.dir = join(labDir(lab.id), 'bench');
    this.writerIp = lab.vip(0);
    this.agentHosts = agentHosts;
    this.readerIps = agentHosts.slice(0, 30).map((_, i) => lab.vip(i + 1));
    this.monitorLog = join(this.dir, 'mmm_mond.log');
    this.monitorConfig = join(this.dir, 'mmm_mon.yaml');
    this.apiPort = 20_000 + lab.id;
    this.token = `bench-${lab.id}-${process.pid}-${Date.now().toString(36)}-token`;
    this.api = new JsonClient({
      name: 'monitor',
      host: '127.0.0.1',
      port: this.apiPort,
      auth: { type: 'token', token: new Secret(this.token) },
      timeoutMs: 15_000,
    });
  }

  get monitorPid(): number | undefined {
    return this.monitor?.pid;
  }

  /** Lab startup time (ms). */
  labUpMs = 0;
  /** Monitor process start → its API answers (ms). */
  monitorStartMs = 0;
  /** With requireOnline false: why the hosts did not all come ONLINE with db1 the writer. */
  bootIssue: string | undefined;

  /** Lab up, agents answering, monitor running with every agent host ONLINE and db1 the open writer. */
  static async start(o: ClusterOptions): Promise<BenchCluster> {
    const say = o.progress ?? ((): void => undefined);
    const t0 = performance.now();
    const lab = await Lab.up({ id: o.id, hosts: o.hosts ?? 4, semiSync: o.semiSync ?? true });
    say(`lab ${o.id} up with ${lab.hosts.length} hosts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const c = new BenchCluster(lab, o.agentsOn ?? lab.hosts.map((h) => h.name));
    c.labUpMs = Math.round(performance.now() - t0);
    try {
      await c.boot(o);
    } catch (e) {
      c.keepLogs();
      await c.stop();
      throw e;
    }
    return c;
  }

  private configText(self: string | undefined, o: ClusterOptions): string {
    const pingIps = this.lab.hosts.slice(0, 4).map((h) => h.ip);
    return [
      'active_master_role: writer',
      ...(self === undefined ? [] : [`this: ${self}`]),
      ...(o.extra ?? []),
      'socket:',
      '  type: token',
      `  token_file: ${this.dir}/token`,
      'monitor:',
      '  ip: 127.0.0.1',
      `  port: ${this.apiPort}`,
      `  status_path: ${this.dir}/mmm_mond.status`,
      `  ping_ips: [${pingIps.join(', ')}]`,
      ...(o.monitorExtra ?? []).map((l) => `  ${l}`),
      ...(o.checks === undefined
        ? []
        : [
            'checks:',
            '  default:',
            `    check_period: ${o.checks.checkPeriod}`,
            `    trap_period: ${o.checks.trapPeriod}`,
            `    timeout: ${o.checks.timeout}`,
          ]),
      ...clusterYaml(this.lab, { stateDir: this.dir, writerIp: this.writerIp, readerIps: this.readerIps }),
      '',
    ].join('\n');
  }

  private async boot(o: ClusterOptions): Promise<void> {
    const say = o.progress ?? ((): void => undefined);
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(this.dir, 'token'), `${this.token}\n`, { mode: 0o600 });
    for (const h of this.agentHosts) {
      writeFileSync(join(this.dir, `${h}.yaml`), this.configText(h, o), { mode: 0o600 });
      this.startAgent(h);
    }
    writeFileSync(this.monitorConfig, this.configText(undefined, o), { mode: 0o600 });
    await Promise.all(this.agentHosts.map(async (h) => this.waitAgent(h)));
    say(`${this.agentHosts.length} agents answer`);
    if (o.monitor === false) return;
    const log = openSync(this.monitorLog, 'a');
    this.monitor = spawn(process.execPath, [join(ROOT, 'dist/monitor/main.js'), '--config', this.monitorConfig], {
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    const child = this.monitor;
    this.monitorExit = new Promise((r) => {
      child.once('exit', () => {
        r();
      });
    });
    const spawnedAt = performance.now();
    await until(
      'the monitor API',
      async () => this.api.get('/v1/health', { timeoutMs: 1_000 }),
      o.apiTimeoutMs ?? 60_000,
    );
    this.monitorStartMs = Math.round(performance.now() - spawnedAt);
    try {
      for (const h of this.agentHosts) {
        await until(
          `set_online ${h}`,
          async () => {
            const r = await this.command('set_online', h);
            if (r.exitCode === 0 || r.text.includes('already ONLINE')) return r;
            throw new Error(r.text.trim()); // kept as the reason if it never succeeds
          },
          60_000,
        );
      }
      await this.waitWriter('db1', 60_000);
    } catch (e) {
      if (o.requireOnline !== false) throw e;
      this.bootIssue = (e as Error).message;
      say(`monitor up (PID ${this.monitor.pid ?? '?'}) but not all ONLINE: ${this.bootIssue}`);
      return;
    }
    say(`monitor up (PID ${this.monitor.pid ?? '?'}): ${this.agentHosts.length} hosts ONLINE, writer on db1`);
  }

  startAgent(host: string): LabProcess {
    const p = this.lab.spawn(
      host,
      [process.execPath, join(ROOT, 'dist/agent/main.js'), '--config', join(this.dir, `${host}.yaml`)],
      { logFile: join(this.dir, `${host}-agent.log`) },
    );
    this.agents.set(host, p);
    return p;
  }

  agentClient(host: string, timeoutMs = 10_000): JsonClient {
    return new JsonClient({
      name: `agent ${host}`,
      host: this.lab.host(host).ip,
      port: 9989,
      auth: { type: 'token', token: new Secret(this.token) },
      timeoutMs,
    });
  }

  async waitAgent(host: string): Promise<void> {
    const c = this.agentClient(host, 500);
    try {
      await until(`agent ${host}`, async () => c.get(AGENT_ROUTES.lease.path), 60_000);
    } finally {
      c.close();
    }
  }

  /** Waits until `host` holds the writer VIP and is writable, every agent host holds a reader VIP. */
  async waitWriter(host: string, timeoutMs: number): Promise<void> {
    await until(
      `writer on ${host}`,
      async () => {
        const vips = await Promise.all(this.agentHosts.map(async (h) => boundVips(this.lab, h)));
        const writerOk = vips[this.agentHosts.indexOf(host)]?.has(this.writerIp) === true;
        const readersOk = vips.every((v) => [...v].some((ip) => this.readerIps.includes(ip)));
        if (!writerOk || !readersOk) return undefined;
        const rows = await this.lab.sql(host, 'SELECT @@GLOBAL.read_only AS ro');
        return Number(rows[0]?.['ro']) === 0 ? true : undefined;
      },
      timeoutMs,
    );
  }

  async command(...args: string[]): Promise<CommandResponse> {
    return this.api.post<CommandResponse>('/v1/command', { args });
  }

  async metrics(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.apiPort}/metrics`, {
      headers: { authorization: `Bearer ${this.token}` },
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status}`);
    return res.text();
  }

  /** The monitor's log lines at or after `sinceEpochMs`. */
  monitorLines(sinceEpochMs = 0): LogLine[] {
    return readJsonLog(this.monitorLog).filter((l) => l.atEpochMs >= sinceEpochMs);
  }

  /** Agent log lines of `host` at or after `sinceEpochMs`. */
  agentLines(host: string, sinceEpochMs = 0): LogLine[] {
    return readJsonLog(join(this.dir, `${host}-agent.log`)).filter((l) => l.atEpochMs >= sinceEpochMs);
  }

  /** Copies the daemons' logs out of the lab directory (which `down` removes) to /tmp/mmm-bench-logs/. */
  keepLogs(): string {
    const to = join('/tmp/mmm-bench-logs', `lab${this.lab.id}-${new Date().toISOString().replace(/[:.]/g, '')}`);
    mkdirSync(to, { recursive: true });
    for (const f of readdirSync(this.dir).filter((x) => x.endsWith('.log')))
      copyFileSync(join(this.dir, f), join(to, f));
    return to;
  }

  /** SIGKILL of one agent (whole-host loss), by PID. */
  async killAgent(host: string): Promise<void> {
    const a = this.agents.get(host);
    if (a === undefined) return;
    process.kill(a.pid, 'SIGKILL');
    await a.exited;
  }

  /** Monitor (SIGTERM, then SIGKILL), agents, lab: everything by PID. */
  async stop(): Promise<void> {
    this.api.close();
    const m = this.monitor;
    if (m?.pid !== undefined && m.exitCode === null && m.signalCode === null) {
      m.kill('SIGTERM');
      const exited = await Promise.race([this.monitorExit?.then(() => true), sleep(5_000).then(() => false)]);
      if (exited !== true) {
        m.kill('SIGKILL');
        await this.monitorExit;
      }
    }
    await Promise.all([...this.agents.values()].map(async (a) => a.stop(2_000)));
    const report = await this.lab.down();
    if (report.leftovers.length > 0) throw new Error(`lab ${this.lab.id} leftovers: ${report.leftovers.join('; ')}`);
  }
}
