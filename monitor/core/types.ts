// Vocabulary of the monitor's pure core: host states, modes, check status, the per-host and cluster models and
// the records every decision returns (state changes, role moves, log events). Everything here is immutable
// data; functions that change it return new values. Times are epoch milliseconds passed in by the shell.
import { HOST_STATES as AGENT_HOST_STATES } from '../../common/api/agent.js';
import type { CheckName } from '../../common/config/types.js';

/** MMM 2.2.1 host states (spec §2.1): the states the agent contract carries, plus UNKNOWN, which only exists
 *  in the monitor before startup reconciliation. */
export const HOST_STATES = [...AGENT_HOST_STATES, 'UNKNOWN'] as const;
export type HostState = (typeof HOST_STATES)[number];

/** Monitor modes (spec §5), spelled as `mmm_control mode` prints them. */
export const MODES = ['ACTIVE', 'MANUAL', 'WAIT', 'PASSIVE'] as const;
export type Mode = (typeof MODES)[number];

/**
 * Debounced status of one check on one host, as the checks layer reports it (MMM's trap_period already
 * applied). 'unknown' means no result yet; it counts as not OK, as MMM stored its initial UNKNOWN results.
 */
export type CheckState = 'ok' | 'failed' | 'unknown';

export interface CheckStatus {
  readonly state: CheckState;
  /** The text shown by `mmm_control checks` (e.g. `OK: Backlog is null`, `ERROR: Connect error ...`). */
  readonly message: string;
  /** Epoch ms of the last status flip (or of the initial check). */
  readonly lastChange: number;
}

export type HostChecks = Readonly<Record<CheckName, CheckStatus>>;

/** Flap detection data (spec §2.5). Kept in memory only, like MMM. */
export interface FlapData {
  readonly flapping: boolean;
  /** Start of the open counting window (epoch ms), undefined when no window is open. */
  readonly windowStart: number | undefined;
  /** ONLINE→failure transitions counted in the open window. */
  readonly count: number;
}

/** Last replication facts an agent reported for its host; passed through for the failover planner and `show`. */
export interface ReplicationInfo {
  /** Config host name the host replicates from, undefined when none or unknown. */
  readonly masterHost: string | undefined;
  readonly ioRunning: boolean;
  readonly sqlRunning: boolean;
  /** Seconds_Behind_Master; null when the server reports NULL. */
  readonly secondsBehind: number | null;
  /** GTID position as the server reports it (gtid_slave_pos / gtid_executed), when known. */
  readonly gtid: string | undefined;
  /** Epoch ms of the observation. */
  readonly observedAt: number;
}

/** Everything the monitor knows about one host. */
export interface HostModel {
  readonly name: string;
  readonly state: HostState;
  /** Epoch ms of the last real state change. */
  readonly lastStateChange: number;
  /** Epoch ms the host last entered ONLINE; 0 if never (as MMM). */
  readonly onlineSince: number;
  readonly flap: FlapData;
  /** False while MMM's agent_down flag is set: the host keeps its roles but gets no new ones. */
  readonly agentReachable: boolean;
  /** OS uptime (seconds) from the agent's last answer; 0 until one arrives (as MMM). */
  readonly uptime: number;
  /** OS uptime from the last agent answer received while the host was ONLINE (MMM's last_uptime); 0 if none. */
  readonly lastOnlineUptime: number;
  readonly replication: ReplicationInfo | undefined;
  readonly checks: HostChecks;
  /** Kept out of ONLINE by the failover logic (errant transactions, cannot follow the writer); absent: not held. */
  readonly heldOut?: HoldOut;
}

/** Why a host may not go ONLINE although its checks pass (issue 6: rejoin). */
export interface HoldOut {
  /** errant: it has transactions the writer lacks; cannot-follow: repointing it to the writer failed. */
  readonly kind: 'errant' | 'cannot-follow';
  readonly reason: string;
  /** The GTIDs in question ('' when not about GTIDs). */
  readonly gtids: string;
  /** Epoch ms since when. */
  readonly since: number;
}

/** A failover the operator must release (`failover_ack`): the writer role stays orphaned meanwhile. */
export interface FailoverBlock {
  readonly kind: 'catchup-timeout' | 'anti-flap' | 'fence' | 'promote-failed';
  readonly reason: string;
  /** Epoch ms. */
  readonly since: number;
  /** What the operator can do. */
  readonly hint: string;
}

/** Failover bookkeeping of the model (issue 6). */
export interface FailoverState {
  readonly blocked: FailoverBlock | undefined;
  /** Why the orphaned writer role was not placed at the last tick ('' when placed or not orphaned). */
  readonly waiting: string;
  /** The last automatic failover (anti-flap). */
  readonly lastAuto: { readonly at: number; readonly from: string; readonly to: string } | undefined;
  /** The writer role was orphaned by a failure of `from` (an automatic failover is due). */
  readonly orphanedBy: { readonly from: string; readonly at: number } | undefined;
  /** Epoch ms of the last `failover_ack`. */
  readonly acknowledgedAt: number | undefined;
  /** `failover_ack --promote`: the next recovery promotes even if catch-up times out. */
  readonly promoteOnce: boolean;
}

export const NO_FAILOVER: FailoverState = {
  blocked: undefined,
  waiting: '',
  lastAuto: undefined,
  orphanedBy: undefined,
  acknowledgedAt: undefined,
  promoteOnce: false,
};

/** One role IP and the host it is assigned to (undefined: orphaned). */
export interface RoleSlot {
  readonly role: string;
  readonly ip: string;
  readonly owner: string | undefined;
}

/** The whole monitor state the core reasons about. Role slots are in config order (role, then IP). */
export interface ClusterModel {
  readonly mode: Mode;
  /** Why the monitor is PASSIVE (MMM's passive_info); '' otherwise. */
  readonly passiveCause: string;
  readonly hosts: Readonly<Record<string, HostModel>>;
  readonly roles: readonly RoleSlot[];
  /** Failover bookkeeping; absent until the first failover-aware decision (same as NO_FAILOVER). */
  readonly failover?: FailoverState;
}

/** pino level names for MMM's FATAL/ERROR/WARN/INFO log lines. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info';

export interface LogEvent {
  readonly level: LogLevel;
  /** MMM's exact log text where MMM logged one. */
  readonly message: string;
  readonly host?: string;
}

/** Which rule of spec §2.3 (or which admin action) changed a host's state. */
export type TransitionRule =
  | 'online_to_hard_offline'
  | 'online_to_replication_fail'
  | 'online_to_replication_delay'
  | 'awaiting_to_hard_offline'
  | 'awaiting_to_online_flapping_auto'
  | 'awaiting_to_online_short_downtime'
  | 'awaiting_to_online_auto_set_online'
  | 'hard_offline_to_replication_fail'
  | 'hard_offline_to_replication_delay'
  | 'hard_offline_to_awaiting_recovery'
  | 'replication_fail_to_delay'
  | 'replication_delay_to_fail'
  | 'replication_to_awaiting_flapping'
  | 'replication_to_online'
  | 'replication_to_hard_offline'
  | 'admin_set_online'
  | 'admin_set_offline'
  | 'forced_move_target'
  | 'forced_move_old_owner'
  | 'held_out'
  | 'startup';

export interface StateChange {
  readonly host: string;
  readonly from: HostState;
  readonly to: HostState;
  readonly rule: TransitionRule;
  /** Why, in words, for `show`, the audit trail and --json. */
  readonly reason: string;
  /** MMM's FATAL log text for this change. */
  readonly log: string;
}

export type RoleMoveCause = 'orphan' | 'preference' | 'balance' | 'host_state' | 'admin' | 'mode_change' | 'startup';

export interface RoleMove {
  readonly role: string;
  readonly ip: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly cause: RoleMoveCause;
}

export interface ModeChange {
  readonly from: Mode;
  readonly to: Mode;
}

/**
 * One step of pushing desired state to agents: every host in `hosts` gets its SET_STATUS (concurrently), then,
 * if `clearBadRoles`, a CLEAR_BAD_ROLES. Steps run in order (MMM's fencing order: old owner, slaves, new owner).
 */
export interface PushStep {
  readonly hosts: readonly string[];
  readonly clearBadRoles: boolean;
}

/** What an agent should converge to (MMM's SET_STATUS parameters). */
export interface DesiredAgentState {
  readonly state: HostState;
  /** `name(ip)` strings, sorted as MMM sorted them. */
  readonly roles: readonly string[];
  /** Host name of the active master, '' when there is none. */
  readonly activeMaster: string;
}

/** Behaviour switches that are not part of MMM's config. */
export interface CoreOptions {
  /** Move an exclusive role back to its `prefer` host as soon as that host is ONLINE (MMM: always). */
  readonly failback: boolean;
}

export const DEFAULT_OPTIONS: CoreOptions = { failback: true };
