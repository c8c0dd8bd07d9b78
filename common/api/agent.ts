// Contract between mmm_mond and mmm_agentd (and between agents, for the writer lease). The agent is the
// monitor's hands on one DB host: it converges the host to the desired state, runs the failover steps the
// monitor calls one by one, and reports what is really there. agent/README.md documents every route.
//
//   GET  /v1/status         -> AgentStatusReport
//   PUT  /v1/desired-state  body DesiredState   -> DesiredStateResult   (409 MMM_STALE_EPOCH if older)
//   POST /v1/ops/fence      body FenceRequest   -> FenceResult
//   POST /v1/ops/catch-up   body CatchUpRequest -> CatchUpResult        (504 MMM_CATCHUP_TIMEOUT)
//   POST /v1/ops/promote    body PromoteRequest -> PromoteResult
//   POST /v1/ops/repoint    body RepointRequest -> RepointResult        (500 MMM_REPLICATION_BROKEN)
//   GET  /v1/lease          -> LeaseAnswer      (asked by peer agents before a lease self-fence; lease relay)
//
// Every route requires authentication (`Authorization: Bearer <token>`, or a client certificate with
// `<socket> type ssl`). Errors are `{ error: { code, message, retryable, details? } }` with the code's status.
// Ordering: every mutating request carries the monitor's `epoch` (a generation that grows whenever a monitor
// starts or takes over); desired states also carry `seq`, which grows with every desired state of one epoch.
// The agent persists the newest (epoch, seq) it accepted and refuses anything older.

export const AGENT_API_VERSION = 1;

export const AGENT_ROUTES = {
  status: { method: 'GET', path: '/v1/status' },
  desiredState: { method: 'PUT', path: '/v1/desired-state' },
  fence: { method: 'POST', path: '/v1/ops/fence' },
  catchUp: { method: 'POST', path: '/v1/ops/catch-up' },
  promote: { method: 'POST', path: '/v1/ops/promote' },
  repoint: { method: 'POST', path: '/v1/ops/repoint' },
  lease: { method: 'GET', path: '/v1/lease' },
  disks: { method: 'GET', path: '/v1/disks' },
} as const;

/** Host states the monitor can set (spec §2.1). A fresh agent reports UNKNOWN until its first desired state. */
export const HOST_STATES = [
  'ONLINE',
  'ADMIN_OFFLINE',
  'HARD_OFFLINE',
  'AWAITING_RECOVERY',
  'REPLICATION_DELAY',
  'REPLICATION_FAIL',
] as const;
export type HostState = (typeof HOST_STATES)[number];

/** Monitor generation + message counter; compared lexicographically. */
export interface MonitorStamp {
  readonly epoch: number;
  readonly seq: number;
}

export interface RoleIp {
  readonly role: string;
  readonly ip: string;
}

// ---- desired state ---------------------------------------------------------------------------------------

export interface DesiredState {
  /** The agent's own host name (`this`); a request meant for another host is refused. */
  readonly host: string;
  readonly epoch: number;
  readonly seq: number;
  readonly state: HostState;
  /** Every role IP this host should hold. The writer role is only opened after POST /v1/ops/promote. */
  readonly roles: readonly RoleIp[];
  /** Host name of the active master (holder of active_master_role), or null when there is none. */
  readonly activeMaster: string | null;
  /**
   * Lease relay: the writer host whose writer lease this agent may vouch for to its peers (GET /v1/lease). Set
   * only while the monitor cannot reach that host's agent but its replicas still replicate from it; absent or
   * null otherwise (the monitor omits it then, so older agents keep working).
   */
  readonly leaseRelay?: string | null;
}

/** What one executed step did. Steps run in order; a failed step does not stop the fencing steps after it. */
export interface StepResult {
  readonly action: AgentActionKind;
  /** The VIP, the session count, the source host...: what the step acted on. */
  readonly target?: string;
  readonly ok: boolean;
  /** True when the step was not run (e.g. MySQL already known to be unreachable). */
  readonly skipped?: boolean;
  readonly durationMs: number;
  readonly detail?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

export type AgentActionKind =
  | 'deny-writes'
  | 'kill-sessions'
  | 'remove-vip'
  | 'add-vip'
  | 'allow-writes'
  | 'stop-replication'
  | 'start-replication'
  | 'reset-replication'
  | 'change-source'
  | 'verify-replication'
  | 'revoke-writer'
  | 'grant-writer';

export interface DesiredStateResult {
  /** False when the same state was already in place: no step ran. */
  readonly changed: boolean;
  readonly stamp: MonitorStamp;
  readonly steps: readonly StepResult[];
  readonly durationMs: number;
  readonly writer: WriterView;
}

// ---- failover operations ---------------------------------------------------------------------------------

interface OpRequest {
  readonly host: string;
  readonly epoch: number;
}

/** Deny writes (read_only=1, on MySQL also super_read_only=1), kill client sessions, drop the writer VIPs. */
export interface FenceRequest extends OpRequest {
  readonly reason?: string;
}

export interface FenceResult {
  /** True when writes are denied (read_only confirmed) and no writer VIP is bound any more. */
  readonly fenced: boolean;
  /** true: read_only=1 confirmed; false: could not be set; null: MySQL unreachable (down or hung). */
  readonly writesDenied: boolean | null;
  readonly sessionsKilled: number;
  readonly vipsRemoved: readonly string[];
  readonly steps: readonly StepResult[];
  readonly durationMs: number;
}

/** A replication position: GTID state and/or binlog coordinates of the source. */
export interface Position {
  readonly gtid: string | null;
  readonly file: string | null;
  readonly pos: number | null;
}

/** Wait until the relay log is applied: up to `target`, or (default) up to everything already received. */
export interface CatchUpRequest extends OpRequest {
  readonly timeoutMs: number;
  readonly target?: { readonly gtid: string } | { readonly file: string; readonly pos: number };
}

export interface CatchUpResult {
  readonly target: Position;
  /** Executed position after the wait. */
  readonly reached: Position;
  readonly waitedMs: number;
  readonly durationMs: number;
}

/**
 * Open this host as the writer: optionally stop (and reset) its replication from the old master, bind and
 * announce the writer VIP (gratuitous ARP in the background), then allow writes.
 */
export interface PromoteRequest extends OpRequest {
  /** keep: leave replication alone; stop: STOP SLAVE/REPLICA; reset: stop and forget the old source. */
  readonly replication: 'keep' | 'stop' | 'reset';
}

export interface PromoteResult {
  readonly writerIps: readonly string[];
  /** The writer's own binlog position when it opened (GTID and coordinates). */
  readonly position: Position;
  readonly steps: readonly StepResult[];
  readonly durationMs: number;
}

/** Point replication at a new source by GTID, or at exact coordinates the monitor computed. */
export interface RepointRequest extends OpRequest {
  readonly source: { readonly host: string; readonly ip: string; readonly port: number };
  readonly position:
    { readonly mode: 'gtid' } | { readonly mode: 'coordinates'; readonly file: string; readonly pos: number };
  /** MASTER_HEARTBEAT_PERIOD in seconds (default 1; must stay below slave_net_timeout). */
  readonly heartbeatPeriodS?: number;
  /** MASTER_CONNECT_RETRY in seconds (default 1). */
  readonly connectRetryS?: number;
  /** How long to wait for both replication threads to run afterwards (default 5000). */
  readonly verifyTimeoutMs?: number;
}

export interface RepointResult {
  readonly replication: ReplicationView;
  readonly steps: readonly StepResult[];
  readonly durationMs: number;
}

// ---- lease -------------------------------------------------------------------------------------------------

export interface LeaseAnswer {
  readonly host: string;
  /** Newest monitor epoch this agent accepted (null: never heard from a monitor). */
  readonly epoch: number | null;
  /** Milliseconds since this agent last accepted a request from the monitor (null: never). */
  readonly lastMonitorContactAgoMs: number | null;
  /** The host named by `leaseRelay` in the newest desired state this agent accepted (null: none). */
  readonly relayFor: string | null;
  /** Milliseconds since this agent received that desired state (null with relayFor null). */
  readonly relayAgoMs: number | null;
  /** Monitor epoch of that desired state (null with relayFor null). */
  readonly relayEpoch: number | null;
}

// ---- status report ---------------------------------------------------------------------------------------

export type IoThreadState = 'yes' | 'no' | 'connecting';

export interface ReplicationView {
  /** Configured host name of the source (mapped from its IP), or null when the IP is not a configured host. */
  readonly sourceHost: string | null;
  readonly sourceIp: string;
  readonly sourcePort: number;
  readonly ioRunning: IoThreadState;
  readonly sqlRunning: boolean;
  readonly secondsBehind: number | null;
  /** MariaDB Using_Gtid (slave_pos/current_pos/no); MySQL: auto_position or no. */
  readonly usingGtid: string;
  /** What the IO thread received (Gtid_IO_Pos / Retrieved_Gtid_Set; Master_Log_File / Read_Master_Log_Pos). */
  readonly received: Position;
  /** What the SQL thread applied (gtid_slave_pos / Executed_Gtid_Set; Relay_Master_Log_File / Exec_Master_Log_Pos). */
  readonly executed: Position;
  readonly lastIoErrno: number;
  readonly lastIoError: string;
  readonly lastSqlErrno: number;
  readonly lastSqlError: string;
}

export interface GtidView {
  /** MariaDB @@gtid_binlog_pos, MySQL @@gtid_executed. */
  readonly binlogPos: string | null;
  /** MariaDB @@gtid_binlog_state (errant-transaction checks); null on MySQL. */
  readonly binlogState: string | null;
  /** MariaDB @@gtid_slave_pos; null on MySQL. */
  readonly slavePos: string | null;
  /** MariaDB @@gtid_current_pos; null on MySQL. */
  readonly currentPos: string | null;
}

/** What the agent reads from its MySQL server. */
export interface MysqlFacts {
  readonly flavor: 'mariadb' | 'mysql';
  readonly version: string;
  readonly readOnly: boolean;
  /** MySQL only; null on MariaDB. */
  readonly superReadOnly: boolean | null;
  readonly uptimeS: number;
  readonly serverId: number;
  readonly gtid: GtidView;
  /** SHOW MASTER / BINARY LOG STATUS, or null when binary logging is off. */
  readonly binlog: { readonly file: string; readonly pos: number } | null;
  /** null when the host replicates from nobody. */
  readonly replication: ReplicationView | null;
}

export type MysqlView =
  | ({ readonly up: true } & MysqlFacts)
  | {
      readonly up: false;
      /** MMM_MYSQL_UNREACHABLE (down), MMM_TIMEOUT (hung), ...: why the agent could not read it. */
      readonly error: { readonly code: string; readonly message: string };
    };

/**
 * none: not the writer. open: promoted and holding the writer role. pending-promote: the desired state names
 * this host writer but the monitor has not called promote yet (or the lease fenced it since).
 */
export type WriterHolding = 'none' | 'open' | 'pending-promote';

export interface WriterView {
  readonly holding: WriterHolding;
  readonly lease: LeaseView;
}

export interface LeaseView {
  readonly enabled: boolean;
  readonly leaseMs: number;
  readonly lastMonitorContactAgoMs: number | null;
  /**
   * ok: in contact (or not the writer). held: expired, but every peer that answered has not heard from the
   * monitor either, so the monitor is presumed down and writes stay open. relayed: renewed through a peer
   * that the monitor told to vouch for this writer (lease relay). self-fenced: expired and fenced.
   */
  readonly state: 'ok' | 'held' | 'relayed' | 'self-fenced';
  readonly message: string | null;
  /** The last lease self-fence of this agent process, kept after contact resumes so the monitor can see it. */
  readonly lastSelfFence: { readonly agoMs: number; readonly message: string } | null;
}

/** A filesystem mysqld writes to, as the agent's statfs sees it. */
export interface DiskView {
  readonly path: string;
  /** What mysqld keeps there. */
  readonly holds: readonly ('datadir' | 'binlog')[];
  /** Bytes an unprivileged writer can still use. */
  readonly freeBytes: number;
  readonly totalBytes: number;
}

/** GET /v1/disks: the disk part of the status alone, without touching MySQL (answers while mysqld is stuck). */
export interface DisksAnswer {
  readonly host: string;
  readonly disks: readonly DiskView[];
}

export interface AgentStatusReport {
  readonly apiVersion: number;
  readonly agentVersion: string;
  readonly host: string;
  readonly interface: string;
  readonly osUptimeS: number;
  readonly agentUptimeS: number;
  /** Configured role IPs actually bound on the cluster interface (other addresses are not ours). */
  readonly vips: {
    readonly bound: readonly RoleIp[];
    readonly error: { readonly code: string; readonly message: string } | null;
  };
  readonly mysql: MysqlView;
  /** State of the last accepted desired state, from the agent's memory (persisted across restarts). */
  readonly hostState: HostState | 'UNKNOWN';
  readonly roles: readonly RoleIp[];
  readonly activeMaster: string | null;
  readonly stamp: MonitorStamp | null;
  readonly writer: WriterView;
  /** Free space where mysqld writes (absent from older agents; empty when it could not be read). */
  readonly disks?: readonly DiskView[];
}

// ---- request schemas (JSON Schema, used by the agent's fastify routes) ---------------------------------

const name = { type: 'string', minLength: 1, maxLength: 64 } as const;
const ip = { type: 'string', minLength: 1, maxLength: 64 } as const;
const counter = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const opBase = { host: name, epoch: counter } as const;

export const DESIRED_STATE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'epoch', 'seq', 'state', 'roles', 'activeMaster'],
  properties: {
    ...opBase,
    seq: counter,
    state: { type: 'string', enum: HOST_STATES },
    roles: {
      type: 'array',
      maxItems: 256,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['role', 'ip'],
        properties: { role: name, ip },
      },
    },
    activeMaster: { anyOf: [name, { type: 'null' }] },
    leaseRelay: { anyOf: [name, { type: 'null' }] },
  },
} as const;

export const FENCE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'epoch'],
  properties: { ...opBase, reason: { type: 'string', maxLength: 500 } },
} as const;

export const CATCH_UP_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'epoch', 'timeoutMs'],
  properties: {
    ...opBase,
    timeoutMs: { type: 'integer', minimum: 1, maximum: 3_600_000 },
    target: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['gtid'],
          properties: { gtid: { type: 'string', minLength: 1, maxLength: 65536 } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['file', 'pos'],
          properties: { file: { type: 'string', minLength: 1, maxLength: 512 }, pos: counter },
        },
      ],
    },
  },
} as const;

export const PROMOTE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'epoch', 'replication'],
  properties: { ...opBase, replication: { type: 'string', enum: ['keep', 'stop', 'reset'] } },
} as const;

export const REPOINT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'epoch', 'source', 'position'],
  properties: {
    ...opBase,
    source: {
      type: 'object',
      additionalProperties: false,
      required: ['host', 'ip', 'port'],
      properties: { host: name, ip, port: { type: 'integer', minimum: 1, maximum: 65535 } },
    },
    position: {
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['mode'], properties: { mode: { const: 'gtid' } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['mode', 'file', 'pos'],
          properties: {
            mode: { const: 'coordinates' },
            file: { type: 'string', minLength: 1, maxLength: 512 },
            pos: counter,
          },
        },
      ],
    },
    heartbeatPeriodS: { type: 'number', exclusiveMinimum: 0, maximum: 4294967 },
    connectRetryS: { type: 'integer', minimum: 1, maximum: 86400 },
    verifyTimeoutMs: { type: 'integer', minimum: 0, maximum: 600_000 },
  },
} as const;
