// MMM 2.2.1's check result strings (spec §3.2) and checker log lines (§3.3), and the pure rules that turn an
// observation or an error into one of them. Pure: no I/O, no clock. DBAs' scripts parse these texts, so they
// are MMM's, byte for byte, wherever MMM had one; `<errstr>` is the driver's message (mysql2 words it
// differently from libmysqlclient, e.g. "connect ECONNREFUSED 198.18.0.11:3306").
import type { CheckName } from '../../common/config/types.js';
import type { ErrorCode } from '../../common/errors/index.js';
import type { ReplicaStatus } from '../../common/mysql/replica-status.js';

/** What one run of a check said, before debouncing. MMM told them apart by the text's first word. */
export type RawKind = 'ok' | 'error' | 'unknown';

export interface RawResult {
  readonly kind: RawKind;
  /** The full result text, starting with OK, ERROR or UNKNOWN. */
  readonly message: string;
}

/** MMM's classification: /^OK/, /^ERROR/, anything else (UNKNOWN, or garbage from a dead checker) is unknown. */
export function classify(message: string): RawKind {
  if (message.startsWith('OK')) return 'ok';
  if (message.startsWith('ERROR')) return 'error';
  return 'unknown';
}

export function result(message: string): RawResult {
  return Object.freeze({ kind: classify(message), message });
}

export const OK: RawResult = result('OK');
export const BACKLOG_NULL: RawResult = result('OK: Backlog is null');
export const TIMEOUT: RawResult = result('ERROR: Timeout');
export const REPLICATION_BROKEN: RawResult = result('ERROR: Replication is broken');
export const REPLICATION_NOT_SET_UP: RawResult = result('ERROR: Replication is not set up');
export const BACKLOG_TOO_BIG: RawResult = result('ERROR: Backlog is too big');

// ---------------------------------------------------------------------------------------------------------
// ping

/** ICMP through `ping` (MMM: Net::Ping as root) or the TCP fallback got no answer. */
export function couldNotPing(ip: string): RawResult {
  return result(`ERROR: Could not ping ${ip}`);
}

export function fpingCouldNotReach(ip: string): RawResult {
  return result(`ERROR: fping could not reach ${ip}`);
}

// ---------------------------------------------------------------------------------------------------------
// corroboration (ours: MMM had no such result)

/**
 * A failing ping or mysql run while the host's replicas still replicate from it: the check stays OK and says
 * why. Starts with "OK" so that MMM's classification (and DBAs' scripts) read it as OK.
 */
export function reachableByReplicas(host: string, replicas: readonly string[], failure: string): RawResult {
  return result(
    `OK: The monitor cannot reach ${host} (${failure}) but replicas ${replicas.join(', ')} still replicate from it`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// mysql, rep_threads, rep_backlog

/** A failed MySQL operation, reduced to what the result text needs (built from an MmmError by the I/O layer). */
export interface MysqlFailure {
  /** 'connect' = opening the session (TCP, handshake, authentication) failed; 'query' = a statement failed. */
  readonly phase: 'connect' | 'query';
  readonly code: ErrorCode;
  /** Server error number (1040, 1045, 1227, ...) when the server answered with an error. */
  readonly errno: number | undefined;
  /** The driver's message, without our "MySQL host:port: " prefix, secrets already scrubbed. */
  readonly errstr: string;
}

export interface MysqlTarget {
  readonly ip: string;
  readonly port: number;
  readonly user: string;
}

function connectError(level: 'ERROR' | 'UNKNOWN', t: MysqlTarget, errstr: string): RawResult {
  return result(`${level}: Connect error (host = ${t.ip}:${t.port}, user = ${t.user})! ${errstr}`);
}

const TOO_MANY_CONNECTIONS = 1040;
const SPECIFIC_ACCESS_DENIED = 1227;

/**
 * The `mysql` check's verdict on a failure. A server that is up but full (1040) is UNKNOWN, as in MMM: it
 * answers, so it is not dead, and failing over because of load would make things worse.
 */
export function mysqlFailure(t: MysqlTarget, f: MysqlFailure): RawResult {
  if (f.code === 'MMM_TIMEOUT') return TIMEOUT;
  if (f.errno === TOO_MANY_CONNECTIONS) return result(`UNKNOWN: Too many connections! ${f.errstr}`);
  if (f.phase === 'connect') return connectError('ERROR', t, f.errstr);
  if (f.code === 'MMM_MYSQL_ERROR' || f.code === 'MMM_MYSQL_UNREACHABLE') {
    return result(`ERROR: SQL Query Error: ${f.errstr}`);
  }
  return errorOccurred(f.errstr);
}

/**
 * rep_threads / rep_backlog verdict on a failure. Unlike `mysql`, not being able to connect is UNKNOWN (the
 * `mysql` check owns reachability), and only the missing privilege (1227) is an ERROR.
 */
export function replicationFailure(t: MysqlTarget, f: MysqlFailure): RawResult {
  if (f.code === 'MMM_TIMEOUT') return TIMEOUT;
  if (f.phase === 'connect') return connectError('UNKNOWN', t, f.errstr);
  if (f.errno === SPECIFIC_ACCESS_DENIED) {
    return result(
      `ERROR: The monitor user '${t.user}' doesn't have the required REPLICATION CLIENT privilege! ${f.errstr}`,
    );
  }
  if (f.code === 'MMM_MYSQL_ERROR' || f.code === 'MMM_MYSQL_UNREACHABLE') {
    return result(`UNKNOWN: Unknown state. Execute error: ${f.errstr}`);
  }
  return errorOccurred(f.errstr);
}

/** Anything unexpected (a bug, an unparseable result): UNKNOWN, so it never changes a host's state. */
export function errorOccurred(what: string): RawResult {
  return result(`UNKNOWN: Error occurred: ${what}`);
}

/** rep_threads: broken only when a thread says exactly `No`; `Connecting` counts as running (MMM). */
export function evaluateRepThreads(status: ReplicaStatus | null): RawResult {
  if (status === null) return REPLICATION_NOT_SET_UP;
  if (status.ioRunning === 'No' || status.sqlRunning === 'No') return REPLICATION_BROKEN;
  return OK;
}

/**
 * rep_backlog: Seconds_Behind_Master NULL (a stopped thread, a reconnecting IO thread) counts as 0, as in
 * MMM; rep_threads is the check that notices stopped threads.
 */
export function evaluateRepBacklog(status: ReplicaStatus | null, maxBacklog: number): RawResult {
  if (status === null) return REPLICATION_NOT_SET_UP;
  const backlog = status.secondsBehind ?? 0;
  if (backlog === 0) return BACKLOG_NULL;
  if (backlog > maxBacklog) return BACKLOG_TOO_BIG;
  return OK;
}

// ---------------------------------------------------------------------------------------------------------
// Log lines of the checker (spec §3.3)

export function logCheckOk(check: CheckName, host: string): string {
  return `Check '${check}' on '${host}' is ok!`;
}

export function logCheckUnknown(check: CheckName, host: string, message: string): string {
  return `Check '${check}' on '${host}' is in unknown state! Message: ${message}`;
}

export function logCheckFailed(check: CheckName, host: string, ageMs: number, message: string): string {
  return `Check '${check}' on '${host}' has failed for ${formatAge(ageMs)} seconds! Message: ${message}`;
}

/**
 * Whole seconds, rounded down, as MMM's integer time() arithmetic printed them; below one second (only
 * possible with a sub-second trap_period, which MMM could not have) the fraction is kept: "0.5".
 */
export function formatAge(ageMs: number): string {
  const ms = Math.max(0, Math.round(ageMs));
  if (ms >= 1000) return String(Math.floor(ms / 1000));
  return String(ms / 1000);
}
