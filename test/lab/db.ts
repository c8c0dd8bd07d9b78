// SQL access to lab servers: over TCP as a named lab user (the path the tool under test takes), or as root
// over the host's Unix socket (works from the root namespace even while the host is cut off the network).
// Every connection has a connect timeout and every query a timeout: mysql2 has none by default, and a
// stopped or isolated server would otherwise hang the caller forever.
import { createConnection, type Connection, type ConnectionOptions } from 'mysql2/promise';
import { MmmError } from '../../common/errors/index.js';
import { MYSQL_PORT } from './addr.js';
import { within } from './proc.js';
import { LAB_USERS, type LabUser } from './users.js';

export type Row = Record<string, unknown>;

/** Where and as whom to connect: a lab user over TCP to `ip`, or root over `socket`. */
export type Target =
  | { readonly kind: 'tcp'; readonly ip: string; readonly user: LabUser }
  | { readonly kind: 'socket'; readonly socket: string };

export interface QueryOptions {
  readonly params?: readonly (string | number | boolean | null)[];
  readonly timeoutMs?: number;
}

export const DEFAULT_SQL_TIMEOUT_MS = 5_000;

function connectionOptions(t: Target, timeoutMs: number): ConnectionOptions {
  const common = { connectTimeout: timeoutMs, supportBigNumbers: true, dateStrings: true, multipleStatements: false };
  if (t.kind === 'socket') return { ...common, socketPath: t.socket, user: 'root' };
  const cred = LAB_USERS[t.user];
  return { ...common, host: t.ip, port: MYSQL_PORT, user: cred.user, password: cred.password };
}

/** Statement text for error messages, with any password literal masked. */
function shown(sql: string): string {
  return sql.replace(/(PASSWORD\s*=?\s*)'(?:[^']|'')*'/gi, "$1'***'").slice(0, 200);
}

function describeTarget(t: Target): string {
  return t.kind === 'socket' ? `root@${t.socket}` : `${t.user}@${t.ip}`;
}

/** Opens a connection, runs `fn`, closes it (or destroys it when the server does not answer). */
export async function withConnection<T>(
  t: Target,
  fn: (c: Connection) => Promise<T>,
  timeoutMs = DEFAULT_SQL_TIMEOUT_MS,
): Promise<T> {
  let conn: Connection;
  try {
    conn = await createConnection(connectionOptions(t, timeoutMs));
  } catch (e) {
    throw new MmmError('MMM_MYSQL_UNREACHABLE', `connect ${describeTarget(t)}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  // A connection error after connect (server killed) must not become an unhandled 'error' event.
  conn.on('error', () => undefined);
  try {
    const result = await fn(conn);
    await within(
      conn.end().catch(() => undefined),
      500,
    );
    return result;
  } finally {
    conn.destroy();
  }
}

/** Runs one statement and returns its rows (for non-SELECT statements: an empty array). */
export async function query(t: Target, sql: string, opts: QueryOptions = {}): Promise<Row[]> {
  const timeout = opts.timeoutMs ?? DEFAULT_SQL_TIMEOUT_MS;
  return withConnection(
    t,
    async (c) => {
      try {
        const [rows] = await c.query({ sql, timeout, values: opts.params === undefined ? [] : [...opts.params] });
        return Array.isArray(rows) ? (rows as Row[]) : [];
      } catch (e) {
        throw new MmmError('MMM_MYSQL_ERROR', `${describeTarget(t)}: ${shown(sql)}: ${(e as Error).message}`, {
          cause: e,
        });
      }
    },
    timeout,
  );
}

/** Runs statements one after another on one connection. */
export async function queryAll(t: Target, statements: readonly string[], timeoutMs?: number): Promise<void> {
  await withConnection(
    t,
    async (c) => {
      for (const sql of statements) {
        try {
          await c.query({ sql, timeout: timeoutMs ?? DEFAULT_SQL_TIMEOUT_MS });
        } catch (e) {
          throw new MmmError('MMM_MYSQL_ERROR', `${describeTarget(t)}: ${shown(sql)}: ${(e as Error).message}`, {
            cause: e,
          });
        }
      }
    },
    timeoutMs,
  );
}

/** A column value as text: strings as they are, numbers and bigints printed, anything else ''. */
export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return '';
}

/** Quotes a string literal for the few statements that cannot take placeholders (CHANGE MASTER). */
export function sqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
