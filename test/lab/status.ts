// `lab status`: what each host looks like from the root namespace. Reachability is judged over TCP as the
// monitor user (the monitor's own path); the details fall back to root over the socket when the network
// path is cut, so a test can still see what an isolated host is doing.
import type { HostName } from './addr.js';
import { text, withConnection, type Row, type Target } from './db.js';
import { procState } from './proc.js';
import { parseSlaveStatus, type ReplicaStatus } from './replication.js';
import { mariadbdPid, type HostPlace } from './server.js';

export interface HostStatus {
  readonly host: HostName;
  readonly ip: string;
  /** mariadbd process: running, stopped (SIGSTOP) or down (not running). */
  readonly process: 'running' | 'stopped' | 'down';
  readonly pid: number | undefined;
  /** Answered over TCP from the root namespace (as mmm_monitor) within the timeout. */
  readonly reachable: boolean;
  /** Why the details are missing, when they are. */
  readonly error?: string;
  readonly hostname?: string;
  readonly serverId?: number;
  readonly readOnly?: boolean;
  readonly gtidBinlogPos?: string;
  readonly gtidSlavePos?: string;
  readonly gtidCurrentPos?: string;
  /** Null when the host replicates from nobody. */
  readonly replication?: ReplicaStatus | null;
}

const STATUS_TIMEOUT_MS = 1_000;

interface Details {
  readonly vars: Row;
  readonly slave: Row | undefined;
}

function readDetails(t: Target): Promise<Details> {
  return withConnection(
    t,
    async (c) => {
      const [vars] = await c.query({
        sql:
          'SELECT @@hostname AS hostname, @@server_id AS server_id, @@read_only AS read_only, ' +
          '@@gtid_binlog_pos AS binlog_pos, @@gtid_slave_pos AS slave_pos, @@gtid_current_pos AS current_pos',
        timeout: STATUS_TIMEOUT_MS,
      });
      const [slave] = await c.query({ sql: 'SHOW SLAVE STATUS', timeout: STATUS_TIMEOUT_MS });
      return { vars: (vars as Row[])[0] ?? {}, slave: (slave as Row[])[0] };
    },
    STATUS_TIMEOUT_MS,
  );
}

export async function readStatus(h: HostPlace & { name: HostName; ip: string }): Promise<HostStatus> {
  const pid = await mariadbdPid(h);
  const state = pid === undefined ? 'gone' : await procState(pid);
  const process = state === 'running' ? 'running' : state === 'stopped' ? 'stopped' : 'down';
  const base = { host: h.name, ip: h.ip, process, pid } as const;
  let reachable = true;
  let details: Details;
  try {
    details = await readDetails({ kind: 'tcp', ip: h.ip, user: 'mmm_monitor' });
  } catch (tcpErr) {
    reachable = false;
    try {
      details = await readDetails({ kind: 'socket', socket: h.socket });
    } catch (sockErr) {
      return { ...base, reachable, error: `tcp: ${(tcpErr as Error).message}; socket: ${(sockErr as Error).message}` };
    }
  }
  const v = details.vars;
  return {
    ...base,
    reachable,
    hostname: text(v['hostname']),
    serverId: Number(v['server_id']),
    readOnly: Number(v['read_only']) === 1,
    gtidBinlogPos: text(v['binlog_pos']),
    gtidSlavePos: text(v['slave_pos']),
    gtidCurrentPos: text(v['current_pos']),
    replication: parseSlaveStatus(details.slave),
  };
}

const dash = (v: string | undefined): string => (v === undefined || v === '' ? '-' : v);

/** One line per host, for the CLI and for test failure messages. */
export function formatStatus(s: HostStatus): string {
  const head = `${s.host} ${s.ip} ${s.process}${s.pid === undefined ? '' : `(${s.pid})`} ${s.reachable ? 'reachable' : 'UNREACHABLE'}`;
  if (s.hostname === undefined) return `${head} — ${s.error ?? 'no answer'}`;
  const r = s.replication;
  const repl =
    r === null || r === undefined
      ? 'no source'
      : `source ${r.sourceHost} IO=${r.ioRunning} SQL=${r.sqlRunning} lag=${r.lagSeconds ?? 'NULL'}` +
        (r.lastIoErrno !== 0 ? ` io_errno=${r.lastIoErrno}` : '') +
        (r.lastSqlErrno !== 0 ? ` sql_errno=${r.lastSqlErrno}` : '');
  return (
    `${head} hostname=${s.hostname} server_id=${s.serverId} read_only=${s.readOnly ? 1 : 0} ` +
    `gtid_binlog_pos=${dash(s.gtidBinlogPos)} gtid_slave_pos=${dash(s.gtidSlavePos)} ${repl}`
  );
}
