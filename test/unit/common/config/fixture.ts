// Helpers for the config tests: temp directories with files at chosen modes, the fixture folder, a valid
// baseline MMM config, and the error lines of a failed load.
import { chmodSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MmmError } from '../../../../common/errors/index.js';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/configs/', import.meta.url));

/** Environment the two-masters-two-slaves fixture's env: secrets read. */
export const TWO_BY_TWO_ENV = {
  MMM_REPL_PASSWORD: 'r',
  MMM_AGENT_PASSWORD: 'a',
  MMM_MONITOR_PASSWORD: 'm',
  MMM_TOKEN: 'tok-0123456789abcdef',
};

const dirs: string[] = [];

/** A fresh directory with these files (mode 600 unless given), removed by cleanupTempDirs(). */
export function tempDir(files: Readonly<Record<string, string>> = {}, mode = 0o600): string {
  const dir = mkdtempSync(join(tmpdir(), 'mmm-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFile(join(dir, name), text, mode);
  return dir;
}

export function writeFile(path: string, text: string, mode = 0o600): void {
  writeFileSync(path, text);
  chmodSync(path, mode);
}

/** Copies a fixture folder into a temp dir with every file at `mode`. */
export function copyFixture(name: string, mode = 0o600): string {
  const dir = tempDir();
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), mode);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** The lines of the MmmError a call throws (fails the test if it does not throw one). */
export function errorLines(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof MmmError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected an MmmError, but the call succeeded');
}

/** 1-based line of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`'${needle}' not in text`);
  return i + 1;
}

/** A valid single-file config usable by every program: 2 masters, 1 slave, writer + reader roles, token auth. */
export const BASE = `active_master_role writer
this db1

<monitor>
    ip 127.0.0.1
    status_path /var/lib/mysql-mmm/mmm_mond.status
    ping_ips 198.19.0.1
</monitor>

<socket>
    type token
    token 0123456789abcdef0123
</socket>

<host default>
    cluster_interface eth0
    agent_user mmm_agent
    agent_password agentpass
    monitor_user mmm_monitor
    monitor_password monpass
    replication_user repl
    replication_password replpass
</host>

<host db1>
    ip 198.19.0.11
    mode master
    peer db2
</host>

<host db2>
    ip 198.19.0.12
    mode master
    peer db1
</host>

<host db3>
    ip 198.19.0.13
    mode slave
</host>

<role writer>
    hosts db1, db2
    ips 198.19.0.100
    mode exclusive
</role>

<role reader>
    hosts db1, db2, db3
    ips 198.19.0.101, 198.19.0.102
    mode balanced
</role>
`;

/** BASE with `from` replaced by `to` (which must occur). */
export function baseWith(from: string, to: string): string {
  if (!BASE.includes(from)) throw new Error(`'${from}' not in BASE`);
  return BASE.replace(from, to);
}
