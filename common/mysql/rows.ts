// Typed reads of result-row columns. mysql2 returns numbers as number (or as string above 2^53 with
// supportBigNumbers), NULL as null, and text as string; recorded fixtures may hold numbers as strings. Each
// reader accepts those forms and otherwise throws MMM_MYSQL_UNSUPPORTED naming the column and what was
// expected, so an unexpected server answer is a clear error and never a silent wrong value. Pure.
import { MmmError } from '../errors/index.js';
import type { Row } from './statement.js';

function unexpected(what: string, column: string, expected: string, value: unknown): MmmError {
  const shown = value === undefined ? 'no such column' : `got ${JSON.stringify(value)}`;
  return new MmmError('MMM_MYSQL_UNSUPPORTED', `${what}: column ${column}: expected ${expected}, ${shown}`);
}

/** The value of the first column name present in the row (for columns renamed between versions). */
export function pick(row: Row, names: readonly string[]): { column: string; value: unknown } {
  for (const name of names) if (name in row) return { column: name, value: row[name] };
  return { column: names.join('/'), value: undefined };
}

export class RowReader {
  readonly #row: Row;
  readonly #what: string;

  constructor(row: Row, what: string) {
    this.#row = row;
    this.#what = what;
  }

  has(...names: string[]): boolean {
    return pick(this.#row, names).value !== undefined;
  }

  string(...names: string[]): string {
    const { column, value } = pick(this.#row, names);
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    throw unexpected(this.#what, column, 'a string', value);
  }

  /** A string, or null for SQL NULL or a missing column. */
  optString(...names: string[]): string | null {
    const { value } = pick(this.#row, names);
    return value === null || value === undefined ? null : this.string(...names);
  }

  number(...names: string[]): number {
    const { column, value } = pick(this.#row, names);
    const n = toNumber(value);
    if (n === undefined) throw unexpected(this.#what, column, 'a number', value);
    return n;
  }

  /** A number, or null for SQL NULL, '' or a missing column. */
  optNumber(...names: string[]): number | null {
    const { value } = pick(this.#row, names);
    return value === null || value === undefined || value === '' ? null : this.number(...names);
  }

  /** 0/1, 'ON'/'OFF', 'Yes'/'No' as MySQL spells booleans. */
  bool(...names: string[]): boolean {
    const { column, value } = pick(this.#row, names);
    const n = toNumber(value);
    if (n === 0 || n === 1) return n === 1;
    if (typeof value === 'string') {
      const v = value.toUpperCase();
      if (v === 'ON' || v === 'YES' || v === 'TRUE') return true;
      if (v === 'OFF' || v === 'NO' || v === 'FALSE') return false;
    }
    throw unexpected(this.#what, column, '0/1 or ON/OFF', value);
  }

  oneOf<T extends string>(allowed: readonly T[], ...names: string[]): T {
    const v = this.string(...names);
    const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
    if (hit === undefined) throw unexpected(this.#what, pick(this.#row, names).column, allowed.join('|'), v);
    return hit;
  }
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** The single row of a one-row result, or an error naming the statement. */
export function onlyRow(rows: readonly Row[], what: string): Row {
  const row = rows[0];
  if (rows.length !== 1 || row === undefined) {
    throw new MmmError('MMM_MYSQL_UNSUPPORTED', `${what}: expected exactly one row, got ${rows.length}`);
  }
  return row;
}
