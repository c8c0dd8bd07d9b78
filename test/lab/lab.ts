// The lab: N MariaDB hosts, each in its own network namespace on a bridge, replicating in the classic MMM
// layout, with fault injection. `Lab.up` builds one (cleaning a half-built lab of the same id first),
// `lab.down()` / `Lab.down(id)` removes everything again. One process drives a lab id at a time (lock file).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { MmmError } from '../../common/errors/index.js';
import {
  MAX_HOSTS,
  assertLabId,
  bridgeIp,
  dataDir,
  hostDir,
  hostIndex,
  hostIp,
  hostName,
  labDataDir,
  labDir,
  labVip,
  nsName,
  vethName,
  type HostName,
} from './addr.js';
import { checkConsistency, type ConsistencyOptions, type TableConsistency } from './consistency.js';
import { query, text, type QueryOptions, type Row, type Target } from './db.js';
import * as faults from './faults.js';
import { assertRoot, ensurePackages, type Progress } from './install.js';
import { acquireLabLock, releaseLabLock, removeLabLock } from './lock.js';
import { cnfPath, renderHostCnf, socketPath, type CnfValue } from './mycnf.js';
import { createNetwork } from './net.js';
import { run, waitFor, type RunOptions, type RunResult } from './proc.js';
import { sourceOf, startReplica, waitReplicating } from './replication.js';
import { inHost, mariadbdPid, startServer, type HostPlace } from './server.js';
import { formatStatus, readStatus, type HostStatus } from './status.js';
import { spawnProcess, type LabProcess, type SpawnOptions } from './spawn.js';
import { findLeftovers, teardownLab, type DownReport } from './teardown.js';
import { ensureTemplate } from './template.js';
import { LAB_USERS, type Credentials, type LabUser } from './users.js';

export interface LabOptions {
  /** Lab id 0..255: address block 198.18.<id>.0/24, names mmm<id>*, state in /tmp/mmm-lab/<id>/. */
  readonly id: number;
  /** Number of hosts db1..dbN (1..200). Default 4. */
  readonly hosts?: number;
  /** db1 and db2 replicate from each other (default true); otherwise every host replicates from db1. */
  readonly masterMaster?: boolean;
  /**
   * MariaDB built-in semi-synchronous replication: replica side on every host, master side on the hosts
   * that have replicas (db1, and db2 in master-master). Default false.
   */
  readonly semiSync?: boolean;
  /** rpl_semi_sync_master_timeout in ms when semiSync is on. Default 1000. */
  readonly semiSyncTimeoutMs?: number;
  /** slave_net_timeout in seconds. Default 5 (fast failure detection; MariaDB's own default is 60). */
  readonly slaveNetTimeout?: number;
  /** MASTER_HEARTBEAT_PERIOD in seconds, must be below slaveNetTimeout. Default 1. */
  readonly heartbeatPeriod?: number;
  readonly gtidStrictMode?: boolean;
  /** Extra [mariadbd] settings for every host, e.g. { 'max-connections': 200 }. */
  readonly mysqld?: Readonly<Record<string, CnfValue>>;
  /**
   * Give every host's datadir a tmpfs of its own of this many MiB (0: none, the default), so a test can fill
   * one host's disk (chaos `disk-full-writer`) without touching the others. Unmounted by the teardown.
   */
  readonly dataSizeMb?: number;
  /** Install missing system packages (apt-get) before starting. Default true. */
  readonly install?: boolean;
  /** Receives a line per step (the CLI prints them). */
  readonly progress?: Progress;
}

export type ResolvedLabOptions = Required<Omit<LabOptions, 'progress' | 'install'>>;

/** Everything the lab knows about one host. */
export interface LabHost extends HostPlace {
  readonly name: HostName;
  readonly n: number;
  readonly ip: string;
  /** Host-side veth in the root namespace (isolate/heal switch it). */
  readonly veth: string;
  readonly serverId: number;
  /** Host number of its replication source at start, if any. */
  readonly initialSource: number | undefined;
}

export interface SqlOptions extends QueryOptions {
  /** Connect over TCP as this lab user; default: root over the host's Unix socket. */
  readonly user?: LabUser | 'root';
}

function resolveOptions(o: LabOptions): ResolvedLabOptions {
  assertLabId(o.id);
  const r: ResolvedLabOptions = {
    id: o.id,
    hosts: o.hosts ?? 4,
    masterMaster: o.masterMaster ?? true,
    semiSync: o.semiSync ?? false,
    semiSyncTimeoutMs: o.semiSyncTimeoutMs ?? 1_000,
    slaveNetTimeout: o.slaveNetTimeout ?? 5,
    heartbeatPeriod: o.heartbeatPeriod ?? 1,
    gtidStrictMode: o.gtidStrictMode ?? false,
    mysqld: o.mysqld ?? {},
    dataSizeMb: o.dataSizeMb ?? 0,
  };
  if (!Number.isInteger(r.hosts) || r.hosts < 1 || r.hosts > MAX_HOSTS) {
    throw new MmmError('MMM_USAGE', `lab hosts: expected an integer 1..${MAX_HOSTS}, got ${String(r.hosts)}`);
  }
  if (!Number.isInteger(r.dataSizeMb) || r.dataSizeMb < 0 || (r.dataSizeMb > 0 && r.dataSizeMb < 64)) {
    throw new MmmError('MMM_USAGE', `lab dataSizeMb: expected 0 (off) or whole MiB ≥ 64, got ${String(r.dataSizeMb)}`);
  }
  if (!Number.isInteger(r.slaveNetTimeout) || r.slaveNetTimeout < 1) {
    throw new MmmError('MMM_USAGE', `lab slaveNetTimeout: expected whole seconds ≥ 1, got ${r.slaveNetTimeout}`);
  }
  if (!(r.heartbeatPeriod > 0 && r.heartbeatPeriod < r.slaveNetTimeout)) {
    throw new MmmError(
      'MMM_USAGE',
      `lab heartbeatPeriod: expected 0 < heartbeatPeriod < slaveNetTimeout (${r.slaveNetTimeout}), got ${r.heartbeatPeriod}`,
    );
  }
  return r;
}

function describeHosts(o: ResolvedLabOptions): LabHost[] {
  return Array.from({ length: o.hosts }, (_, i) => {
    const n = i + 1;
    const dir = hostDir(o.id, n);
    return {
      name: hostName(n),
      n,
      ip: hostIp(o.id, n),
      ns: nsName(o.id, n),
      veth: vethName(o.id, n),
      dir,
      data: dataDir(o.id, n),
      cnf: cnfPath(dir),
      socket: socketPath(dir),
      serverId: n,
      initialSource: sourceOf(n, o),
    };
  });
}

const stateFile = (id: number): string => `${labDir(id)}/lab.json`;

function copyDir(from: string, to: string): Promise<RunResult> {
  return run(['cp', '-a', from, to]);
}

export class Lab {
  readonly id: number;
  readonly options: ResolvedLabOptions;
  readonly hosts: readonly LabHost[];
  /** Credentials of the lab's MySQL users (root has no password and is reachable only over the socket). */
  readonly users: Readonly<Record<LabUser, Credentials>> = LAB_USERS;
  /** Address of the root namespace on the lab bridge: where a monitor in the root namespace appears from. */
  readonly bridgeIp: string;
  /** The host that is writable after `up` (read_only=0). The tool under test may move the writer later. */
  readonly initialWriter: HostName = 'db1';

  private constructor(options: ResolvedLabOptions) {
    this.id = options.id;
    this.options = options;
    this.hosts = describeHosts(options);
    this.bridgeIp = bridgeIp(options.id);
  }

  /** Builds lab `id` (cleaning whatever exists of it first) and returns once replication runs everywhere. */
  static async up(opts: LabOptions): Promise<Lab> {
    const o = resolveOptions(opts);
    const progress = opts.progress ?? (() => undefined);
    assertRoot('lab up');
    if (opts.install !== false) await ensurePackages(progress);
    await acquireLabLock(o.id);
    const lab = new Lab(o);
    try {
      await lab.build(progress);
    } catch (e) {
      await teardownLab(o.id).catch(() => undefined);
      await releaseLabLock(o.id);
      throw e;
    }
    return lab;
  }

  /**
   * A Lab object for a lab that another process (e.g. the CLI) brought up. Takes the lab's lock unless
   * `lock: false` (read-only use such as `status` while a test drives the lab).
   */
  static async attach(id: number, opts: { lock?: boolean } = {}): Promise<Lab> {
    assertLabId(id);
    const text = await readFile(stateFile(id), 'utf8').catch(() => undefined);
    if (text === undefined) throw new MmmError('MMM_NOT_FOUND', `lab ${id} is not up (no ${stateFile(id)})`);
    if (opts.lock !== false) await acquireLabLock(id);
    return new Lab(JSON.parse(text) as ResolvedLabOptions);
  }

  /** Tears lab `id` down from any state (see DownReport). Takes the lock; `force` ignores a live owner. */
  static async down(id: number, opts: { force?: boolean } = {}): Promise<DownReport> {
    assertLabId(id);
    assertRoot('lab down');
    if (opts.force !== true) await acquireLabLock(id);
    try {
      return await teardownLab(id);
    } finally {
      // forced, the lock may still name the process that brought the lab up (`npm run demo` exits, its lab stays)
      await (opts.force === true ? removeLabLock(id) : releaseLabLock(id));
    }
  }

  /** What of lab `id` exists (namespaces, links, processes, state directory). */
  static leftovers(id: number): Promise<string[]> {
    return findLeftovers(id);
  }

  private async build(progress: Progress): Promise<void> {
    const o = this.options;
    const started = Date.now();
    const [template] = await Promise.all([ensureTemplate(progress), this.cleanIfPresent(progress)]);
    await Promise.all([mkdir(labDir(o.id), { recursive: true }), mkdir(labDataDir(o.id), { recursive: true })]);
    await Promise.all([
      createNetwork(o.id, o.hosts),
      ...this.hosts.map(async (h) => {
        await mkdir(h.dir);
        if (o.dataSizeMb > 0) {
          await mkdir(h.data, { recursive: true });
          await run(['mount', '-t', 'tmpfs', '-o', `size=${o.dataSizeMb}m,mode=0750`, `mmm-lab-${o.id}`, h.data]);
        }
        // into the mounted directory, or as the new directory
        const from = o.dataSizeMb > 0 ? `${template}/.` : template;
        await Promise.all([copyDir(from, h.data), writeFile(h.cnf, this.cnfOf(h))]);
      }),
    ]);
    progress(`lab ${o.id}: network and ${o.hosts} datadirs ready (${Date.now() - started} ms)`);
    await Promise.all(this.hosts.map((h) => startServer(h)));
    progress(`lab ${o.id}: ${o.hosts} servers answer (${Date.now() - started} ms)`);
    await Promise.all(
      this.hosts.map(async (h) => {
        if (h.initialSource !== undefined) {
          await startReplica(this.rootTarget(h), hostIp(o.id, h.initialSource), o.heartbeatPeriod);
        }
      }),
    );
    await query(this.rootTarget(this.host(this.initialWriter)), 'SET GLOBAL read_only = 0');
    await Promise.all(
      this.hosts
        .filter((h) => h.initialSource !== undefined)
        .map((h) => waitReplicating(this.rootTarget(h), h.name, 20_000)),
    );
    await writeFile(stateFile(o.id), JSON.stringify(o, null, 2) + '\n');
    progress(`lab ${o.id}: up, replication running (${Date.now() - started} ms)`);
  }

  private async cleanIfPresent(progress: Progress): Promise<void> {
    const found = await findLeftovers(this.id);
    if (found.length === 0) return;
    progress(`lab ${this.id}: cleaning what exists of it first (${found.length} items)`);
    const report = await teardownLab(this.id);
    if (report.leftovers.length > 0) {
      throw new MmmError('MMM_CONFLICT', `lab ${this.id}: cannot clean up: ${report.leftovers.join('; ')}`);
    }
  }

  private cnfOf(h: LabHost): string {
    const o = this.options;
    return renderHostCnf({
      dir: h.dir,
      data: h.data,
      serverId: h.serverId,
      reportHost: h.ip,
      autoIncrementOffset: h.n % 2 === 1 ? 1 : 2,
      slaveNetTimeout: o.slaveNetTimeout,
      semiSyncTimeoutMs: o.semiSync ? o.semiSyncTimeoutMs : undefined,
      semiSyncMaster: this.hosts.some((r) => r.initialSource === h.n),
      gtidStrictMode: o.gtidStrictMode,
      // db1 serves a binlog dump to every other host: 100 connections (the template's) ran out at 100 hosts
      extra: { 'max-connections': Math.max(100, o.hosts + 60), ...o.mysqld },
    });
  }

  /** Removes everything of this lab and releases its lock. */
  async down(): Promise<DownReport> {
    try {
      return await teardownLab(this.id);
    } finally {
      await releaseLabLock(this.id);
    }
  }

  host(name: string): LabHost {
    const h = this.hosts[hostIndex(name, this.hosts.length) - 1];
    if (h === undefined) throw new MmmError('MMM_USAGE', `lab ${this.id}: no host ${name}`);
    return h;
  }

  /** VIP slot i (0..30) of this lab: 198.18.<id>.(220+i). */
  vip(i: number): string {
    return labVip(this.id, i);
  }

  rootTarget(h: LabHost): Target {
    return { kind: 'socket', socket: h.socket };
  }

  /** Runs one statement on a host; as root over the socket by default, or over TCP as a lab user. */
  async sql(host: string, sql: string, opts: SqlOptions = {}): Promise<Row[]> {
    const h = this.host(host);
    const user = opts.user ?? 'root';
    const target: Target = user === 'root' ? this.rootTarget(h) : { kind: 'tcp', ip: h.ip, user };
    return query(target, sql, opts);
  }

  /** Runs argv inside the host (its namespace and hostname) and returns its output; throws on non-zero exit. */
  async exec(host: string, argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const h = this.host(host);
    return run(inHost(h, argv), opts);
  }

  /** Starts a long-running process inside the host (e.g. the agent under test); output goes to a log file. */
  spawn(host: string, argv: readonly string[], opts: SpawnOptions = {}): LabProcess {
    return spawnProcess(this.host(host), argv, opts);
  }

  /** PID of the host's mariadbd, or undefined when it is not running. */
  async mysqldPid(host: string): Promise<number | undefined> {
    return mariadbdPid(this.host(host));
  }

  /** Per host: reachability, read_only, GTID positions, replication source, thread states and lag. */
  status(): Promise<HostStatus[]> {
    return Promise.all(this.hosts.map((h) => readStatus(h)));
  }

  /**
   * Waits until every host answers and every configured replica runs both threads (or `timeoutMs`, default
   * 15 s, passes: then MMM_REPLICATION_BROKEN with the status of every host).
   */
  async waitHealthy(opts: { hosts?: readonly string[]; timeoutMs?: number } = {}): Promise<HostStatus[]> {
    const names = new Set(opts.hosts ?? this.hosts.map((h) => h.name));
    const timeoutMs = opts.timeoutMs ?? 15_000;
    let last: HostStatus[] = [];
    const healthy = (s: HostStatus): boolean =>
      s.reachable &&
      (s.replication === null || (s.replication?.ioRunning === 'Yes' && s.replication.sqlRunning === 'Yes'));
    try {
      return await waitFor(
        `lab ${this.id} healthy`,
        async () => {
          last = (await this.status()).filter((s) => names.has(s.host));
          return last.every(healthy) ? last : undefined;
        },
        { timeoutMs, intervalMs: 50 },
      );
    } catch {
      throw new MmmError(
        'MMM_REPLICATION_BROKEN',
        `lab ${this.id} not healthy after ${timeoutMs} ms:\n${last.map(formatStatus).join('\n')}`,
      );
    }
  }

  /**
   * Waits until every other running host has applied everything in `from`'s binlog (MASTER_GTID_WAIT).
   * Default: from the initial writer, to all other hosts.
   */
  async sync(opts: { from?: string; hosts?: readonly string[]; timeoutMs?: number } = {}): Promise<void> {
    const from = opts.from ?? this.initialWriter;
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const [row] = await this.sql(from, 'SELECT @@gtid_binlog_pos AS pos');
    const pos = text(row?.['pos']);
    const targets = opts.hosts ?? this.hosts.map((h) => h.name).filter((n) => n !== from);
    await Promise.all(
      targets.map(async (name) => {
        const [r] = await this.sql(name, 'SELECT MASTER_GTID_WAIT(?, ?) AS w', {
          params: [pos, timeoutMs / 1000],
          timeoutMs: timeoutMs + 2_000,
        });
        if (Number(r?.['w']) !== 0) {
          throw new MmmError('MMM_CATCHUP_TIMEOUT', `${name} did not reach ${from}'s GTID ${pos} in ${timeoutMs} ms`);
        }
      }),
    );
  }

  /** Checksums of tables across hosts and, per host, the rows (keys) it lacks. */
  consistency(opts: ConsistencyOptions = {}): Promise<TableConsistency[]> {
    return checkConsistency(this, opts);
  }

  // Faults. Each returns once the fault is in place.

  /** SIGKILL the host's mariadbd; returns its (now dead) PID. */
  async kill(host: string): Promise<number> {
    return faults.killDb(this.host(host));
  }
  /** SIGSTOP the host's mariadbd (a hang: TCP still accepts, nothing answers). */
  async stop(host: string): Promise<number> {
    return faults.freezeDb(this.host(host));
  }
  /** SIGCONT after stop. */
  async cont(host: string): Promise<number> {
    return faults.thawDb(this.host(host));
  }
  /** Cuts the host off the bridge (its veth down); the host keeps its addresses. */
  async isolate(host: string): Promise<void> {
    return faults.linkDown(this.host(host));
  }
  async heal(host: string): Promise<void> {
    return faults.linkUp(this.host(host));
  }
  /** Drops all IPv4 traffic on the host's eth0 (nftables in its namespace), or only from/to `peer`. */
  async drop(host: string, opts: { peer?: string } = {}): Promise<void> {
    return faults.dropTraffic(this.host(host), opts.peer);
  }
  /** Removes the drop for `peer`, or every drop of the host when no peer is given. */
  async undrop(host: string, opts: { peer?: string } = {}): Promise<void> {
    return faults.undropTraffic(this.host(host), opts.peer);
  }
  /** Starts the host's mariadbd again (stopping it first if it runs) and waits until it answers. */
  async restartDb(host: string): Promise<number> {
    return faults.restartDb(this.host(host));
  }
}
