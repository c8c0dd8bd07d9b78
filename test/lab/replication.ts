// Replication in the classic MMM layout and how the lab reads it back. db1 and db2 replicate from each other
// (master-master), db3..dbN from db1; with masterMaster off every other host replicates from db1.
// Every CHANGE MASTER passes MASTER_HEARTBEAT_PERIOD: leaving it out resets it to slave_net_timeout/2.
import { MmmError } from '../../common/errors/index.js';
import { MYSQL_PORT } from './addr.js';
import { query, queryAll, sqlString, text, type Row, type Target } from './db.js';
import { waitFor } from './proc.js';
import { LAB_USERS } from './users.js';

export interface Topology {
  readonly hosts: number;
  readonly masterMaster: boolean;
}

/** Host number dbN replicates from, or undefined for a host without a source. */
export function sourceOf(n: number, t: Topology): number | undefined {
  if (n === 1) return t.masterMaster && t.hosts >= 2 ? 2 : undefined;
  return 1;
}

export function changeMasterSql(sourceIp: string, heartbeatPeriod: number): string {
  const repl = LAB_USERS.repl;
  return (
    `CHANGE MASTER TO MASTER_HOST=${sqlString(sourceIp)}, MASTER_PORT=${MYSQL_PORT}, ` +
    `MASTER_USER=${sqlString(repl.user)}, MASTER_PASSWORD=${sqlString(repl.password)}, ` +
    `MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=${heartbeatPeriod}`
  );
}

export async function startReplica(t: Target, sourceIp: string, heartbeatPeriod: number): Promise<void> {
  await queryAll(t, ['STOP SLAVE', changeMasterSql(sourceIp, heartbeatPeriod), 'START SLAVE']);
}

export type ThreadState = 'Yes' | 'No' | 'Connecting';

/** The parts of SHOW SLAVE STATUS a test asks about, normalised. */
export interface ReplicaStatus {
  readonly sourceHost: string;
  readonly sourcePort: number;
  readonly ioRunning: ThreadState;
  readonly sqlRunning: ThreadState;
  /** Seconds_Behind_Master; null while the IO thread is not connected. */
  readonly lagSeconds: number | null;
  readonly lastIoErrno: number;
  readonly lastIoError: string;
  readonly lastSqlErrno: number;
  readonly lastSqlError: string;
  readonly usingGtid: string;
  readonly gtidIoPos: string;
}

function threadState(v: unknown): ThreadState {
  return v === 'Yes' || v === 'Connecting' ? v : 'No';
}

export function parseSlaveStatus(row: Row | undefined): ReplicaStatus | null {
  if (row === undefined) return null;
  const lag = row['Seconds_Behind_Master'];
  return {
    sourceHost: text(row['Master_Host']),
    sourcePort: Number(row['Master_Port'] ?? 0),
    ioRunning: threadState(row['Slave_IO_Running']),
    sqlRunning: threadState(row['Slave_SQL_Running']),
    lagSeconds: lag === null || lag === undefined ? null : Number(lag),
    lastIoErrno: Number(row['Last_IO_Errno'] ?? 0),
    lastIoError: text(row['Last_IO_Error']),
    lastSqlErrno: Number(row['Last_SQL_Errno'] ?? 0),
    lastSqlError: text(row['Last_SQL_Error']),
    usingGtid: text(row['Using_Gtid']),
    gtidIoPos: text(row['Gtid_IO_Pos']),
  };
}

export async function replicaStatus(t: Target, timeoutMs?: number): Promise<ReplicaStatus | null> {
  const rows = await query(t, 'SHOW SLAVE STATUS', timeoutMs === undefined ? {} : { timeoutMs });
  return parseSlaveStatus(rows[0]);
}

/** Waits until both replication threads of `t` run; names the last error when they do not. */
export async function waitReplicating(t: Target, what: string, timeoutMs: number): Promise<void> {
  const seen: { last: ReplicaStatus | null } = { last: null };
  try {
    await waitFor(
      `${what} replicating`,
      async () => {
        const s = await replicaStatus(t).catch(() => null);
        seen.last = s;
        return s?.ioRunning === 'Yes' && s.sqlRunning === 'Yes' ? true : undefined;
      },
      { timeoutMs, intervalMs: 20 },
    );
  } catch (e) {
    const s = seen.last;
    const detail =
      s === null
        ? 'no replication status'
        : `IO=${s.ioRunning} SQL=${s.sqlRunning} io_error=${s.lastIoErrno} ${s.lastIoError} ` +
          `sql_error=${s.lastSqlErrno} ${s.lastSqlError}`;
    throw new MmmError('MMM_REPLICATION_BROKEN', `${what}: replication not running after ${timeoutMs} ms: ${detail}`, {
      cause: e,
    });
  }
}
