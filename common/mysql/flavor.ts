// Server flavor and version, from `SELECT @@version, @@version_comment`. Parsing is pure; `detectServerVersion`
// runs the one query through whatever Queryable it is given (a session or a managed connection).
//
// Examples of @@version seen in the wild:
//   MariaDB  "10.11.19-MariaDB-0+deb12u1-log", "11.4.2-MariaDB", "5.5.5-10.6.16-MariaDB" (old replication-hack prefix)
//   MySQL    "8.0.36", "8.4.0-log", "5.7.44-log", "9.1.0", Percona "8.0.36-28" (comment "Percona Server ...")
import { MmmError } from '../errors/index.js';
import type { Queryable } from './connection.js';
import { statement, type Statement } from './statement.js';

export type Flavor = 'mariadb' | 'mysql';

export interface ServerVersion {
  readonly flavor: Flavor;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** @@version as the server reported it. */
  readonly raw: string;
  /** @@version_comment ('' if not known). */
  readonly comment: string;
}

/** Oldest versions the dialect generates SQL for (GTID waits and auto-positioning exist from here on). */
export const MIN_SUPPORTED: Readonly<Record<Flavor, readonly [number, number, number]>> = {
  mariadb: [10, 0, 9], // MASTER_GTID_WAIT
  mysql: [5, 7, 5], // WAIT_FOR_EXECUTED_GTID_SET
};

/** The query `detectServerVersion` runs; version-independent, so it lives here and not in the dialect. */
export const SERVER_VERSION_STATEMENT: Statement = statement(
  'SELECT @@version AS version, @@version_comment AS version_comment',
);

export function parseServerVersion(version: string, comment = ''): ServerVersion {
  const isMaria = /mariadb/i.test(version) || /mariadb/i.test(comment);
  // MariaDB 10.x servers announced "5.5.5-10.x.y-MariaDB" in the handshake for old clients; strip that.
  const text = isMaria ? version.replace(/^5\.5\.5-(?=\d+\.\d+\.\d+)/, '') : version;
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (m === null) {
    throw new MmmError(
      'MMM_MYSQL_UNSUPPORTED',
      `cannot parse server version "${version}": expected it to start with MAJOR.MINOR.PATCH`,
    );
  }
  return Object.freeze({
    flavor: isMaria ? 'mariadb' : 'mysql',
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    raw: version,
    comment,
  });
}

/** True if `v` is at least major.minor.patch (flavor is not compared). */
export function versionAtLeast(v: ServerVersion, major: number, minor = 0, patch = 0): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

/** Throws MMM_MYSQL_UNSUPPORTED for servers older than MIN_SUPPORTED. */
export function assertSupported(v: ServerVersion): void {
  const [major, minor, patch] = MIN_SUPPORTED[v.flavor];
  if (!versionAtLeast(v, major, minor, patch)) {
    throw new MmmError(
      'MMM_MYSQL_UNSUPPORTED',
      `${describeVersion(v)} is not supported: ${v.flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ` +
        `${major}.${minor}.${patch} or newer is required`,
    );
  }
}

/** "MariaDB 10.11.19" / "MySQL 8.4.0". */
export function describeVersion(v: ServerVersion): string {
  return `${v.flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ${v.major}.${v.minor}.${v.patch}`;
}

export async function detectServerVersion(q: Queryable): Promise<ServerVersion> {
  const rows = await q.query(SERVER_VERSION_STATEMENT);
  const row = rows[0];
  const version = row?.['version'];
  const comment = row?.['version_comment'];
  if (typeof version !== 'string') {
    throw new MmmError('MMM_MYSQL_UNSUPPORTED', 'SELECT @@version returned no version string');
  }
  return parseServerVersion(version, typeof comment === 'string' ? comment : '');
}
