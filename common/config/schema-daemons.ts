// Schema of the daemon sections: <monitor> (with the failover settings, ours), <socket> (authentication)
// and the agent's top-level keys. Part of the single schema table; see schema.ts.
import type { AgentConfig, MonitorConfig, ProgramClass, SocketConfig } from './types.js';
import { absolutePath, boolean, integer, ip, list, oneOf, optional, secret, seconds, text } from './kinds.js';
import type { KeyDef, SectionSchema } from './schema-def.js';

const A = 'AGENT' as const;
const M = 'MONITOR' as const;
const C = 'CONTROL' as const;
/** TCP ports of the monitor and agent APIs and MySQL. */
export const port = integer(1, 65535);

export const AGENT_KEYS: SectionSchema<AgentConfig> = {
  writerLease: {
    key: 'writer_lease',
    kind: seconds(0, 3600),
    default: 3,
    unit: 's',
    extension: true,
    description:
      'An agent holding the writer role that has not heard a valid desired state from the monitor for this long ' +
      'fences itself (deny writes, kill sessions, drop the writer VIP). 0 disables the lease. Must be at least ' +
      'twice the monitor tick.',
  },
  maxKillRetries: {
    key: 'max_kill_retries',
    kind: integer(1, 1000),
    default: 10,
    required: [A],
    description: 'Passes of killing writer sessions when denying writes (MMM §6.5.5).',
  },
  leasePeerCheck: {
    key: 'writer_lease_peer_check',
    kind: boolean(),
    default: true,
    extension: true,
    description:
      'Before fencing itself when its writer lease expires, the agent asks the other agents when they last heard ' +
      'from the monitor; if some answered and none did, the monitor is presumed down and writes stay open ' +
      '(see agent/README.md for the limit of this rule).',
  },
};

const FAILOVER_KEYS: SectionSchema<MonitorConfig['failover']> = {
  catchupTimeout: {
    key: 'catchup_timeout',
    kind: seconds(0.1, 3600),
    default: 10,
    unit: 's',
    extension: true,
    description: 'How long a promotion candidate may take to apply its relay log before catchup_policy decides.',
  },
  catchupPolicy: {
    key: 'catchup_policy',
    kind: oneOf(['abort', 'promote']),
    default: 'abort',
    extension: true,
    description:
      'When catch-up times out: abort (no promotion, writer stays orphaned, alert) or promote (go on and record ' +
      'the transactions that may be missing).',
  },
  antiFlapWindow: {
    key: 'anti_flap_window',
    kind: seconds(0, 604800),
    default: 3600,
    unit: 's',
    extension: true,
    description:
      'After an automatic failover, another one within this window needs an operator acknowledgement. 0 disables.',
  },
  corroborate: {
    key: 'corroborate',
    kind: boolean(),
    default: true,
    extension: true,
    description:
      "Ask the replicas when the writer's checks fail; fail over without waiting trap_period when they agree.",
  },
  livenessPeriod: {
    key: 'liveness_period',
    kind: seconds(0.05, 60),
    default: 0.5,
    unit: 's',
    extension: true,
    description:
      'With corroborate: how often the monitor probes every host and reads its replication progress (a hung ' +
      'writer is judged within about 2 heartbeat periods plus this).',
  },
  livenessTimeout: {
    key: 'liveness_timeout',
    kind: seconds(0.05, 60),
    default: 1,
    unit: 's',
    extension: true,
    description:
      "With corroborate: bound of one liveness probe; no answer within it counts as the monitor's failure " +
      '(reported only when the replicas agree).',
  },
  leaseMargin: {
    key: 'lease_margin',
    kind: seconds(0, 60),
    default: 1,
    unit: 's',
    extension: true,
    description:
      "Extra wait after the old writer's lease must have expired before promoting (clock drift, scheduling).",
  },
  switchoverTimeout: {
    key: 'switchover_timeout',
    kind: seconds(0.1, 600),
    default: 10,
    unit: 's',
    extension: true,
    description: 'Longest write pause of a planned switchover (move_role writer) while the target catches up.',
  },
};

export const MONITOR_KEYS: SectionSchema<MonitorConfig> = {
  ip: {
    key: 'ip',
    kind: ip(),
    required: [M, C],
    description: 'Address the monitor API listens on and mmm_control connects to.',
  },
  port: { key: 'port', kind: port, default: 9988, description: 'Monitor API port.' },
  pidPath: {
    key: 'pid_path',
    kind: optional(absolutePath()),
    description: 'PID file (optional here: MMM required it; under systemd none is needed).',
  },
  binPath: {
    key: 'bin_path',
    kind: optional(absolutePath()),
    description:
      'MMM helper directory; only used to resolve a relative kill_host_bin (optional here, MMM required it).',
  },
  statusPath: {
    key: 'status_path',
    kind: absolutePath(),
    required: [M],
    description: 'Status file (host|STATE|roles).',
  },
  pingIps: {
    key: 'ping_ips',
    kind: list('a comma list of IP addresses', ip()),
    required: [M],
    description: "Addresses that prove the monitor's own network works; while none answers, nothing is changed.",
  },
  pingInterval: {
    key: 'ping_interval',
    kind: seconds(0.1, 60),
    default: 1,
    unit: 's',
    description: 'Network self-check period.',
  },
  flapDuration: {
    key: 'flap_duration',
    kind: seconds(1, 604800),
    default: 3600,
    unit: 's',
    description: 'Window of flap detection.',
  },
  flapCount: {
    key: 'flap_count',
    kind: integer(0, 1000),
    default: 3,
    description: 'Failures within flap_duration that mark a host flapping; 0 disables.',
  },
  autoSetOnline: {
    key: 'auto_set_online',
    kind: seconds(0, 86400),
    default: 0,
    unit: 's',
    description: 'Seconds in AWAITING_RECOVERY after which a host goes ONLINE by itself; 0 disables.',
  },
  killHostBin: {
    key: 'kill_host_bin',
    kind: optional(text('a program path')),
    default: 'kill_host',
    description:
      'Program run to fence a host whose agent cannot be told (args: host name, ping ok 1|0). A relative name is ' +
      'looked up as <bin_path>/monitor/<name>; missing or not executable means no kill program (a warning when set).',
  },
  carefulStartup: {
    key: 'careful_startup',
    kind: boolean(),
    default: true,
    description: 'Start in PASSIVE mode when the writer IP is found on more than one host at startup.',
  },
  mode: {
    key: 'mode',
    kind: oneOf(['active', 'manual', 'wait', 'passive']),
    default: 'active',
    description: 'Mode at startup.',
  },
  waitForOtherMaster: {
    key: 'wait_for_other_master',
    kind: seconds(0, 86400),
    default: 120,
    unit: 's',
    description: 'WAIT mode: switch to ACTIVE after one master was ONLINE this long; 0 waits forever.',
  },
  tick: {
    key: 'tick',
    kind: seconds(0.05, 10),
    default: 1,
    unit: 's',
    extension: true,
    description: 'Period of the monitor loop (MMM: about 3 s).',
  },
  agentTimeout: {
    key: 'agent_timeout',
    kind: seconds(0.05, 60),
    default: 2,
    unit: 's',
    extension: true,
    description: 'Longest wait for one monitor→agent request (MMM: 10 s connect, no read timeout).',
  },
  failover: { group: FAILOVER_KEYS },
};

/** A PEM file of MMM's `<socket> type ssl`, required by those programs when type is ssl. */
function tlsFile(key: string, required: readonly ProgramClass[], description: string): KeyDef<string | undefined> {
  return { key, kind: optional(absolutePath()), required, requiredIf: { key: 'type', value: 'ssl' }, description };
}

export const SOCKET_KEYS: SectionSchema<SocketConfig> = {
  type: {
    key: 'type',
    kind: oneOf(['plain', 'token', 'ssl']),
    default: 'plain',
    description:
      'Authentication of the monitor and agent APIs: token (shared bearer token, ours), ssl (mutual TLS, as MMM) ' +
      'or plain (none: the daemons refuse to start unless --insecure).',
  },
  token: {
    key: 'token',
    kind: optional(secret()),
    extension: true,
    description: 'Shared token for type token (at least 16 characters): in clear, env:VARIABLE or file:/path.',
  },
  tokenFile: {
    key: 'token_file',
    kind: optional(absolutePath()),
    extension: true,
    description: 'File holding the token (first line); same as token file:/path. Keep it mode 600.',
  },
  certFile: tlsFile('cert_file', [A, C, M], 'TLS certificate (type ssl).'),
  keyFile: tlsFile('key_file', [A, C, M], 'TLS private key (type ssl).'),
  caFile: tlsFile('ca_file', [A, M], 'CA that signs the peers\u2019 certificates (type ssl).'),
};
