// THE configuration schema: every key of both formats, with its kind (type and range), default, the programs
// that require it and a description (the daemon sections live in schema-daemons.ts). Loaders, validation,
// --check-config output and the converter all read this table; nothing about a key is described elsewhere. Durations are seconds (fractions allowed; a
// unit suffix ms/s/m/h is accepted). Keys marked `extension` are ours, not MMM 2.2.1's.
import type { CheckConfig, Config, HostConfig, RoleConfig } from './types.js';
import { absolutePath, boolean, integer, ip, list, oneOf, optional, secret, seconds, text, word } from './kinds.js';
import { AGENT_KEYS, MONITOR_KEYS, SOCKET_KEYS, port } from './schema-daemons.js';
import { flattenSchema, type FlatKey, type SectionSchema } from './schema-def.js';
import type { SectionType } from './raw.js';

const A = 'AGENT' as const;
const M = 'MONITOR' as const;

const hostName = (): ReturnType<typeof word> => word('a host name');

export type GlobalFields = Pick<Config, 'this' | 'debug' | 'activeMasterRole' | 'agent'>;

export const GLOBAL_KEYS: SectionSchema<GlobalFields> = {
  this: {
    key: 'this',
    kind: optional(hostName()),
    required: [A],
    description: 'Name of the local host (the <host> section this agent serves).',
  },
  debug: {
    key: 'debug',
    kind: boolean(),
    default: false,
    description: 'Log at debug level (MMM: also stay in the foreground; ours always do).',
  },
  activeMasterRole: {
    key: 'active_master_role',
    kind: word('a role name'),
    required: [A, M],
    description: 'The exclusive role whose holder is the writable master (normally writer).',
  },
  agent: { group: AGENT_KEYS },
};

export const HOST_KEYS: SectionSchema<Omit<HostConfig, 'name'>> = {
  ip: {
    key: 'ip',
    kind: ip(),
    required: [A, M],
    description: "The host's own fixed IP: MySQL, agent and ping address.",
  },
  mode: {
    key: 'mode',
    kind: oneOf(['master', 'slave'], 'slave'),
    required: [A, M],
    description: 'master (may hold the writer) or slave.',
  },
  peer: {
    key: 'peer',
    kind: optional(hostName()),
    requiredIf: { key: 'mode', value: 'master' },
    description: 'The other master (required for mode master).',
  },
  agentPort: { key: 'agent_port', kind: port, default: 9989, description: 'Agent API port.' },
  mysqlPort: { key: 'mysql_port', kind: port, default: 3306, description: 'MySQL port.' },
  clusterInterface: {
    key: 'cluster_interface',
    kind: word('a network interface name'),
    required: [A],
    description: 'Network interface the agent binds VIPs on.',
  },
  agentUser: {
    key: 'agent_user',
    kind: text('a MySQL user name'),
    required: [A],
    description: 'MySQL account of the agent.',
  },
  agentPassword: { key: 'agent_password', kind: secret(), required: [A], description: 'Password of agent_user.' },
  monitorUser: {
    key: 'monitor_user',
    kind: text('a MySQL user name'),
    required: [M],
    description: 'MySQL account of the checks.',
  },
  monitorPassword: { key: 'monitor_password', kind: secret(), required: [M], description: 'Password of monitor_user.' },
  replicationUser: {
    key: 'replication_user',
    kind: text('a MySQL user name'),
    required: [A],
    description: 'Account replicas use to connect to their master (CHANGE MASTER).',
  },
  replicationPassword: {
    key: 'replication_password',
    kind: secret(),
    required: [A],
    description: 'Password of replication_user.',
  },
  pidPath: {
    key: 'pid_path',
    kind: optional(absolutePath()),
    description: 'Agent PID file (optional here; MMM required it).',
  },
  binPath: {
    key: 'bin_path',
    kind: optional(absolutePath()),
    description: 'MMM agent helper directory (accepted, unused).',
  },
  statePath: {
    key: 'state_path',
    kind: absolutePath(),
    default: '/var/lib/mysql-mmm/mmm_agentd.state',
    extension: true,
    description: "Agent's persistent state (last monitor epoch). Set it per cluster when one host runs several agents.",
  },
};

export const ROLE_KEYS: SectionSchema<Omit<RoleConfig, 'name'>> = {
  mode: {
    key: 'mode',
    kind: oneOf(['balanced', 'exclusive']),
    required: [M],
    description: 'exclusive (one IP, one holder) or balanced.',
  },
  hosts: {
    key: 'hosts',
    kind: list('a comma list of host names', hostName()),
    required: [M],
    description: 'Hosts that may hold the role, in preference order for ties.',
  },
  ips: {
    key: 'ips',
    kind: list('a comma list of IP addresses', ip()),
    required: [A, M],
    description: 'The virtual IPs.',
  },
  prefer: {
    key: 'prefer',
    kind: optional(hostName()),
    description: 'Preferred holder, one of hosts (exclusive roles only).',
  },
};

export const CHECK_KEYS: SectionSchema<Omit<CheckConfig, 'name'>> = {
  checkPeriod: {
    key: 'check_period',
    kind: seconds(0.05, 3600),
    default: 5,
    unit: 's',
    description: 'Time between two checks of a host.',
  },
  trapPeriod: {
    key: 'trap_period',
    kind: seconds(0, 3600),
    default: 10,
    unit: 's',
    description: 'How long a failure must persist before it is reported.',
  },
  timeout: { key: 'timeout', kind: seconds(0.05, 300), default: 2, unit: 's', description: 'Timeout of one check.' },
  restartAfter: {
    key: 'restart_after',
    kind: integer(0, 1_000_000_000),
    default: 10000,
    description: 'Accepted for compatibility; has no effect (MMM 2.2.1 never applied it either).',
  },
  maxBacklog: {
    key: 'max_backlog',
    kind: seconds(0, 604800),
    default: 60,
    unit: 's',
    description: 'rep_backlog: seconds behind master above which the check fails.',
  },
};

/** MMM tools keys (mmm_backup/mmm_clone): accepted so shared files keep working, otherwise ignored. */
export const IGNORED_KEYS: Readonly<Partial<Record<SectionType, readonly string[]>>> = {
  global: ['default_copy_method', 'clone_dirs'],
  host: [
    'mysql_pidfile',
    'mysql_rcscript',
    'mysql_cnf',
    'ssh_user',
    'ssh_port',
    'ssh_parameters',
    'tools_user',
    'tools_password',
    'backup_dir',
    'restore_dir',
    'lvm_bin_lvcreate',
    'lvm_bin_lvremove',
    'lvm_snapshot_size',
    'lvm_logical_volume',
    'lvm_volume_group',
    'lvm_mount_dir',
    'lvm_mount_opts',
  ],
};

/** Every section's keys, flattened: the single table the loaders and renderers walk. */
export const CONFIG_SCHEMA: Readonly<Record<SectionType, readonly FlatKey[]>> = {
  global: flattenSchema(GLOBAL_KEYS),
  monitor: flattenSchema(MONITOR_KEYS),
  socket: flattenSchema(SOCKET_KEYS),
  host: flattenSchema(HOST_KEYS),
  role: flattenSchema(ROLE_KEYS),
  check: flattenSchema(CHECK_KEYS),
};

export function findKey(section: SectionType, key: string): FlatKey | undefined {
  return CONFIG_SCHEMA[section].find((k) => k.def.key === key);
}
