// Benchmark reports: machine facts for the header, sections of tables and notes, written as
// results/<suite>-<date>.md (for people) and .json (every raw figure, for tools), plus a progress line per
// step on stdout.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface MachineFacts {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memTotalMiB: number;
  readonly memAvailableMiB: number;
  readonly loadAverageStart: string;
  readonly loadAverageEnd?: string;
  readonly kernel: string;
  readonly node: string;
  readonly mariadb: string;
  readonly keepalived?: string;
  readonly commit: string;
}

async function firstLine(argv: readonly string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(argv[0] ?? '', argv.slice(1), { timeout: 5_000 });
    return (stdout !== '' ? stdout : stderr).split('\n')[0]?.trim() ?? '';
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    const text = [err.stdout, err.stderr].find((t) => t !== undefined && t !== '') ?? 'not installed';
    return text.split('\n')[0]?.trim() ?? 'not installed';
  }
}

export async function loadAverage(): Promise<string> {
  return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
}

async function memInfo(key: string): Promise<number> {
  const text = await readFile('/proc/meminfo', 'utf8');
  return Math.round(Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) / 1024);
}

export async function machineFacts(root: string, withKeepalived: boolean): Promise<MachineFacts> {
  const [mariadb, keepalived, commit, dirty] = await Promise.all([
    firstLine(['/usr/sbin/mariadbd', '--version']),
    withKeepalived ? firstLine(['keepalived', '--version']) : Promise.resolve(undefined),
    firstLine(['git', '-C', root, 'rev-parse', '--short', 'HEAD']),
    firstLine(['git', '-C', root, 'status', '--porcelain', '--untracked-files=no']),
  ]);
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memTotalMiB: await memInfo('MemTotal'),
    memAvailableMiB: await memInfo('MemAvailable'),
    loadAverageStart: await loadAverage(),
    kernel: release(),
    node: process.version,
    mariadb: mariadb.replace(/^\/usr\/sbin\/mariadbd\s+/, ''),
    ...(keepalived === undefined ? {} : { keepalived }),
    commit: `${commit}${dirty === '' ? '' : ' (with uncommitted changes)'}`,
  };
}

export interface Table {
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface Section {
  readonly title: string;
  readonly text?: readonly string[];
  readonly table?: Table;
  readonly after?: readonly string[];
}

export interface ReportInput {
  readonly suite: string;
  readonly title: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly quick: boolean;
  readonly command: string;
  readonly machine: MachineFacts;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly sections: readonly Section[];
  /** Everything measured, per run: goes to the JSON file only. */
  readonly raw: unknown;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTable(t: Table): string[] {
  return [
    `| ${t.head.map(cell).join(' | ')} |`,
    `|${t.head.map(() => '---').join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

export function renderMarkdown(r: ReportInput): string {
  const m = r.machine;
  const lines = [
    `# ${r.title}`,
    '',
    `Run ${r.startedAt.toISOString()} → ${r.finishedAt.toISOString()}${r.quick ? ' (quick mode: figures are not representative)' : ''}.`,
    `Reproduce: \`${r.command}\``,
    '',
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memTotalMiB} MiB RAM (${m.memAvailableMiB} MiB available at start), ` +
      `load average at start ${m.loadAverageStart}${m.loadAverageEnd === undefined ? '' : `, at end ${m.loadAverageEnd}`} ` +
      '(the machine is shared: other sessions run tests at the same time).',
    `Versions: Linux ${m.kernel}, Node ${m.node}, MariaDB ${m.mariadb}${m.keepalived === undefined ? '' : `, ${m.keepalived}`}, ` +
      `mysql-mmm-ng ${m.commit}.`,
    `Settings: ${Object.entries(r.settings)
      .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join('; ')}.`,
    '',
    'Figures are medians with (min–max) over the runs unless said otherwise.',
    '',
  ];
  for (const s of r.sections) {
    lines.push(`## ${s.title}`, '');
    if (s.text !== undefined && s.text.length > 0) lines.push(...s.text, '');
    if (s.table !== undefined) lines.push(...renderTable(s.table), '');
    if (s.after !== undefined && s.after.length > 0) lines.push(...s.after, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Writes <dir>/<suite>-<YYYY-MM-DD>.md and .json; returns both paths. */
export async function writeReport(dir: string, r: ReportInput): Promise<{ md: string; json: string }> {
  await mkdir(dir, { recursive: true });
  const base = join(dir, `${r.suite}-${r.startedAt.toISOString().slice(0, 10)}`);
  const md = `${base}.md`;
  const json = `${base}.json`;
  await writeFile(md, renderMarkdown(r));
  const { raw, ...rest } = r;
  await writeFile(
    json,
    `${JSON.stringify({ ...rest, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt.toISOString(), raw }, null, 1)}\n`,
  );
  return { md, json };
}

/** Progress lines: `[bench <suite> +12.3 s] what`. */
export function progress(suite: string): (line: string) => void {
  const t0 = performance.now();
  return (line) => {
    console.log(`[bench ${suite} +${((performance.now() - t0) / 1000).toFixed(1)} s] ${line}`);
  };
}

/** "met" / "missed" / "-" for a figure against a target (lower is better). */
export function verdict(value: number | undefined, target: number): string {
  if (value === undefined) return '-';
  return value <= target ? 'met' : 'missed';
}
