// Every replication statement, generated from (flavor, version). Pure: no I/O, no clock.
//
// Output: a Statement ({ sql, params }, see statement.ts) or, where the result matters, a Query<T> that also
// carries `parse(rows)`. String values (hosts, users, files, GTIDs) and the replication password (a Secret)
// are `?` parameters, escaped by mysql2 when the connection layer sends them; numbers are validated here and
// written as literals. So `sql` is safe to log and never contains a password.
//
// Version map (first version that has the form; older servers get the previous form):
//   MariaDB 10.0.9+ / 11.x   SHOW SLAVE STATUS, SHOW MASTER STATUS, START/STOP SLAVE, RESET SLAVE ALL,
//                            CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos, MASTER_GTID_WAIT, MASTER_POS_WAIT
//   MySQL 5.7.5+             SHOW SLAVE STATUS, CHANGE MASTER TO ... MASTER_AUTO_POSITION=1,
//                            WAIT_FOR_EXECUTED_GTID_SET, MASTER_POS_WAIT; super_read_only from 5.7.8
//   MySQL 8.0.22             SHOW REPLICA STATUS, START/STOP REPLICA, RESET REPLICA ALL
//   MySQL 8.0.23             CHANGE REPLICATION SOURCE TO SOURCE_HOST=..., SOURCE_AUTO_POSITION=1
//   MySQL 8.0.26             SOURCE_POS_WAIT, @@replica_net_timeout
//   MySQL 8.2.0              SHOW BINARY LOG STATUS (8.4 removed SHOW MASTER STATUS and all SLAVE/MASTER forms)
// Only the default replication channel is handled (no multi-source).
import type { Secret } from '../config/secret.js';
import { MmmError } from '../errors/index.js';
import { assertSupported, describeVersion, type Flavor, type ServerVersion, versionAtLeast } from './flavor.js';
import {
  formatMariaPosition,
  formatMysqlGtidSet,
  type MariaPosition,
  type MariaState,
  type MysqlGtidSet,
  parseMariaPosition,
  parseMariaState,
  parseMysqlGtidSet,
} from './gtid.js';
import { normalizeReplicaStatusRows, type ReplicaStatus } from './replica-status.js';
import { onlyRow, RowReader } from './rows.js';
import { type Query, type Row, type SqlValue, type Statement, statement, withParser } from './statement.js';

export interface DialectFeatures {
  /** REPLICA instead of SLAVE in SHOW/START/STOP/RESET (MySQL 8.0.22+). */
  readonly replicaKeyword: boolean;
  /** CHANGE REPLICATION SOURCE TO with SOURCE_* options (MySQL 8.0.23+). */
  readonly changeReplicationSource: boolean;
  /** SOURCE_POS_WAIT instead of MASTER_POS_WAIT (MySQL 8.0.26+). */
  readonly sourcePosWait: boolean;
  /** SHOW BINARY LOG STATUS instead of SHOW MASTER STATUS (MySQL 8.2+). */
  readonly binaryLogStatus: boolean;
  /** super_read_only exists (MySQL 5.7.8+). MariaDB has none: there read_only already stops SUPER. */
  readonly superReadOnly: boolean;
  /** GET_SOURCE_PUBLIC_KEY / GET_MASTER_PUBLIC_KEY (MySQL 8.0.4+; for caching_sha2_password without TLS). */
  readonly getSourcePublicKey: boolean;
}

export type SourcePosition =
  { readonly kind: 'gtid' } | { readonly kind: 'file'; readonly file: string; readonly pos: number };

export interface ChangeSourceOptions {
  readonly host: string;
  readonly port: number;
  /** Omit user and password to keep the ones the replica already has (the server keeps them). */
  readonly user?: string;
  readonly password?: Secret;
  /** GTID auto-positioning (the default way to repoint), or exact binlog coordinates. */
  readonly position: SourcePosition;
  /**
   * Always sent: a CHANGE MASTER without it silently resets the heartbeat to slave_net_timeout/2, and a
   * heartbeat >= slave_net_timeout makes an idle replica reconnect every slave_net_timeout (lab-facts §3).
   * Seconds, > 0, millisecond resolution.
   */
  readonly heartbeatPeriodSec: number;
  /** Seconds between reconnect attempts of the IO thread (integer >= 1). */
  readonly connectRetrySec: number;
  /** The replica's slave_net_timeout if known (see `replicaNetTimeout()`): the heartbeat must be below it. */
  readonly netTimeoutSec?: number;
  /** MariaDB only: which GTID position the replica starts from; default slave_pos. */
  readonly mariadbUseGtid?: 'slave_pos' | 'current_pos';
  /** MySQL 8.0.4+ only: ask the source for its RSA key (caching_sha2_password over a non-TLS link). */
  readonly getSourcePublicKey?: boolean;
}

export interface BinlogStatus {
  readonly file: string;
  readonly position: number;
  /** MySQL Executed_Gtid_Set; null on MariaDB (read @@gtid_binlog_pos there). */
  readonly executedGtidSet: string | null;
}

export type WaitOutcome = 'reached' | 'timeout' | 'not-replicating';

export interface ReadOnlyState {
  readonly readOnly: boolean;
  /** null where the server has no super_read_only (MariaDB, MySQL < 5.7.8). */
  readonly superReadOnly: boolean | null;
}

export type GtidState =
  | {
      readonly flavor: 'mariadb';
      readonly binlogPos: MariaPosition;
      readonly currentPos: MariaPosition;
      readonly slavePos: MariaPosition;
      readonly binlogState: MariaState;
      readonly domainId: number;
      readonly serverId: number;
      readonly strictMode: boolean;
    }
  | {
      readonly flavor: 'mysql';
      readonly executed: MysqlGtidSet;
      readonly purged: MysqlGtidSet;
      readonly serverUuid: string;
      readonly serverId: number;
      /** OFF, OFF_PERMISSIVE, ON_PERMISSIVE or ON. Auto-positioning needs ON. */
      readonly gtidMode: string;
    };

/** The replica's heartbeat counters for the default channel (null where the server reports none). */
export interface HeartbeatCounters {
  /** Heartbeats received since the IO thread (re)started. */
  readonly received: number | null;
  /** Heartbeat period in effect, in seconds (0 = off). */
  readonly periodSec: number | null;
}

export interface ProcessInfo {
  readonly id: number;
  readonly user: string;
  readonly host: string;
  readonly db: string | null;
  readonly command: string;
  readonly timeSec: number;
  readonly state: string | null;
  readonly info: string | null;
}

export interface Dialect {
  readonly version: ServerVersion;
  readonly flavor: Flavor;
  readonly features: DialectFeatures;
  /** SHOW SLAVE STATUS / SHOW REPLICA STATUS; parses to null when replication is not configured. */
  showReplicaStatus(): Query<ReplicaStatus | null>;
  /** SHOW MASTER STATUS / SHOW BINARY LOG STATUS; null when binary logging is off. */
  showBinlogStatus(): Query<BinlogStatus | null>;
  startReplica(): Statement;
  /** Both threads by default; 'io' stops only the receiver (the applier keeps draining the relay log). */
  stopReplica(thread?: 'io' | 'sql'): Statement;
  /** Forget the source entirely (RESET SLAVE ALL / RESET REPLICA ALL). Replication must be stopped. */
  resetReplicaAll(): Statement;
  changeSource(o: ChangeSourceOptions): Statement;
  /**
   * Wait until the replica has applied `gtid` (MariaDB position / MySQL GTID set text): MASTER_GTID_WAIT or
   * WAIT_FOR_EXECUTED_GTID_SET. MariaDB: waits for gtid_slave_pos, i.e. for replicated transactions.
   * MySQL takes whole seconds, so the timeout is rounded up there.
   */
  waitForGtid(gtid: string, timeoutSec: number): Query<WaitOutcome>;
  /** MASTER_POS_WAIT / SOURCE_POS_WAIT on source binlog coordinates; 'not-replicating' if the SQL thread is stopped. */
  waitForPosition(file: string, pos: number, timeoutSec: number): Query<WaitOutcome>;
  /**
   * Fence or open the server. MySQL with super_read_only: `on` sets super_read_only=1 (which implies
   * read_only=1), `off` sets read_only=0 (which also clears super_read_only). MariaDB: read_only only (in
   * 10.11 it needs READ_ONLY ADMIN; SUPER is not enough).
   */
  setReadOnly(on: boolean): Statement;
  readOnlyState(): Query<ReadOnlyState>;
  gtidState(): Query<GtidState>;
  /** @@slave_net_timeout / @@replica_net_timeout in seconds. */
  replicaNetTimeout(): Query<number>;
  /** The heartbeat period in effect for the default channel (seconds), null if not configured. */
  heartbeatPeriod(): Query<number | null>;
  /**
   * Heartbeats received and the heartbeat period, in one round trip: a replica's proof that its source still
   * talks to it while no events flow (the monitor's liveness probe reads it often).
   */
  heartbeatCounters(): Query<HeartbeatCounters>;
  /** SHOW FULL PROCESSLIST (all sessions with PROCESS privilege; own sessions without). */
  processList(): Query<ProcessInfo[]>;
  /** KILL CONNECTION id. */
  killConnection(id: number): Statement;
  /** CONNECTION_ID() of the session that runs it. */
  connectionId(): Query<number>;
  /** Seconds since the server started (global status Uptime). */
  serverUptime(): Query<number>;
  /** Where the server writes: @@datadir and the directory of @@log_bin_basename (null: binary log off). */
  storagePaths(): Query<StoragePaths>;
}

export interface StoragePaths {
  readonly datadir: string;
  readonly binlogDir: string | null;
}

function badArg(message: string): MmmError {
  return new MmmError('MMM_BAD_REQUEST', message);
}

function checkInt(name: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw badArg(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  }
  return v;
}

/** Seconds with millisecond resolution, rendered without float noise ("0.5", "1", "2.25"). */
function checkSeconds(name: string, v: number, min: number, max: number): string {
  if (!Number.isFinite(v) || v < min || v > max || (min === 0 && v === 0)) {
    throw badArg(`${name} must be a number of seconds above ${min} and at most ${max}, got ${v}`);
  }
  const ms = Math.round(v * 1000);
  if (Math.abs(v * 1000 - ms) > 1e-6) throw badArg(`${name} has more than millisecond resolution: ${v}`);
  return String(ms / 1000);
}

function checkText(name: string, v: string): string {
  if (v.length === 0 || hasControlChar(v)) throw badArg(`${name} must be non-empty text without control characters`);
  return v;
}

function hasControlChar(v: string): boolean {
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) < 32) return true;
  return false;
}

const MAX_WAIT_SEC = 86400;

/** The dialect for a server; throws MMM_MYSQL_UNSUPPORTED for versions below flavor.ts MIN_SUPPORTED. */
export function dialectFor(version: ServerVersion): Dialect {
  assertSupported(version);
  const maria = version.flavor === 'mariadb';
  const mysqlAtLeast = (a: number, b: number, c: number): boolean => !maria && versionAtLeast(version, a, b, c);
  const features: DialectFeatures = Object.freeze({
    replicaKeyword: mysqlAtLeast(8, 0, 22),
    changeReplicationSource: mysqlAtLeast(8, 0, 23),
    sourcePosWait: mysqlAtLeast(8, 0, 26),
    binaryLogStatus: mysqlAtLeast(8, 2, 0),
    superReadOnly: mysqlAtLeast(5, 7, 8),
    getSourcePublicKey: mysqlAtLeast(8, 0, 4),
  });
  const replica = features.replicaKeyword ? 'REPLICA' : 'SLAVE';
  const opt = features.changeReplicationSource ? 'SOURCE' : 'MASTER';

  const changeSource = (o: ChangeSourceOptions): Statement => {
    const parts: string[] = [];
    const params: SqlValue[] = [];
    const param = (name: string, v: SqlValue): void => {
      parts.push(`${opt}_${name}=?`);
      params.push(v);
    };
    param('HOST', checkText('source host', o.host));
    parts.push(`${opt}_PORT=${checkInt('source port', o.port, 1, 65535)}`);
    if (o.user !== undefined) param('USER', checkText('replication user', o.user));
    if (o.password !== undefined) param('PASSWORD', o.password);
    if (o.position.kind === 'gtid') {
      parts.push(maria ? `MASTER_USE_GTID=${o.mariadbUseGtid ?? 'slave_pos'}` : `${opt}_AUTO_POSITION=1`);
    } else {
      if (maria) parts.push('MASTER_USE_GTID=no');
      else parts.push(`${opt}_AUTO_POSITION=0`);
      param('LOG_FILE', checkText('binlog file', o.position.file));
      parts.push(`${opt}_LOG_POS=${checkInt('binlog position', o.position.pos, 4, Number.MAX_SAFE_INTEGER)}`);
    }
    parts.push(`${opt}_CONNECT_RETRY=${checkInt('connect retry', o.connectRetrySec, 1, 31536000)}`);
    const heartbeat = checkSeconds('heartbeat period', o.heartbeatPeriodSec, 0, 4294967);
    if (o.netTimeoutSec !== undefined && o.heartbeatPeriodSec >= o.netTimeoutSec) {
      throw badArg(
        `heartbeat period ${o.heartbeatPeriodSec}s must be below slave_net_timeout ${o.netTimeoutSec}s, ` +
          'or an idle replica reconnects every slave_net_timeout',
      );
    }
    parts.push(`${opt}_HEARTBEAT_PERIOD=${heartbeat}`);
    if (o.getSourcePublicKey === true) {
      if (!features.getSourcePublicKey) {
        throw badArg(`GET_SOURCE_PUBLIC_KEY needs MySQL 8.0.4 or newer, not ${describeVersion(version)}`);
      }
      parts.push(`GET_${opt}_PUBLIC_KEY=1`);
    }
    if (maria && o.mariadbUseGtid !== undefined && o.position.kind !== 'gtid') {
      throw badArg('mariadbUseGtid applies to GTID positioning only');
    }
    const head = features.changeReplicationSource ? 'CHANGE REPLICATION SOURCE TO' : 'CHANGE MASTER TO';
    return statement(`${head} ${parts.join(', ')}`, params);
  };

  const waitSeconds = (timeoutSec: number): number => {
    checkSeconds('wait timeout', timeoutSec, 0, MAX_WAIT_SEC);
    return maria ? Math.round(timeoutSec * 1000) / 1000 : Math.ceil(timeoutSec);
  };

  return Object.freeze({
    version,
    flavor: version.flavor,
    features,
    showReplicaStatus: () => withParser(statement(`SHOW ${replica} STATUS`), normalizeReplicaStatusRows),
    showBinlogStatus: () =>
      withParser(
        statement(features.binaryLogStatus ? 'SHOW BINARY LOG STATUS' : 'SHOW MASTER STATUS'),
        parseBinlogStatus,
      ),
    startReplica: () => statement(`START ${replica}`),
    stopReplica: (thread?: 'io' | 'sql') =>
      statement(`STOP ${replica}${thread === undefined ? '' : thread === 'io' ? ' IO_THREAD' : ' SQL_THREAD'}`),
    resetReplicaAll: () => statement(`RESET ${replica} ALL`),
    changeSource,
    waitForGtid: (gtid: string, timeoutSec: number) => {
      const canonical = maria
        ? formatMariaPosition(parseMariaPosition(gtid, 'GTID position to wait for'))
        : formatMysqlGtidSet(parseMysqlGtidSet(gtid, 'GTID set to wait for'));
      const t = waitSeconds(timeoutSec);
      const fn = maria ? 'MASTER_GTID_WAIT' : 'WAIT_FOR_EXECUTED_GTID_SET';
      return withParser(statement(`SELECT ${fn}(?, ${t}) AS result`, [canonical], t), (rows) =>
        parseGtidWait(maria, rows),
      );
    },
    waitForPosition: (file: string, pos: number, timeoutSec: number) => {
      const t = waitSeconds(timeoutSec);
      const fn = features.sourcePosWait ? 'SOURCE_POS_WAIT' : 'MASTER_POS_WAIT';
      const p = checkInt('binlog position', pos, 4, Number.MAX_SAFE_INTEGER);
      return withParser(
        statement(`SELECT ${fn}(?, ${p}, ${t}) AS result`, [checkText('binlog file', file)], t),
        parsePositionWait,
      );
    },
    setReadOnly: (on: boolean) =>
      statement(on && features.superReadOnly ? 'SET GLOBAL super_read_only=1' : `SET GLOBAL read_only=${on ? 1 : 0}`),
    readOnlyState: () =>
      withParser(
        statement(
          features.superReadOnly
            ? 'SELECT @@GLOBAL.read_only AS read_only, @@GLOBAL.super_read_only AS super_read_only'
            : 'SELECT @@GLOBAL.read_only AS read_only',
        ),
        parseReadOnlyState,
      ),
    gtidState: () =>
      maria
        ? withParser(
            statement(
              'SELECT @@GLOBAL.gtid_binlog_pos AS gtid_binlog_pos, @@GLOBAL.gtid_current_pos AS gtid_current_pos, ' +
                '@@GLOBAL.gtid_slave_pos AS gtid_slave_pos, @@GLOBAL.gtid_binlog_state AS gtid_binlog_state, ' +
                '@@GLOBAL.gtid_domain_id AS gtid_domain_id, @@GLOBAL.server_id AS server_id, ' +
                '@@GLOBAL.gtid_strict_mode AS gtid_strict_mode',
            ),
            parseMariaGtidState,
          )
        : withParser(
            statement(
              'SELECT @@GLOBAL.gtid_executed AS gtid_executed, @@GLOBAL.gtid_purged AS gtid_purged, ' +
                '@@GLOBAL.server_uuid AS server_uuid, @@GLOBAL.server_id AS server_id, @@GLOBAL.gtid_mode AS gtid_mode',
            ),
            parseMysqlGtidState,
          ),
    replicaNetTimeout: () =>
      withParser(
        statement(`SELECT @@GLOBAL.${mysqlAtLeast(8, 0, 26) ? 'replica' : 'slave'}_net_timeout AS net_timeout`),
        (rows) => new RowReader(onlyRow(rows, 'net timeout'), 'net timeout').number('net_timeout'),
      ),
    heartbeatPeriod: () =>
      maria
        ? withParser(statement("SHOW GLOBAL STATUS LIKE 'Slave_heartbeat_period'"), parseHeartbeat)
        : withParser(
            statement(
              'SELECT HEARTBEAT_INTERVAL AS Value FROM performance_schema.replication_connection_configuration ' +
                "WHERE CHANNEL_NAME = ''",
            ),
            parseHeartbeat,
          ),
    heartbeatCounters: () =>
      maria
        ? withParser(
            statement(
              "SHOW GLOBAL STATUS WHERE Variable_name IN ('Slave_received_heartbeats', 'Slave_heartbeat_period')",
            ),
            parseMariaHeartbeatCounters,
          )
        : withParser(
            statement(
              'SELECT s.COUNT_RECEIVED_HEARTBEATS AS received, c.HEARTBEAT_INTERVAL AS period ' +
                'FROM performance_schema.replication_connection_status s ' +
                'JOIN performance_schema.replication_connection_configuration c USING (CHANNEL_NAME) ' +
                "WHERE s.CHANNEL_NAME = ''",
            ),
            parseMysqlHeartbeatCounters,
          ),
    processList: () => withParser(statement('SHOW FULL PROCESSLIST'), parseProcessList),
    killConnection: (id: number) =>
      statement(`KILL CONNECTION ${checkInt('connection id', id, 1, Number.MAX_SAFE_INTEGER)}`),
    connectionId: () =>
      withParser(statement('SELECT CONNECTION_ID() AS id'), (rows) =>
        new RowReader(onlyRow(rows, 'CONNECTION_ID()'), 'CONNECTION_ID()').number('id'),
      ),
    serverUptime: () =>
      withParser(statement("SHOW GLOBAL STATUS LIKE 'Uptime'"), (rows) =>
        new RowReader(onlyRow(rows, 'Uptime'), 'Uptime').number('Value'),
      ),
    storagePaths: () =>
      withParser(statement('SELECT @@GLOBAL.datadir AS datadir, @@GLOBAL.log_bin_basename AS binlog'), (rows) => {
        const r = new RowReader(onlyRow(rows, 'storage paths'), 'storage paths');
        const binlog = r.optString('binlog');
        const cut = binlog === null ? -1 : binlog.lastIndexOf('/');
        return { datadir: r.string('datadir'), binlogDir: binlog === null || cut <= 0 ? null : binlog.slice(0, cut) };
      }),
  });
}

// ---------------------------------------------------------------------------------------------------------
// Result parsers (exported for tests and for callers that run the statements their own way)

export function parseBinlogStatus(rows: readonly Row[]): BinlogStatus | null {
  if (rows.length === 0) return null;
  const r = new RowReader(onlyRow(rows, 'binlog status'), 'binlog status');
  return Object.freeze({
    file: r.string('File'),
    position: r.number('Position'),
    executedGtidSet: r.optString('Executed_Gtid_Set'),
  });
}

function waitResult(rows: readonly Row[], what: string): number | null {
  return new RowReader(onlyRow(rows, what), what).optNumber('result');
}

/** MASTER_GTID_WAIT: 0 reached, -1 timeout. WAIT_FOR_EXECUTED_GTID_SET: 0 reached, 1 timeout. */
export function parseGtidWait(mariadb: boolean, rows: readonly Row[]): WaitOutcome {
  const what = mariadb ? 'MASTER_GTID_WAIT' : 'WAIT_FOR_EXECUTED_GTID_SET';
  const v = waitResult(rows, what);
  if (v === 0) return 'reached';
  if (v === (mariadb ? -1 : 1)) return 'timeout';
  throw new MmmError('MMM_MYSQL_UNSUPPORTED', `${what} returned ${String(v)}, expected 0 or ${mariadb ? -1 : 1}`);
}

/**
 * MASTER_POS_WAIT / SOURCE_POS_WAIT: >= 0 reached (events waited for), -1 timeout, NULL when the SQL thread
 * is not running or the server is no replica. (MMM 2.2.1 took NULL for success; it is not.)
 */
export function parsePositionWait(rows: readonly Row[]): WaitOutcome {
  const v = waitResult(rows, 'MASTER_POS_WAIT');
  if (v === null) return 'not-replicating';
  if (v >= 0) return 'reached';
  if (v === -1) return 'timeout';
  throw new MmmError('MMM_MYSQL_UNSUPPORTED', `MASTER_POS_WAIT returned ${v}`);
}

export function parseReadOnlyState(rows: readonly Row[]): ReadOnlyState {
  const r = new RowReader(onlyRow(rows, 'read_only'), 'read_only');
  return Object.freeze({
    readOnly: r.bool('read_only'),
    superReadOnly: r.has('super_read_only') ? r.bool('super_read_only') : null,
  });
}

export function parseMariaGtidState(rows: readonly Row[]): GtidState {
  const r = new RowReader(onlyRow(rows, 'GTID state'), 'GTID state');
  return Object.freeze({
    flavor: 'mariadb',
    binlogPos: parseMariaPosition(r.string('gtid_binlog_pos'), 'gtid_binlog_pos'),
    currentPos: parseMariaPosition(r.string('gtid_current_pos'), 'gtid_current_pos'),
    slavePos: parseMariaPosition(r.string('gtid_slave_pos'), 'gtid_slave_pos'),
    binlogState: parseMariaState(r.string('gtid_binlog_state'), 'gtid_binlog_state'),
    domainId: r.number('gtid_domain_id'),
    serverId: r.number('server_id'),
    strictMode: r.bool('gtid_strict_mode'),
  });
}

export function parseMysqlGtidState(rows: readonly Row[]): GtidState {
  const r = new RowReader(onlyRow(rows, 'GTID state'), 'GTID state');
  return Object.freeze({
    flavor: 'mysql',
    executed: parseMysqlGtidSet(r.string('gtid_executed'), 'gtid_executed'),
    purged: parseMysqlGtidSet(r.string('gtid_purged'), 'gtid_purged'),
    serverUuid: r.string('server_uuid'),
    serverId: r.number('server_id'),
    gtidMode: r.string('gtid_mode'),
  });
}

function parseHeartbeat(rows: readonly Row[]): number | null {
  if (rows.length === 0) return null;
  return new RowReader(onlyRow(rows, 'heartbeat period'), 'heartbeat period').optNumber('Value');
}

export function parseMariaHeartbeatCounters(rows: readonly Row[]): HeartbeatCounters {
  const value = (name: string): number | null => {
    const row = rows.find(
      (r) => new RowReader(r, 'heartbeat counters').optString('Variable_name')?.toLowerCase() === name.toLowerCase(),
    );
    return row === undefined ? null : new RowReader(row, name).optNumber('Value');
  };
  return Object.freeze({ received: value('Slave_received_heartbeats'), periodSec: value('Slave_heartbeat_period') });
}

export function parseMysqlHeartbeatCounters(rows: readonly Row[]): HeartbeatCounters {
  if (rows.length === 0) return Object.freeze({ received: null, periodSec: null });
  const r = new RowReader(onlyRow(rows, 'heartbeat counters'), 'heartbeat counters');
  return Object.freeze({ received: r.optNumber('received'), periodSec: r.optNumber('period') });
}

export function parseProcessList(rows: readonly Row[]): ProcessInfo[] {
  return rows.map((row) => {
    const r = new RowReader(row, 'process list');
    return Object.freeze({
      id: r.number('Id'),
      user: r.optString('User') ?? '',
      host: r.optString('Host') ?? '',
      db: r.optString('db'),
      command: r.string('Command'),
      timeSec: r.optNumber('Time') ?? 0,
      state: r.optString('State'),
      info: r.optString('Info'),
    });
  });
}
