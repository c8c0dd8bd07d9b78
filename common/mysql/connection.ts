// MySQL/MariaDB connections on mysql2 with hard time bounds and MmmError codes.
//
// * Every session has a connect timeout and every query a timeout (mysql2 has no query timeout by default;
//   its `timeout` query option is used, plus a guard timer from the moment of the call, because mysql2 starts
//   a query's timer only when the query reaches the head of the connection's queue).
// * A session that timed out or lost its link is destroyed (socket torn down), never reused: the next query
//   on it fails at once. ManagedConnection opens a fresh one on the next call.
// * Errors: MMM_MYSQL_UNREACHABLE (connect failed, refused, connect timeout, link lost), MMM_TIMEOUT (query
//   timeout), MMM_MYSQL_ERROR (the server answered with an error; details carry errno, sqlState and the mysql
//   error code, e.g. 1040 Too many connections, 1045 Access denied, 1227 missing privilege).
// * Passwords arrive as Secret and are revealed only in the mysql2 call. Error messages are built from the
//   server's message with every secret of the session and of the statement scrubbed; mysql2's own error
//   object (whose `sql` holds the substituted statement) is never passed on.
import { createConnection, type Connection as CoreConnection, escape } from 'mysql2';
import type { Connection as PromiseConnection } from 'mysql2/promise';
import { Secret } from '../config/secret.js';
import { MmmError } from '../errors/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import { SAFE_ESCAPING_SETUP, statementSecrets, type Query, type Row, type Statement } from './statement.js';

export interface MysqlEndpoint {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: Secret;
  /** Connect through this Unix socket instead of TCP (host and port then only label the endpoint). */
  readonly socketPath?: string;
}

export interface ConnectionTimeouts {
  /** TCP connect, handshake and authentication together. */
  readonly connectTimeoutMs: number;
  /** Default per-query timeout (a statement's blockingSeconds is added on top). */
  readonly queryTimeoutMs: number;
}

export interface QueryOptions {
  /** Overrides the session's default query timeout for this call (blockingSeconds is still added). */
  readonly timeoutMs?: number;
}

/** Anything that runs dialect statements: a session or a managed connection. */
export interface Queryable {
  query(stmt: Statement, opts?: QueryOptions): Promise<Row[]>;
  run<T>(q: Query<T>, opts?: QueryOptions): Promise<T>;
}

export interface MysqlSession extends Queryable {
  /** "host:port" (or the socket path), for messages. */
  readonly label: string;
  /** The server's id for this session (CONNECTION_ID()). */
  readonly threadId: number;
  /** True after close/destroy or after a timeout or link failure destroyed it. */
  readonly closed: boolean;
  /** Polite close (COM_QUIT), bounded by the connect timeout; falls back to destroy. */
  close(): Promise<void>;
  /** Tear the socket down at once. */
  destroy(): void;
}

export interface SessionOptions {
  readonly logger?: Logger;
}

/** Extra time the guard timers allow beyond mysql2's own timeouts before they step in. */
const GUARD_MARGIN_MS = 500;

function checkTimeout(name: string, ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new MmmError('MMM_BAD_REQUEST', `${name} must be a positive number of milliseconds, got ${ms}`);
  }
}

export function endpointLabel(e: MysqlEndpoint): string {
  return e.socketPath ?? `${e.host}:${e.port}`;
}

/** Opens one session. Rejects with MMM_MYSQL_UNREACHABLE or MMM_MYSQL_ERROR (e.g. 1045, 1040) in bounded time. */
export async function openSession(
  endpoint: MysqlEndpoint,
  timeouts: ConnectionTimeouts,
  opts: SessionOptions = {},
): Promise<MysqlSession> {
  checkTimeout('connectTimeoutMs', timeouts.connectTimeoutMs);
  checkTimeout('queryTimeoutMs', timeouts.queryTimeoutMs);
  const label = endpointLabel(endpoint);
  const log = (opts.logger ?? silentLogger()).child({ mysql: label });
  const secrets = [endpoint.password];
  const core = createConnection({
    ...(endpoint.socketPath === undefined
      ? { host: endpoint.host, port: endpoint.port }
      : { socketPath: endpoint.socketPath }),
    user: endpoint.user,
    password: endpoint.password.reveal(),
    connectTimeout: timeouts.connectTimeoutMs,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: false,
    dateStrings: true,
    multipleStatements: false,
    enableKeepAlive: true,
    keepAliveInitialDelay: 10_000,
  });
  return new Promise<MysqlSession>((resolve, reject) => {
    let session: Session | undefined;
    const fail = (e: unknown): void => {
      clearTimeout(guard);
      hardDestroy(core);
      reject(mapMysqlError(e, { label, phase: 'connect', timeoutMs: timeouts.connectTimeoutMs, secrets }));
    };
    const guard = setTimeout(() => {
      fail(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }));
    }, timeouts.connectTimeoutMs + GUARD_MARGIN_MS);
    // Registered before anything can fail and kept for the session's life: an 'error' event without a
    // listener would crash the process.
    core.on('error', (e: unknown) => {
      if (session === undefined) fail(e);
      else session.linkFailed(e);
    });
    core.once('connect', () => {
      clearTimeout(guard);
      session = new Session(core, label, timeouts, secrets, log);
      log.debug({ threadId: core.threadId }, 'mysql session open');
      resolve(session);
    });
  });
}

function hardDestroy(core: CoreConnection): void {
  try {
    core.destroy();
  } finally {
    // mysql2's destroy() only half-closes (FIN); a stopped server would keep the socket. Tear it down.
    (core as unknown as { stream?: { destroy?: () => void } }).stream?.destroy?.();
  }
}

class Session implements MysqlSession {
  readonly label: string;
  readonly threadId: number;
  readonly #core: CoreConnection;
  readonly #pc: PromiseConnection;
  readonly #timeouts: ConnectionTimeouts;
  readonly #secrets: readonly Secret[];
  readonly #log: Logger;
  #closedReason: string | undefined;
  #escapingSafe = false;

  constructor(
    core: CoreConnection,
    label: string,
    timeouts: ConnectionTimeouts,
    secrets: readonly Secret[],
    log: Logger,
  ) {
    this.#core = core;
    this.#pc = core.promise();
    this.label = label;
    this.threadId = core.threadId;
    this.#timeouts = timeouts;
    this.#secrets = secrets;
    this.#log = log;
  }

  get closed(): boolean {
    return this.#closedReason !== undefined;
  }

  linkFailed(e: unknown): void {
    if (this.closed) return;
    const err = mapMysqlError(e, { label: this.label, phase: 'query', timeoutMs: 0, secrets: this.#secrets });
    this.#log.debug({ code: err.code, error: err.message }, 'mysql session lost');
    this.#shut(`link lost: ${err.message}`);
  }

  async run<T>(q: Query<T>, opts?: QueryOptions): Promise<T> {
    return q.parse(await this.query(q, opts));
  }

  async query(stmt: Statement, opts: QueryOptions = {}): Promise<Row[]> {
    if (opts.timeoutMs !== undefined) checkTimeout('timeoutMs', opts.timeoutMs);
    const base = opts.timeoutMs ?? this.#timeouts.queryTimeoutMs;
    if (!this.#escapingSafe && stmt.params.some((p) => typeof p !== 'number')) {
      await this.#exec(SAFE_ESCAPING_SETUP, base);
      this.#escapingSafe = true;
    }
    return this.#exec(stmt, base + (stmt.blockingSeconds ?? 0) * 1000);
  }

  async #exec(stmt: Statement, timeoutMs: number): Promise<Row[]> {
    if (this.#closedReason !== undefined) {
      throw new MmmError('MMM_MYSQL_UNREACHABLE', `MySQL ${this.label}: session is closed (${this.#closedReason})`);
    }
    const secrets = [...this.#secrets, ...statementSecrets(stmt)];
    const values = stmt.params.map((p) => (p instanceof Secret ? p.reveal() : p));
    let guard: NodeJS.Timeout | undefined;
    const guarded = new Promise<never>((_, reject) => {
      guard = setTimeout(() => {
        reject(Object.assign(new Error('Query inactivity timeout'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }));
      }, timeoutMs + GUARD_MARGIN_MS);
    });
    try {
      const [rows] = await Promise.race([this.#pc.query({ sql: stmt.sql, values, timeout: timeoutMs }), guarded]);
      return Array.isArray(rows) ? (rows as Row[]) : [];
    } catch (e) {
      const err = mapMysqlError(e, { label: this.label, phase: 'query', timeoutMs, secrets, sql: stmt.sql });
      if (err.code !== 'MMM_MYSQL_ERROR' || isFatal(e)) {
        this.#log.warn({ code: err.code, error: err.message }, 'mysql session destroyed');
        this.#shut(err.code === 'MMM_TIMEOUT' ? 'destroyed after a query timeout' : err.message);
      }
      throw err;
    } finally {
      clearTimeout(guard);
    }
  }

  #shut(reason: string): void {
    if (this.#closedReason !== undefined) return;
    this.#closedReason = reason;
    hardDestroy(this.#core);
  }

  destroy(): void {
    this.#shut('destroyed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.#closedReason = 'closed';
    let guard: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.#pc.end(),
        new Promise<void>((resolve) => {
          guard = setTimeout(resolve, this.#timeouts.connectTimeoutMs);
        }),
      ]);
    } catch {
      // Closing a broken link fails; the socket goes away below either way.
    } finally {
      clearTimeout(guard);
      hardDestroy(this.#core);
    }
  }
}

function isFatal(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { fatal?: unknown }).fatal === true;
}

// ---------------------------------------------------------------------------------------------------------
// Error mapping

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOENT', // Unix socket path missing
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

export interface ErrorContext {
  readonly label: string;
  readonly phase: 'connect' | 'query';
  /** The timeout that was in force, for the message. */
  readonly timeoutMs: number;
  /** Values to scrub from any text that ends up in the error. */
  readonly secrets: readonly Secret[];
  /** Statement text (placeholders only, never values), to name what timed out. */
  readonly sql?: string;
}

interface DriverError {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  message?: unknown;
  fatal?: unknown;
}

/** Turns whatever mysql2 (or the socket) threw into an MmmError without secrets. Pure. */
export function mapMysqlError(e: unknown, ctx: ErrorContext): MmmError {
  if (e instanceof MmmError) return e;
  const d: DriverError = typeof e === 'object' && e !== null ? e : { message: String(e) };
  const code = typeof d.code === 'string' ? d.code : undefined;
  const rawMessage = typeof d.message === 'string' ? d.message : String(e);
  const message = scrubSecrets(rawMessage, ctx.secrets);
  const what = ctx.sql === undefined ? '' : ` (${ctx.sql.length > 60 ? `${ctx.sql.slice(0, 57)}...` : ctx.sql})`;
  const prefix = `MySQL ${ctx.label}`;

  if (code === 'PROTOCOL_SEQUENCE_TIMEOUT' && ctx.phase === 'query') {
    return new MmmError('MMM_TIMEOUT', `${prefix}: query timed out after ${ctx.timeoutMs} ms${what}`, {
      details: { timeoutMs: ctx.timeoutMs },
    });
  }
  if (code === 'ETIMEDOUT' && ctx.phase === 'connect') {
    return new MmmError('MMM_MYSQL_UNREACHABLE', `${prefix}: connect timed out after ${ctx.timeoutMs} ms`, {
      details: { errorCode: code, timeout: true },
    });
  }
  const serverErrno = typeof d.errno === 'number' && d.errno > 0 && typeof d.sqlState === 'string' ? d.errno : 0;
  if (serverErrno > 0 && (code === undefined || !NETWORK_CODES.has(code))) {
    return new MmmError('MMM_MYSQL_ERROR', `${prefix}: ${message} (errno ${serverErrno})`, {
      details: { errno: serverErrno, sqlState: d.sqlState, mysqlCode: code },
    });
  }
  if ((code !== undefined && NETWORK_CODES.has(code)) || ctx.phase === 'connect' || d.fatal === true) {
    const verb = ctx.phase === 'connect' ? 'cannot connect' : 'connection lost';
    return new MmmError('MMM_MYSQL_UNREACHABLE', `${prefix}: ${verb}: ${message}`, {
      details: code === undefined ? {} : { errorCode: code },
    });
  }
  if (/closed state/i.test(rawMessage)) {
    return new MmmError('MMM_MYSQL_UNREACHABLE', `${prefix}: connection lost: ${message}`);
  }
  return new MmmError('MMM_MYSQL_ERROR', `${prefix}: ${message}${what}`, {
    details: code === undefined ? {} : { mysqlCode: code },
  });
}

/** Replaces every secret (raw, and as mysql2 would have escaped it into SQL) with ***. */
export function scrubSecrets(text: string, secrets: readonly Secret[]): string {
  let out = text;
  for (const s of secrets) {
    const raw = s.reveal();
    if (raw.length === 0) continue;
    const escaped = escape(raw).slice(1, -1); // without the surrounding quotes
    for (const form of new Set([escaped, raw])) out = out.split(form).join('***');
  }
  return out;
}

/** The server's error number behind an MmmError from this module (undefined for non-server errors). */
export function mysqlErrno(e: unknown): number | undefined {
  if (!(e instanceof MmmError)) return undefined;
  const n = e.details?.['errno'];
  return typeof n === 'number' ? n : undefined;
}

/** MySQL error 1040: the server is up but full. MMM's mysql check reports this as UNKNOWN, not as a failure. */
export function isTooManyConnections(e: unknown): boolean {
  return mysqlErrno(e) === 1040;
}

// ---------------------------------------------------------------------------------------------------------
// Managed connection: one lazily opened session for a long-lived check, replaced after any failure.

export class ManagedConnection implements Queryable {
  readonly label: string;
  readonly #endpoint: MysqlEndpoint;
  readonly #timeouts: ConnectionTimeouts;
  readonly #opts: SessionOptions;
  #session: MysqlSession | undefined;
  #opening: Promise<MysqlSession> | undefined;
  #closed = false;

  constructor(endpoint: MysqlEndpoint, timeouts: ConnectionTimeouts, opts: SessionOptions = {}) {
    checkTimeout('connectTimeoutMs', timeouts.connectTimeoutMs);
    checkTimeout('queryTimeoutMs', timeouts.queryTimeoutMs);
    this.label = endpointLabel(endpoint);
    this.#endpoint = endpoint;
    this.#timeouts = timeouts;
    this.#opts = opts;
  }

  /** True while a usable session is open (no I/O; it may still turn out dead on the next query). */
  get connected(): boolean {
    return this.#session !== undefined && !this.#session.closed;
  }

  /** The current session, opened if needed (for statements that need the same session, e.g. a thread id). */
  async session(): Promise<MysqlSession> {
    if (this.#closed) throw new MmmError('MMM_INTERNAL', `MySQL ${this.label}: managed connection is closed`);
    if (this.#session !== undefined && !this.#session.closed) return this.#session;
    this.#session = undefined;
    this.#opening ??= openSession(this.#endpoint, this.#timeouts, this.#opts).finally(() => {
      this.#opening = undefined;
    });
    const s = await this.#opening;
    if (this.#isClosed()) {
      s.destroy();
      throw new MmmError('MMM_INTERNAL', `MySQL ${this.label}: managed connection is closed`);
    }
    this.#session = s;
    return s;
  }

  #isClosed(): boolean {
    return this.#closed;
  }

  async query(stmt: Statement, opts?: QueryOptions): Promise<Row[]> {
    const s = await this.session();
    try {
      return await s.query(stmt, opts);
    } finally {
      if (s.closed && this.#session === s) this.#session = undefined;
    }
  }

  async run<T>(q: Query<T>, opts?: QueryOptions): Promise<T> {
    return q.parse(await this.query(q, opts));
  }

  async close(): Promise<void> {
    this.#closed = true;
    const s = this.#session;
    this.#session = undefined;
    if (s !== undefined) await s.close();
  }
}
