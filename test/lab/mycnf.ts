// my.cnf of a lab server. Small memory settings (about 55 MB RSS per server), binlog with log_slave_updates,
// GTID replication, every server read-only at start (the lab opens the writer, the tool under test decides
// after that), bind-address 0.0.0.0 so VIPs added later are served.

export type CnfValue = string | number | boolean;

/** Settings shared by the template build and every server: they shape the datadir's files. */
export const DATADIR_SETTINGS: Readonly<Record<string, CnfValue>> = {
  'innodb-buffer-pool-size': '16M',
  'innodb-log-file-size': '4M',
  'innodb-log-buffer-size': '2M',
  'character-set-server': 'utf8mb4',
  'collation-server': 'utf8mb4_general_ci',
  'skip-name-resolve': 'ON',
  'performance-schema': 'OFF',
};

const SMALL_FOOTPRINT: Readonly<Record<string, CnfValue>> = {
  'innodb-flush-log-at-trx-commit': 2,
  'innodb-doublewrite': 0,
  'sync-binlog': 0,
  'key-buffer-size': '1M',
  'aria-pagecache-buffer-size': '1M',
  'max-connections': 100,
  'table-open-cache': 200,
  'table-definition-cache': 400,
  'thread-cache-size': 4,
  'tmp-table-size': '1M',
  'max-heap-table-size': '1M',
  'query-cache-size': 0,
  'query-cache-type': 0,
};

export interface HostCnf {
  readonly dir: string;
  readonly data: string;
  readonly serverId: number;
  readonly reportHost: string;
  readonly autoIncrementOffset: number;
  readonly slaveNetTimeout: number;
  /** Semi-synchronous replication (MariaDB built-in): master side timeout in ms, or undefined for off. */
  readonly semiSyncTimeoutMs: number | undefined;
  /**
   * Whether the master side is on. Only for hosts with replicas: a leaf with it on would make its own
   * replication applier wait for an acknowledgement nobody sends (rpl_semi_sync_master_timeout, then off).
   */
  readonly semiSyncMaster: boolean;
  readonly gtidStrictMode: boolean;
  readonly extra: Readonly<Record<string, CnfValue>>;
}

export const socketPath = (dir: string): string => `${dir}/mysqld.sock`;
export const cnfPath = (dir: string): string => `${dir}/my.cnf`;

function section(name: string, settings: Readonly<Record<string, CnfValue>>): string {
  const lines = Object.entries(settings).map(([k, v]) => {
    const value = typeof v === 'boolean' ? (v ? 'ON' : 'OFF') : String(v);
    return `${k}=${value}`;
  });
  return `[${name}]\n${lines.join('\n')}\n`;
}

export function renderHostCnf(h: HostCnf): string {
  const semi: Record<string, CnfValue> =
    h.semiSyncTimeoutMs === undefined
      ? {}
      : {
          'rpl-semi-sync-master-enabled': h.semiSyncMaster,
          'rpl-semi-sync-slave-enabled': 'ON',
          'rpl-semi-sync-master-timeout': h.semiSyncTimeoutMs,
        };
  const server: Record<string, CnfValue> = {
    // `user=root` is required: mariadbd refuses to run as root otherwise.
    user: 'root',
    datadir: h.data,
    socket: socketPath(h.dir),
    'pid-file': `${h.dir}/mysqld.pid`,
    'log-error': `${h.dir}/error.log`,
    port: 3306,
    'bind-address': '0.0.0.0',
    'report-host': h.reportHost,
    'server-id': h.serverId,
    'log-bin': 'mysql-bin',
    'log-slave-updates': 'ON',
    'binlog-format': 'ROW',
    'relay-log': 'relay-bin',
    'auto-increment-increment': 2,
    'auto-increment-offset': h.autoIncrementOffset,
    'read-only': 'ON',
    'gtid-strict-mode': h.gtidStrictMode,
    'slave-net-timeout': h.slaveNetTimeout,
    ...DATADIR_SETTINGS,
    ...SMALL_FOOTPRINT,
    ...semi,
    ...h.extra,
  };
  return section('mariadbd', server) + section('client', { socket: socketPath(h.dir), user: 'root' });
}
