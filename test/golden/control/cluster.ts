// A real mmm_mond shell (MonitorDaemon + the monitor API over HTTP on 127.0.0.1) with fake agents, fake checks
// and a fixed clock, so that the real mmm_control can be run against it and its output compared byte for
// byte. Only the world around the monitor is fake; the command semantics, rendering and API are the real ones.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  AgentStatusReport,
  DesiredState,
  DesiredStateResult,
  FenceResult,
  PromoteResult,
} from '../../../common/api/agent.js';
import type { CheckName, Config } from '../../../common/config/types.js';
import { Secret } from '../../../common/config/secret.js';
import { MmmError } from '../../../common/errors/index.js';
import type { HttpServer } from '../../../common/http/server.js';
import { silentLogger } from '../../../common/log/index.js';
import type { AgentPort } from '../../../monitor/agent-link.js';
import { createMonitorApi } from '../../../monitor/api.js';
import type { CheckStatusView, ChecksMetrics } from '../../../monitor/checks/index.js';
import { MonitorDaemon, type ChecksPort, type NetworkPort } from '../../../monitor/daemon.js';
import { runControl } from '../../../control/run.js';
import { BASE, tempDir } from '../../unit/common/config/fixture.js';
import { T0, seedConfig, type ConfigOverrides } from '../../unit/monitor/core/fixtures.js';

/** The token of BASE's <socket> section, which the client reads. */
const TOKEN = '0123456789abcdef0123';

/** Agents that do what they are told; a host in `down` refuses every call. */
export class FakeAgents implements AgentPort {
  readonly down = new Set<string>();
  readonly #holding = new Map<string, 'none' | 'open' | 'pending-promote'>();

  #check(host: string): void {
    if (this.down.has(host)) throw new MmmError('MMM_AGENT_UNREACHABLE', `agent ${host}: ECONNREFUSED`);
  }

  async status(host: string): Promise<AgentStatusReport> {
    this.#check(host);
    const report = {
      host,
      osUptimeS: 100_000,
      hostState: 'UNKNOWN',
      roles: [],
      activeMaster: null,
      stamp: null,
      vips: { bound: [], error: null },
      mysql: { up: true, readOnly: host !== 'db1', replication: null },
      writer: { holding: this.#holding.get(host) ?? 'none' },
    };
    return Promise.resolve(report as unknown as AgentStatusReport);
  }

  async push(d: DesiredState): Promise<DesiredStateResult> {
    this.#check(d.host);
    const wantsWriter = d.roles.some((r) => r.role === 'writer');
    const holding = !wantsWriter ? 'none' : this.#holding.get(d.host) === 'open' ? 'open' : 'pending-promote';
    this.#holding.set(d.host, holding);
    return Promise.resolve({ steps: [], writer: { holding } } as unknown as DesiredStateResult);
  }

  async fence(): Promise<FenceResult> {
    return Promise.resolve({} as FenceResult);
  }

  async promote(host: string): Promise<PromoteResult> {
    this.#check(host);
    this.#holding.set(host, 'open');
    return Promise.resolve({} as PromoteResult);
  }

  close(): void {
    this.#holding.clear();
  }
}

const OK_MESSAGE: Record<CheckName, string> = {
  ping: 'OK',
  mysql: 'OK',
  rep_threads: 'OK',
  rep_backlog: 'OK: Backlog is null',
};

/** Debounced check results as the scheduler would report them; everything OK at T0 unless set. */
export class FakeChecks implements ChecksPort {
  readonly #set = new Map<string, CheckStatusView>();

  /** Sets one check of one host (a flip at `at`). */
  set(host: string, check: CheckName, ok: boolean, message: string, at: number): void {
    const view = { result: ok ? 'ok' : 'failed', message, lastChange: at, lastRunAt: at, latencyMs: 1 };
    this.#set.set(`${host}/${check}`, { ...view, lastRaw: undefined } as CheckStatusView);
  }

  getStatuses(host: string): Readonly<Record<string, CheckStatusView>> {
    const view = (c: CheckName): CheckStatusView =>
      this.#set.get(`${host}/${c}`) ??
      ({ result: 'ok', message: OK_MESSAGE[c], lastChange: T0, lastRunAt: T0, latencyMs: 1 } as CheckStatusView);
    return {
      ping: view('ping'),
      mysql: view('mysql'),
      rep_threads: view('rep_threads'),
      rep_backlog: view('rep_backlog'),
    };
  }

  async start(): Promise<void> {
    return Promise.resolve();
  }
  async stop(): Promise<void> {
    return Promise.resolve();
  }
  onChange(): () => void {
    return () => undefined;
  }
  metrics(): ChecksMetrics {
    return { hosts: {} };
  }
}

const network: NetworkPort = {
  haveNet: true,
  waitUntilReachable: async () => Promise.resolve(),
  start: () => undefined,
  stop: async () => Promise.resolve(),
};

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A started monitor with its API on 127.0.0.1 and a client config file pointing at it. */
export class GoldenCluster {
  readonly agents = new FakeAgents();
  readonly checks = new FakeChecks();
  /** The monitor's clock (epoch ms); tests move it forward. */
  now = T0;
  readonly daemon: MonitorDaemon;
  readonly #dir: string;
  #api: HttpServer | undefined;
  #configFile = '';

  private constructor(overrides: ConfigOverrides) {
    this.#dir = mkdtempSync(join(tmpdir(), 'mmm-golden-'));
    const config: Config = seedConfig({
      ...overrides,
      monitor: { statusPath: join(this.#dir, 'status'), tick: 3600, ...overrides.monitor },
    });
    this.daemon = new MonitorDaemon({
      config,
      logger: silentLogger(),
      agents: this.agents,
      checks: this.checks,
      network,
      now: () => this.now,
      runKill: async () => Promise.resolve(),
    });
  }

  static async start(overrides: ConfigOverrides = {}): Promise<GoldenCluster> {
    const c = new GoldenCluster(overrides);
    await c.daemon.start();
    c.#api = await createMonitorApi(c.daemon, { type: 'token', token: new Secret(TOKEN) }, silentLogger());
    await c.#api.listen({ host: '127.0.0.1', port: 0 });
    const port = (c.#api.server.address() as AddressInfo).port;
    const text = BASE.replace('    ip 127.0.0.1\n', `    ip 127.0.0.1\n    port ${port}\n`);
    c.#configFile = join(tempDir({ 'mmm_mon.conf': text }), 'mmm_mon.conf');
    return c;
  }

  get configFile(): string {
    return this.#configFile;
  }

  /** Runs mmm_control (the function main.ts runs) with `argv` after `--config <file>`. */
  async cli(...argv: string[]): Promise<CliResult> {
    let stdout = '';
    let stderr = '';
    const code = await runControl(['--config', this.#configFile, ...argv], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: {},
      searchPath: [],
    });
    return { code, stdout, stderr };
  }

  /** One tick at `now + advanceMs` (the monitor applies check results and distributes roles). */
  async tick(advanceMs = 1000): Promise<void> {
    this.now += advanceMs;
    await this.daemon.tickNow();
  }

  async stop(): Promise<void> {
    await this.#api?.close();
    await this.daemon.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
