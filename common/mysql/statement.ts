// A SQL statement as the dialect layer hands it out: text with `?` placeholders for every string value, plus
// the values. Numbers are validated by the dialect and written into the text as literals; strings (host
// names, file names, GTIDs, user names) and secrets always travel as parameters, so quoting is never done by
// hand. The connection layer substitutes the parameters with mysql2's escaping (client side, because MariaDB
// and older MySQL do not accept placeholders in CHANGE MASTER) and reveals a Secret only at that moment.
//
// Consequence for logging: `sql` never contains a parameter value, so it is safe to log as is; use
// `describeStatement` to show the values too (secrets print as ***).
import { Secret } from '../config/secret.js';

export type SqlValue = string | number | Secret;

export interface Statement {
  readonly sql: string;
  readonly params: readonly SqlValue[];
  /**
   * Seconds this statement may block on the server by design (MASTER_GTID_WAIT and friends). The connection
   * layer adds it to the query timeout, so a bounded wait is never cut short by the client.
   */
  readonly blockingSeconds?: number;
}

/** A statement from literal text. For the dialect itself and for tests; apps get statements from dialect.ts. */
export function statement(sql: string, params: readonly SqlValue[] = [], blockingSeconds?: number): Statement {
  const placeholders = countPlaceholders(sql);
  if (placeholders !== params.length) {
    throw new Error(`statement has ${placeholders} placeholder(s) but ${params.length} parameter(s): ${sql}`);
  }
  return Object.freeze(
    blockingSeconds === undefined
      ? { sql, params: Object.freeze([...params]) }
      : { sql, params: Object.freeze([...params]), blockingSeconds },
  );
}

/** Statement text with parameters shown (strings quoted, secrets as ***). For logs and error messages. */
export function describeStatement(stmt: Statement): string {
  let i = 0;
  return stmt.sql.replace(/\?/g, () => {
    const v = stmt.params[i++];
    if (v instanceof Secret) return '***';
    if (typeof v === 'number') return String(v);
    return `'${String(v).replace(/[\\']/g, (c) => `\\${c}`)}'`;
  });
}

/** The secrets among a statement's parameters (the connection layer scrubs them from error texts). */
export function statementSecrets(stmt: Statement): Secret[] {
  return stmt.params.filter((p): p is Secret => p instanceof Secret);
}

function countPlaceholders(sql: string): number {
  return (sql.match(/\?/g) ?? []).length;
}

/** One result row as mysql2 returns it for a text-protocol query (column name → value). */
export type Row = Readonly<Record<string, unknown>>;

/** A statement whose result rows have a known meaning: `parse` turns them into a typed value. */
export interface Query<T> extends Statement {
  readonly parse: (rows: readonly Row[]) => T;
}

export function withParser<T>(stmt: Statement, parse: (rows: readonly Row[]) => T): Query<T> {
  return Object.freeze({ ...stmt, parse });
}

/**
 * Run once per session before the first statement with string parameters: mysql2 escapes quotes with
 * backslashes, which a server in NO_BACKSLASH_ESCAPES mode would read differently (an injection risk).
 */
export const SAFE_ESCAPING_SETUP: Statement = statement(
  "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), " +
    "',NO_BACKSLASH_ESCAPES,', ','))",
);
