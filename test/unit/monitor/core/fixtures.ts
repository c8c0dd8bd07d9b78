// Builders for the monitor core's tests: the lab's seed layout (db1/db2 masters, db3/db4 slaves, one writer VIP,
// four reader VIPs), check statuses, and models with chosen states and role owners.
import type { DiskView } from '../../../../common/api/agent.js';
import type { CheckName, Config, HostConfig, MonitorConfig, RoleConfig } from '../../../../common/config/types.js';
import { Secret } from '../../../../common/config/secret.js';
import { buildTopology } from '../../../../monitor/core/topology.js';
import { initialModel } from '../../../../monitor/core/model.js';
import { runCommand } from '../../../../monitor/core/commands/index.js';
import type { CommandOutcome } from '../../../../monitor/core/commands/context.js';
import type {
  CheckStatus,
  ClusterModel,
  HostChecks,
  HostModel,
  HostState,
  Mode,
} from '../../../../monitor/core/types.js';

export const T0 = Date.UTC(2026, 10, 22, 2, 3, 45);
export const WRITER_IP = '198.18.0.100';
export const READER_IPS = ['198.18.0.101', '198.18.0.102', '198.18.0.103', '198.18.0.104'];

export function host(name: string, ip: string, mode: 'master' | 'slave', peer?: string): HostConfig {
  return {
    name,
    ip,
    mode,
    peer,
    agentPort: 9989,
    mysqlPort: 3306,
    clusterInterface: 'eth0',
    agentUser: 'mmm_agent',
    agentPassword: new Secret('agentpass'),
    monitorUser: 'mmm_monitor',
    monitorPassword: new Secret('monpass'),
    replicationUser: 'repl',
    replicationPassword: new Secret('replpass'),
    pidPath: undefined,
    binPath: undefined,
  };
}

export function role(
  name: string,
  mode: 'exclusive' | 'balanced',
  hosts: readonly string[],
  ips: readonly string[],
  prefer?: string,
): RoleConfig {
  return { name, mode, hosts, ips, prefer };
}

export const SEED_HOSTS: readonly HostConfig[] = [
  host('db1', '198.18.0.11', 'master', 'db2'),
  host('db2', '198.18.0.12', 'master', 'db1'),
  host('db3', '198.18.0.13', 'slave'),
  host('db4', '198.18.0.14', 'slave'),
];

export const SEED_ROLES: readonly RoleConfig[] = [
  role('writer', 'exclusive', ['db1', 'db2'], [WRITER_IP]),
  role('reader', 'balanced', ['db1', 'db2', 'db3', 'db4'], READER_IPS),
];

export interface ConfigOverrides {
  readonly hosts?: readonly HostConfig[];
  readonly roles?: readonly RoleConfig[];
  readonly monitor?: Partial<MonitorConfig>;
  readonly activeMasterRole?: string;
}

const check = (name: CheckName) => ({
  name,
  checkPeriod: 5,
  trapPeriod: 10,
  timeout: 2,
  restartAfter: 10000,
  maxBacklog: 60,
});

/** The seed cluster config with MMM's defaults; override any part. */
export function seedConfig(o: ConfigOverrides = {}): Config {
  const monitor: MonitorConfig = {
    ip: '127.0.0.1',
    port: 9988,
    pidPath: undefined,
    binPath: undefined,
    statusPath: '/tmp/mmm_mond.status',
    pingIps: ['198.18.0.11'],
    pingInterval: 1,
    flapDuration: 3600,
    flapCount: 3,
    autoSetOnline: 0,
    killHostBin: undefined,
    carefulStartup: true,
    mode: 'active',
    waitForOtherMaster: 120,
    tick: 1,
    failover: {
      catchupTimeout: 30,
      catchupPolicy: 'abort',
      antiFlapWindow: 3600,
      corroborate: true,
      leaseMargin: 1,
      switchoverTimeout: 10,
    },
    ...o.monitor,
  };
  return {
    source: { format: 'yaml', files: ['test.yaml'] },
    cluster: undefined,
    this: undefined,
    debug: false,
    activeMasterRole: o.activeMasterRole ?? 'writer',
    hosts: o.hosts ?? SEED_HOSTS,
    roles: o.roles ?? SEED_ROLES,
    checks: {
      ping: check('ping'),
      mysql: check('mysql'),
      rep_threads: check('rep_threads'),
      rep_backlog: check('rep_backlog'),
    },
    monitor,
    socket: {
      type: 'token',
      token: new Secret('t'),
      tokenFile: undefined,
      certFile: undefined,
      keyFile: undefined,
      caFile: undefined,
    },
    agent: { writerLease: 10, maxKillRetries: 10 },
    warnings: [],
  };
}

export type CheckFlags = Partial<Record<CheckName, boolean | 'unknown'>>;

const DEFAULT_MESSAGE: Record<CheckName, string> = {
  ping: 'OK',
  mysql: 'OK',
  rep_threads: 'OK',
  rep_backlog: 'OK: Backlog is null',
};

/** Check statuses: all OK unless a flag says false (failed) or 'unknown'. */
export function checks(flags: CheckFlags = {}, at = T0): HostChecks {
  const one = (c: CheckName): CheckStatus => {
    const f = flags[c] ?? true;
    if (f === 'unknown') return { state: 'unknown', message: '', lastChange: at };
    return f
      ? { state: 'ok', message: DEFAULT_MESSAGE[c], lastChange: at }
      : { state: 'failed', message: `ERROR: ${c} failed`, lastChange: at };
  };
  return { ping: one('ping'), mysql: one('mysql'), rep_threads: one('rep_threads'), rep_backlog: one('rep_backlog') };
}

export interface HostSpec extends Partial<Omit<HostModel, 'checks' | 'name'>> {
  readonly checks?: CheckFlags | HostChecks;
}

function isHostChecks(c: CheckFlags | HostChecks): c is HostChecks {
  return typeof c.ping === 'object';
}

export interface ModelSpec {
  readonly mode?: Mode;
  readonly passiveCause?: string;
  /** Default state of hosts not listed in `hosts`. */
  readonly state?: HostState;
  readonly hosts?: Readonly<Record<string, HostSpec>>;
  /** ip → owner ('' or absent: orphaned). */
  readonly owners?: Readonly<Record<string, string>>;
}

/** A model of `config` where every host is `spec.state` (default ONLINE, online since long ago), checks OK. */
export function model(config: Config, spec: ModelSpec = {}): ClusterModel {
  const topo = buildTopology(config);
  const base = initialModel(topo, T0);
  const hosts: Record<string, HostModel> = {};
  for (const name of topo.hostNames) {
    const s = spec.hosts?.[name] ?? {};
    const { checks: c, ...rest } = s;
    const state = rest.state ?? spec.state ?? 'ONLINE';
    hosts[name] = {
      ...base.hosts[name]!,
      state,
      lastStateChange: T0 - 3_600_000,
      onlineSince: state === 'ONLINE' ? T0 - 3_600_000 : 0,
      ...rest,
      checks: c === undefined ? checks() : isHostChecks(c) ? c : checks(c),
    };
  }
  return {
    mode: spec.mode ?? 'ACTIVE',
    passiveCause: spec.passiveCause ?? (spec.mode === 'PASSIVE' ? 'Admin switched to passive mode.' : ''),
    hosts,
    roles: base.roles.map((r) => {
      const owner = spec.owners?.[r.ip];
      return { ...r, owner: owner === '' ? undefined : owner };
    }),
  };
}

/** The seed layout after distribution: db1 writer + reader .104, db2 .101, db3 .102, db4 .103. */
export const SEED_OWNERS: Readonly<Record<string, string>> = {
  [WRITER_IP]: 'db1',
  '198.18.0.101': 'db2',
  '198.18.0.102': 'db3',
  '198.18.0.103': 'db4',
  '198.18.0.104': 'db1',
};

/** Owners of the model's role IPs, ip → host (orphans left out). */
export function owners(m: ClusterModel): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of m.roles) if (s.owner !== undefined) out[s.ip] = s.owner;
  return out;
}

export interface CommandOptions {
  readonly cfg?: Config;
  readonly now?: number;
  /** Hosts whose agent did not answer at the last tick. */
  readonly unreachable?: readonly string[];
  readonly failback?: boolean;
  /** UTC offset in minutes (default 0). */
  readonly offset?: number;
  /** Disk reports per host (the agents' last status). */
  readonly disks?: Readonly<Record<string, readonly DiskView[]>>;
}

/** Runs one mmm_control command against `m`. */
export function command(m: ClusterModel, args: readonly string[], o: CommandOptions = {}): CommandOutcome {
  return runCommand(m, args, {
    config: o.cfg ?? seedConfig(),
    now: o.now ?? T0,
    agentReachable: (h) => !(o.unreachable ?? []).includes(h),
    utcOffset: () => o.offset ?? 0,
    options: { failback: o.failback ?? true },
    ...(o.disks === undefined ? {} : { disks: o.disks }),
  });
}
