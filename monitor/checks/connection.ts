// One reused MySQL connection per host×check, with a hard bound on every use.
//
// MMM opened a fresh connection for every check (spec §3.1). We keep one session open (ManagedConnection
// replaces it after any failure), which makes a check a single round trip and lets a dead server be noticed
// the moment its TCP connection drops (`onLost`, also while idle). A reused session that turns out dead is
// retried once on a fresh session within the same time budget, so a server restart is not a failure; the
// fresh connect then yields MMM's "Connect error" texts.
//
// Every use is bounded: connect timeout = the check's timeout, each query gets what is left of it, and a
// deadline a little later (DEADLINE_GRACE_MS) answers "ERROR: Timeout" whatever the driver does and destroys
// the session. Work left behind by a deadline (bounded by the driver's own guards) is awaited by the next use,
// so uses never overlap.
import { MmmError, describeError } from '../../common/errors/index.js';
import type { Logger } from '../../common/log/index.js';
import {
  endpointLabel,
  ManagedConnection,
  type MysqlEndpoint,
  type MysqlSession,
  type Queryable,
  type QueryOptions,
} from '../../common/mysql/connection.js';
import { dialectFor, type Dialect } from '../../common/mysql/dialect.js';
import { detectServerVersion } from '../../common/mysql/flavor.js';
import type { Query, Row, Statement } from '../../common/mysql/statement.js';
import type { MysqlFailure } from './messages.js';

/** How long after the check's timeout the deadline steps in, so that the driver's own (more telling) errors win. */
export const DEADLINE_GRACE_MS = 100;
const MIN_QUERY_MS = 1;

export type UseOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly dialect: Dialect }
  | { readonly ok: false; readonly failure: MysqlFailure };

export interface CheckConnectionOptions {
  readonly logger: Logger;
  /** A session this connection had open broke (link lost, query timeout, deadline); fires at once. */
  readonly onLost: (reason: string) => void;
}

/** MmmError (or anything) → the parts a result text needs; drops our "MySQL host:port: " prefix. */
export function toFailure(phase: 'connect' | 'query', e: unknown, label: string): MysqlFailure {
  const err = e instanceof MmmError ? e : new MmmError('MMM_INTERNAL', describeError(e));
  const errno = err.details?.['errno'];
  let errstr = err.message;
  const prefix = `MySQL ${label}: `;
  if (errstr.startsWith(prefix)) errstr = errstr.slice(prefix.length);
  if (errstr.startsWith('cannot connect: ')) errstr = errstr.slice('cannot connect: '.length);
  return { phase, code: err.code, errno: typeof errno === 'number' ? errno : undefined, errstr };
}

export class CheckConnection {
  readonly label: string;
  readonly #mc: ManagedConnection;
  readonly #timeoutMs: number;
  readonly #log: Logger;
  readonly #onLost: (reason: string) => void;
  #session: MysqlSession | undefined;
  #dialect: Dialect | undefined;
  #leftover: Promise<void> | undefined;

  constructor(endpoint: MysqlEndpoint, timeoutMs: number, opts: CheckConnectionOptions) {
    this.label = endpointLabel(endpoint);
    this.#timeoutMs = timeoutMs;
    this.#log = opts.logger;
    this.#onLost = opts.onLost;
    this.#mc = new ManagedConnection(
      endpoint,
      { connectTimeoutMs: timeoutMs, queryTimeoutMs: timeoutMs },
      {
        logger: opts.logger,
        onLost: (e) => {
          this.#onLost(e.message);
        },
      },
    );
  }

  /** Runs `body` on the (re)used session within the timeout; never throws. */
  async use<T>(body: (q: Queryable, d: Dialect) => Promise<T>): Promise<UseOutcome<T>> {
    if (this.#leftover !== undefined) await this.#leftover;
    const deadline = performance.now() + this.#timeoutMs;
    const work = this.#attempt(body, deadline, true);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => {
        resolve('late');
      }, this.#timeoutMs + DEADLINE_GRACE_MS);
    });
    try {
      const first = await Promise.race([work, late]);
      if (first !== 'late') return first;
    } finally {
      clearTimeout(timer);
    }
    const s = this.#session;
    this.#forget();
    if (s !== undefined && !s.closed) {
      s.destroy();
      this.#onLost(`no answer within ${this.#timeoutMs} ms`);
    }
    this.#leftover = work.then(
      () => undefined,
      () => undefined,
    );
    this.#leftover = this.#leftover.finally(() => {
      this.#leftover = undefined;
    });
    return {
      ok: false,
      failure: { phase: 'query', code: 'MMM_TIMEOUT', errno: undefined, errstr: 'timeout' },
    };
  }

  async #attempt<T>(
    body: (q: Queryable, d: Dialect) => Promise<T>,
    deadline: number,
    mayRetry: boolean,
  ): Promise<UseOutcome<T>> {
    let session: MysqlSession;
    try {
      session = await this.#mc.session();
    } catch (e) {
      this.#forget();
      return { ok: false, failure: toFailure('connect', e, this.label) };
    }
    const reused = session === this.#session;
    if (!reused) {
      this.#session = session;
      this.#dialect = undefined;
    }
    const q = bounded(session, deadline);
    try {
      this.#dialect ??= dialectFor(await detectServerVersion(q));
      const value = await body(q, this.#dialect);
      return { ok: true, value, dialect: this.#dialect };
    } catch (e) {
      const failure = toFailure('query', e, this.label);
      if (session.closed) this.#forget();
      if (reused && mayRetry && failure.code === 'MMM_MYSQL_UNREACHABLE' && deadline - performance.now() > 0) {
        this.#log.debug({ mysql: this.label, error: failure.errstr }, 'reused session was dead; reconnecting');
        return this.#attempt(body, deadline, false);
      }
      return { ok: false, failure };
    }
  }

  #forget(): void {
    this.#session = undefined;
    this.#dialect = undefined;
  }

  async close(): Promise<void> {
    await this.#mc.close();
    if (this.#leftover !== undefined) await this.#leftover;
    this.#forget();
  }
}

/** The session, with each query bounded by what is left until `deadline` (performance.now() ms). */
function bounded(session: MysqlSession, deadline: number): Queryable {
  const opts = (): QueryOptions => ({ timeoutMs: Math.max(MIN_QUERY_MS, Math.round(deadline - performance.now())) });
  return {
    query: (stmt: Statement): Promise<Row[]> => session.query(stmt, opts()),
    run: <T>(q: Query<T>): Promise<T> => session.run(q, opts()),
  };
}
