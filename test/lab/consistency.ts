// Data consistency across lab hosts: CHECKSUM TABLE per host, and per host the keys of rows that some other
// host has and it lacks (the rows a failover lost, or a split brain wrote on one side only).
import { MmmError } from '../../common/errors/index.js';
import type { HostName } from './addr.js';
import type { Row } from './db.js';

export interface ConsistencyOptions {
  /** Tables as db.table. Default ['app.t']. */
  readonly tables?: readonly string[];
  /** Key column listed for missing rows. Default 'id'. */
  readonly key?: string;
  /** Hosts to compare. Default: all hosts whose server answers. */
  readonly hosts?: readonly string[];
}

export type RowKey = number | string;

export interface TableConsistency {
  readonly table: string;
  /** CHECKSUM TABLE per host (null: the table does not exist there). */
  readonly checksums: Readonly<Record<string, number | null>>;
  readonly rowCounts: Readonly<Record<string, number>>;
  /** Keys present on some compared host but absent on this one, ascending. */
  readonly missing: Readonly<Record<string, readonly RowKey[]>>;
  /** Same checksum everywhere and nothing missing anywhere. */
  readonly consistent: boolean;
}

interface SqlRunner {
  readonly hosts: readonly { readonly name: HostName }[];
  sql(host: string, sql: string, opts?: { timeoutMs?: number }): Promise<Row[]>;
}

const IDENT = /^[A-Za-z0-9_$]+$/;

function quoteTable(table: string): string {
  const parts = table.split('.');
  if (parts.length !== 2 || !parts.every((p) => IDENT.test(p))) {
    throw new MmmError('MMM_USAGE', `consistency table: expected db.table (letters, digits, _), got '${table}'`);
  }
  return parts.map((p) => `\`${p}\``).join('.');
}

function normaliseKey(v: unknown): RowKey {
  return typeof v === 'number' || typeof v === 'string' ? v : String(v);
}

function compareKeys(a: RowKey, b: RowKey): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

async function answeringHosts(lab: SqlRunner): Promise<string[]> {
  const names = lab.hosts.map((h) => h.name);
  const ok = await Promise.all(
    names.map((n) =>
      lab.sql(n, 'SELECT 1', { timeoutMs: 1_000 }).then(
        () => true,
        () => false,
      ),
    ),
  );
  return names.filter((_, i) => ok[i]);
}

export async function checkConsistency(lab: SqlRunner, opts: ConsistencyOptions = {}): Promise<TableConsistency[]> {
  const tables = opts.tables ?? ['app.t'];
  const key = opts.key ?? 'id';
  if (!IDENT.test(key)) throw new MmmError('MMM_USAGE', `consistency key: expected a column name, got '${key}'`);
  const hosts = opts.hosts ?? (await answeringHosts(lab));
  const out: TableConsistency[] = [];
  for (const table of tables) {
    const qt = quoteTable(table);
    const perHost = await Promise.all(
      hosts.map(async (h) => {
        const [sum] = await lab.sql(h, `CHECKSUM TABLE ${qt}`);
        const checksum = sum?.['Checksum'];
        const keys = checksum === null ? [] : await lab.sql(h, `SELECT \`${key}\` AS k FROM ${qt}`);
        return {
          host: h,
          checksum: checksum === null || checksum === undefined ? null : Number(checksum),
          keys: new Set(keys.map((r) => normaliseKey(r['k']))),
        };
      }),
    );
    const union = new Set<RowKey>();
    for (const p of perHost) for (const k of p.keys) union.add(k);
    const all = [...union].sort(compareKeys);
    const missing = Object.fromEntries(perHost.map((p) => [p.host, all.filter((k) => !p.keys.has(k))]));
    const checksums = Object.fromEntries(perHost.map((p) => [p.host, p.checksum]));
    const sums = new Set(perHost.map((p) => p.checksum));
    out.push({
      table,
      checksums,
      rowCounts: Object.fromEntries(perHost.map((p) => [p.host, p.keys.size])),
      missing,
      consistent: sums.size <= 1 && !sums.has(null) && Object.values(missing).every((m) => m.length === 0),
    });
  }
  return out;
}
