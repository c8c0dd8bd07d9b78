// The validated, frozen configuration object. Both input formats (our YAML and MMM 2.2.1 .conf files) load
// into this one shape. Durations are in seconds (fractions allowed), as in MMM's files. Arrays keep config
// order, which is the deterministic order used wherever MMM iterated a Perl hash.
import type { Secret } from './secret.js';

export type ProgramClass = 'MONITOR' | 'AGENT' | 'CONTROL';
export type HostMode = 'master' | 'slave';
export type RoleMode = 'exclusive' | 'balanced';
export type CheckName = 'ping' | 'mysql' | 'rep_threads' | 'rep_backlog';
export const CHECK_NAMES: readonly CheckName[] = ['ping', 'mysql', 'rep_threads', 'rep_backlog'];
export type MonitorMode = 'active' | 'manual' | 'wait' | 'passive';
export type CatchupPolicy = 'abort' | 'promote';

export interface HostConfig {
  readonly name: string;
  /** The host's own fixed IP: MySQL address, agent address, ping target. */
  readonly ip: string;
  readonly mode: HostMode;
  /** The other master (required for mode master). */
  readonly peer: string | undefined;
  readonly agentPort: number;
  readonly mysqlPort: number;
  /** NIC the agent binds VIPs on. */
  readonly clusterInterface: string;
  readonly agentUser: string;
  readonly agentPassword: Secret;
  readonly monitorUser: string;
  readonly monitorPassword: Secret;
  readonly replicationUser: string;
  readonly replicationPassword: Secret;
  readonly pidPath: string | undefined;
  readonly binPath: string | undefined;
  /** Agent's persistent state (last monitor epoch, lease). Always set by the loader; optional for builders. */
  readonly statePath?: string;
}

export interface RoleConfig {
  readonly name: string;
  readonly mode: RoleMode;
  /** Hosts that may hold this role, in config order. */
  readonly hosts: readonly string[];
  readonly ips: readonly string[];
  /** Preferred host (exclusive roles only). */
  readonly prefer: string | undefined;
}

export interface CheckConfig {
  readonly name: CheckName;
  readonly checkPeriod: number;
  readonly trapPeriod: number;
  readonly timeout: number;
  readonly restartAfter: number;
  /** rep_backlog only: seconds behind master above which the check fails. */
  readonly maxBacklog: number;
}

export interface FailoverConfig {
  /** Max seconds a candidate may take to apply its relay log before promotion. */
  readonly catchupTimeout: number;
  /** What to do when catch-up times out. */
  readonly catchupPolicy: CatchupPolicy;
  /** Seconds after an automatic failover during which another one needs an operator acknowledgement. */
  readonly antiFlapWindow: number;
  /** Use replicas' IO-thread view to confirm a dead writer and fail over without waiting trap_period. */
  readonly corroborate: boolean;
  /** Seconds between liveness probes of every host (corroboration). Always set by the loader; optional for builders. */
  readonly livenessPeriod?: number;
  /** Seconds one liveness probe may take. Always set by the loader; optional for builders. */
  readonly livenessTimeout?: number;
  /** Extra seconds to wait after the old writer's lease must have expired (clock drift, scheduling). */
  readonly leaseMargin: number;
  /** Max seconds a planned switchover may pause writes while the target catches up. */
  readonly switchoverTimeout: number;
}

export interface MonitorConfig {
  readonly ip: string;
  readonly port: number;
  readonly pidPath: string | undefined;
  readonly binPath: string | undefined;
  readonly statusPath: string;
  readonly pingIps: readonly string[];
  readonly pingInterval: number;
  readonly flapDuration: number;
  readonly flapCount: number;
  readonly autoSetOnline: number;
  /** Absolute path, or undefined when none is configured/resolvable. */
  readonly killHostBin: string | undefined;
  readonly carefulStartup: boolean;
  readonly mode: MonitorMode;
  readonly waitForOtherMaster: number;
  /** Seconds between monitor ticks (MMM's main loop was ~3 s). */
  readonly tick: number;
  /** Seconds the monitor waits for one agent request. Always set by the loader; optional for builders. */
  readonly agentTimeout?: number;
  readonly failover: FailoverConfig;
}

export type AuthType = 'plain' | 'token' | 'ssl';

export interface SocketConfig {
  /** 'plain' = no authentication (refused unless --insecure). 'token' = shared bearer token. 'ssl' = mutual TLS. */
  readonly type: AuthType;
  readonly token: Secret | undefined;
  readonly tokenFile: string | undefined;
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  readonly caFile: string | undefined;
}

export interface AgentConfig {
  /** Seconds without a valid desired state after which a writer agent fences itself; 0 disables. */
  readonly writerLease: number;
  /** Kill passes for deny-write (MMM max_kill_retries). */
  readonly maxKillRetries: number;
  /**
   * Before a lease self-fence, ask the peer agents; stay open when every peer that answered lost the monitor
   * too (monitor down, not a partition). Always set by the loader; optional for builders (default true).
   */
  readonly leasePeerCheck?: boolean;
}

export interface ConfigSource {
  readonly format: 'mmm' | 'yaml';
  /** Every file read, the main one first. */
  readonly files: readonly string[];
}

export interface ConfigWarning {
  readonly file: string;
  readonly line: number;
  readonly key: string | undefined;
  readonly message: string;
}

export interface Config {
  readonly source: ConfigSource;
  readonly cluster: string | undefined;
  /** Local host name (agent). */
  readonly this: string | undefined;
  readonly debug: boolean;
  readonly activeMasterRole: string;
  readonly hosts: readonly HostConfig[];
  readonly roles: readonly RoleConfig[];
  readonly checks: Readonly<Record<CheckName, CheckConfig>>;
  readonly monitor: MonitorConfig | undefined;
  readonly socket: SocketConfig;
  readonly agent: AgentConfig;
  readonly warnings: readonly ConfigWarning[];
}
