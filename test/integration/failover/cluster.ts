// A failover lab for the integration tests of issue 6: a MariaDB lab (semi-sync on), an agent in every
// namespace (run from source through tsx, as test/integration/monitor/daemon.test.ts does), mmm_mond in this
// process, every host set ONLINE with MMM's layout. Helpers read the truth from the hosts themselves
// (VIPs with `ip`, read_only and replication over the socket), never from the monitor's own view alone.
import { cpSync, createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { AGENT_ROUTES } from '../../../common/api/agent.js';
import type { CommandResponse } from '../../../common/api/monitor.js';
import { loadConfigText } from '../../../common/config/index.js';
import { Secret } from '../../../common/config/secret.js';
import { JsonClient } from '../../../common/http/client.js';
import { createLogger } from '../../../common/log/index.js';
import type { RecoveryRecord } from '../../../monitor/core/index.js';
import { startMonitor, type RunningMonitor } from '../../../monitor/run.js';
import { Lab, boundVips, clusterYaml, type LabProcess } from '../../lab/index.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const TS_NODE = [process.execPath, '--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href];
export const HOSTS = ['db1', 'db2', 'db3', 'db4'] as const;

export interface ClusterOptions {
  readonly id: number;
  /** Extra `monitor:` lines (two-space indented keys), e.g. '  catchup_policy: promote'. */
  readonly monitor?: readonly string[];
  readonly writerLease?: number;
}

export class FailoverCluster {
  readonly agents = new Map<string, LabProcess>();
  monitor: RunningMonitor | undefined;
  #api: JsonClient | undefined;

  readonly lab: Lab;
  readonly dir: string;
  readonly writerIp: string;
  readonly readerIps: readonly string[];
  readonly opts: ClusterOptions;

  private constructor(lab: Lab, dir: string, opts: ClusterOptions) {
    this.lab = lab;
    this.dir = dir;
    this.writerIp = lab.vip(30);
    this.readerIps = [lab.vip(1), lab.vip(2), lab.vip(3), lab.vip(4)];
    this.opts = opts;
  }

  static async start(opts: ClusterOptions): Promise<FailoverCluster> {
    const lab = await Lab.up({ id: opts.id, semiSync: true });
    const dir = join(`/tmp/mmm-lab/${opts.id}`, 'failover');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const c = new FailoverCluster(lab, dir, opts);
    try {
      await c.#boot();
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  get token(): string {
    return `lab${this.opts.id}-failover-token-0123456789abcdef`;
  }

  get apiPort(): number {
    return 19900 + this.opts.id;
  }

  configText(self: string | undefined): string {
    const lab = this.lab;
    return [
      'active_master_role: writer',
      ...(self === undefined ? [] : [`this: ${self}`]),
      `writer_lease: ${this.opts.writerLease ?? 3}`,
      'socket:',
      '  type: token',
      `  token_file: ${this.dir}/token`,
      ...(self === undefined
        ? [
            'monitor:',
            '  ip: 127.0.0.1',
            `  port: ${this.apiPort}`,
            `  status_path: ${this.dir}/mmm_mond.status`,
            `  ping_ips: [${lab.bridgeIp}]`,
            '  tick: 0.25',
            '  agent_timeout: 2',
            ...withDefaults(this.opts.monitor ?? [], ['  lease_margin: 1', '  catchup_timeout: 5']),
          ]
        : []),
      'checks:',
      '  default:',
      '    check_period: 0.25',
      '    trap_period: 1',
      '    timeout: 1',
      ...clusterYaml(lab, { stateDir: this.dir, writerIp: this.writerIp, readerIps: this.readerIps }),
      '',
    ].join('\n');
  }

  startAgent(h: string): LabProcess {
    const p = this.lab.spawn(h, [...TS_NODE, join(ROOT, 'agent/main.ts'), '--config', join(this.dir, `${h}.yaml`)], {
      logFile: join(this.dir, `${h}-agent.log`),
    });
    this.agents.set(h, p);
    return p;
  }

  async #boot(): Promise<void> {
    writeFileSync(join(this.dir, 'token'), `${this.token}\n`, { mode: 0o600 });
    for (const h of HOSTS) {
      writeFileSync(join(this.dir, `${h}.yaml`), this.configText(h), { mode: 0o600 });
      this.startAgent(h);
    }
    const auth = { type: 'token', token: new Secret(this.token) } as const;
    await Promise.all(
      HOSTS.map(async (h) => {
        const c = new JsonClient({ name: `agent ${h}`, host: this.lab.host(h).ip, port: 9989, auth, timeoutMs: 500 });
        await until(`agent ${h}`, async () => c.get(AGENT_ROUTES.lease.path).then(() => true), 60_000);
        c.close();
      }),
    );
    const file = join(this.dir, 'mmm_mon.yaml');
    writeFileSync(file, this.configText(undefined), { mode: 0o600 });
    const config = loadConfigText(this.configText(undefined), file, { program: 'MONITOR' });
    const logger = createLogger({
      name: 'mmm_mond',
      level: 'debug',
      destination: createWriteStream(join(this.dir, 'mmm_mond.log')),
    });
    this.monitor = await startMonitor(config, { insecure: false, logger });
    this.#api = new JsonClient({ name: 'monitor', host: '127.0.0.1', port: this.apiPort, auth, timeoutMs: 60_000 });
    for (const h of HOSTS) {
      await until(`set_online ${h}`, async () => {
        const r = await this.command('set_online', h);
        return r.exitCode === 0 || r.text.includes('is already ONLINE') ? r : undefined;
      });
    }
    await until('writer VIP on db1 and db1 writable', async () =>
      (await this.vipHolders(this.writerIp)).join() === 'db1' && (await this.readOnly('db1')) === 0 ? true : undefined,
    );
  }

  async command(...args: string[]): Promise<CommandResponse> {
    if (this.#api === undefined) throw new Error('monitor API not started');
    return this.#api.post<CommandResponse>('/v1/command', { args });
  }

  async get<T>(path: string): Promise<T> {
    if (this.#api === undefined) throw new Error('monitor API not started');
    return this.#api.get<T>(path);
  }

  get history(): readonly RecoveryRecord[] {
    return this.monitor?.daemon.history ?? [];
  }

  async vipHolders(ip: string): Promise<string[]> {
    const holders: string[] = [];
    for (const h of HOSTS) if ((await boundVips(this.lab, h)).has(ip)) holders.push(h);
    return holders;
  }

  /** @@read_only over the socket (works while the host is cut off); undefined when mysqld does not answer. */
  async readOnly(h: string): Promise<number | undefined> {
    try {
      const [row] = await this.lab.sql(h, 'SELECT @@GLOBAL.read_only AS ro', { timeoutMs: 1000 });
      return Number(row?.['ro']);
    } catch {
      return undefined;
    }
  }

  async sourceOf(h: string): Promise<{ source: string; io: string; sql: string } | undefined> {
    const [row] = await this.lab.sql(h, 'SHOW SLAVE STATUS', { timeoutMs: 2000 });
    if (row === undefined) return undefined;
    const ip = String(row['Master_Host']);
    const source = HOSTS.find((x) => this.lab.host(x).ip === ip) ?? ip;
    return { source, io: String(row['Slave_IO_Running']), sql: String(row['Slave_SQL_Running']) };
  }

  state(h: string): string | undefined {
    return this.monitor?.daemon.model.hosts[h]?.state;
  }

  async stop(): Promise<void> {
    this.#api?.close();
    await this.monitor?.stop();
    await Promise.all([...this.agents.values()].map(async (a) => a.stop()));
    this.agents.clear();
  }

  /** Stops everything and removes the lab; the logs are kept in /tmp/mmm-failover-logs/<id>/. */
  async down(): Promise<readonly string[]> {
    await this.stop();
    const keep = join('/tmp/mmm-failover-logs', String(this.opts.id));
    rmSync(keep, { recursive: true, force: true });
    mkdirSync(keep, { recursive: true });
    cpSync(this.dir, keep, { recursive: true, filter: (f) => !f.endsWith('token') });
    return (await this.lab.down()).leftovers;
  }
}

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
    await sleep(100);
  }
}

/** `lines` plus every default whose key `lines` does not set. */
function withDefaults(lines: readonly string[], defaults: readonly string[]): string[] {
  const key = (l: string): string => l.trim().split(':')[0] ?? '';
  const set = new Set(lines.map(key));
  return [...lines, ...defaults.filter((d) => !set.has(key(d)))];
}
