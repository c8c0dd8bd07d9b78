// One typed replica status from a SHOW SLAVE STATUS / SHOW REPLICA STATUS row, whichever naming it uses:
//   * MariaDB (all versions, both statements) and MySQL before 8.0.22 (and SHOW SLAVE STATUS on 8.0):
//     Slave_IO_Running, Master_Host, Seconds_Behind_Master, Exec_Master_Log_Pos, ...
//   * MySQL 8.0.22+ SHOW REPLICA STATUS, and 8.4+/9.x: Replica_IO_Running, Source_Host,
//     Seconds_Behind_Source, Exec_Source_Log_Pos, ...
// Flavor-specific columns (MariaDB Using_Gtid/Gtid_IO_Pos, MySQL Auto_Position/Retrieved_Gtid_Set/
// Executed_Gtid_Set) come out as null where the server does not have them. Pure: rows in, object out.
import { MmmError } from '../errors/index.js';
import { RowReader } from './rows.js';
import type { Row } from './statement.js';

export type IoThreadState = 'Yes' | 'No' | 'Connecting';
export type SqlThreadState = 'Yes' | 'No';

/**
 * How the replica positions itself on its source: MariaDB Using_Gtid (slave_pos/current_pos), MySQL
 * Auto_Position=1 (auto_position), or binlog file and position (off).
 */
export type GtidMode = 'slave_pos' | 'current_pos' | 'auto_position' | 'off';

export interface BinlogCoordinates {
  readonly file: string;
  readonly pos: number;
}

export interface ReplicaStatus {
  /** Which column naming the row used. */
  readonly naming: 'slave' | 'replica';
  readonly ioRunning: IoThreadState;
  readonly sqlRunning: SqlThreadState;
  /** Slave_IO_State / Replica_IO_State text ('' when stopped). */
  readonly ioState: string;
  /** Slave_SQL_Running_State / Replica_SQL_Running_State, null where the server does not report it. */
  readonly sqlState: string | null;
  readonly sourceHost: string;
  readonly sourcePort: number;
  readonly sourceUser: string;
  /** Master_Server_Id / Source_Server_Id; 0 until the IO thread has connected once. */
  readonly sourceServerId: number | null;
  /** MySQL Master_UUID / Source_UUID; null on MariaDB. */
  readonly sourceUuid: string | null;
  readonly connectRetry: number | null;
  /** Seconds_Behind_Master / _Source: null while the SQL or IO thread is not running (or reconnecting). */
  readonly secondsBehind: number | null;
  readonly lastIoErrno: number;
  readonly lastIoError: string;
  readonly lastSqlErrno: number;
  readonly lastSqlError: string;
  readonly gtidMode: GtidMode;
  readonly usingGtid: boolean;
  /** MariaDB Gtid_IO_Pos (last GTID received, per domain); null on MySQL. */
  readonly gtidIoPos: string | null;
  /** MySQL Retrieved_Gtid_Set / Executed_Gtid_Set; null on MariaDB. */
  readonly retrievedGtidSet: string | null;
  readonly executedGtidSet: string | null;
  /** How far the IO thread has read the source's binlog (Master_Log_File, Read_Master_Log_Pos). */
  readonly ioCoordinates: BinlogCoordinates;
  /** How far the SQL thread has executed, in source binlog terms (Relay_Master_Log_File, Exec_Master_Log_Pos). */
  readonly execCoordinates: BinlogCoordinates;
  /** The SQL thread's place in the local relay log (Relay_Log_File, Relay_Log_Pos). */
  readonly relayCoordinates: BinlogCoordinates;
  readonly sqlDelay: number | null;
  /** MySQL Channel_Name / MariaDB Connection_name (SHOW ALL SLAVES STATUS); '' for the default channel. */
  readonly channel: string;
}

const WHAT = 'replica status';

/**
 * Normalizes the rows of SHOW SLAVE/REPLICA STATUS for the default channel. No row means replication is not
 * configured (after RESET SLAVE ALL, or never set up): null.
 */
export function normalizeReplicaStatusRows(rows: readonly Row[]): ReplicaStatus | null {
  if (rows.length === 0) return null;
  const defaults = rows.filter((r) => channelOf(r) === '');
  const row = defaults.length === 1 ? defaults[0] : rows.length === 1 ? rows[0] : undefined;
  if (row === undefined) {
    throw new MmmError(
      'MMM_MYSQL_UNSUPPORTED',
      `${WHAT}: got ${rows.length} rows and none unambiguously for the default channel (multi-source replication is not supported)`,
    );
  }
  return normalizeReplicaStatus(row);
}

function channelOf(row: Row): string {
  const r = new RowReader(row, WHAT);
  return r.optString('Channel_Name', 'Connection_name') ?? '';
}

export function normalizeReplicaStatus(row: Row): ReplicaStatus {
  const r = new RowReader(row, WHAT);
  const naming = r.has('Replica_IO_Running') ? 'replica' : 'slave';
  const gtidMode = readGtidMode(r);
  return Object.freeze({
    naming,
    ioRunning: r.oneOf(['Yes', 'No', 'Connecting'] as const, 'Slave_IO_Running', 'Replica_IO_Running'),
    sqlRunning: r.oneOf(['Yes', 'No'] as const, 'Slave_SQL_Running', 'Replica_SQL_Running'),
    ioState: r.optString('Slave_IO_State', 'Replica_IO_State') ?? '',
    sqlState: r.optString('Slave_SQL_Running_State', 'Replica_SQL_Running_State'),
    sourceHost: r.string('Master_Host', 'Source_Host'),
    sourcePort: r.number('Master_Port', 'Source_Port'),
    sourceUser: r.string('Master_User', 'Source_User'),
    sourceServerId: r.optNumber('Master_Server_Id', 'Source_Server_Id'),
    sourceUuid: emptyToNull(r.optString('Master_UUID', 'Source_UUID')),
    connectRetry: r.optNumber('Connect_Retry'),
    secondsBehind: r.optNumber('Seconds_Behind_Master', 'Seconds_Behind_Source'),
    lastIoErrno: r.number('Last_IO_Errno'),
    lastIoError: r.optString('Last_IO_Error') ?? '',
    lastSqlErrno: r.number('Last_SQL_Errno'),
    lastSqlError: r.optString('Last_SQL_Error') ?? '',
    gtidMode,
    usingGtid: gtidMode !== 'off',
    gtidIoPos: r.optString('Gtid_IO_Pos'),
    retrievedGtidSet: r.optString('Retrieved_Gtid_Set'),
    executedGtidSet: r.optString('Executed_Gtid_Set'),
    ioCoordinates: {
      file: r.string('Master_Log_File', 'Source_Log_File'),
      pos: r.number('Read_Master_Log_Pos', 'Read_Source_Log_Pos'),
    },
    execCoordinates: {
      file: r.string('Relay_Master_Log_File', 'Relay_Source_Log_File'),
      pos: r.number('Exec_Master_Log_Pos', 'Exec_Source_Log_Pos'),
    },
    relayCoordinates: { file: r.string('Relay_Log_File'), pos: r.number('Relay_Log_Pos') },
    sqlDelay: r.optNumber('SQL_Delay'),
    channel: r.optString('Channel_Name', 'Connection_name') ?? '',
  });
}

function readGtidMode(r: RowReader): GtidMode {
  if (r.has('Using_Gtid')) {
    const v = r.oneOf(['Slave_Pos', 'Current_Pos', 'No'] as const, 'Using_Gtid');
    return v === 'Slave_Pos' ? 'slave_pos' : v === 'Current_Pos' ? 'current_pos' : 'off';
  }
  if (r.has('Auto_Position')) return r.bool('Auto_Position') ? 'auto_position' : 'off';
  return 'off';
}

function emptyToNull(s: string | null): string | null {
  return s === null || s === '' ? null : s;
}
