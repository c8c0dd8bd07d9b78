// The template datadir: mariadb-install-db once per machine (about 0.7 s), then every lab host gets a copy
// (cp -a, about 0.08 s). Built in a private temporary directory and renamed into place, so a crashed build
// never looks like a template and concurrent builders (parallel test workers) cannot corrupt each other.
// The directory name carries a hash of everything that shapes it (server binary, users, settings).
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile, readdir } from 'node:fs/promises';
import { MmmError } from '../../common/errors/index.js';
import { LAB_ROOT } from './addr.js';
import type { Progress } from './install.js';
import { DATADIR_SETTINGS } from './mycnf.js';
import { isAlive, run } from './proc.js';
import { bootstrapSql } from './users.js';

const MARIADBD = '/usr/sbin/mariadbd';
export const TEMPLATE_ROOT = `${LAB_ROOT}/template`;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function templateKey(): Promise<string> {
  const bin = await stat(MARIADBD).catch(() => {
    throw new MmmError('MMM_EXEC_FAILED', `lab: ${MARIADBD} not found (install mariadb-server)`);
  });
  const h = createHash('sha256');
  h.update(`${bin.size}:${bin.mtimeMs}\n${bootstrapSql()}\n${JSON.stringify(DATADIR_SETTINGS)}`);
  return h.digest('hex').slice(0, 12);
}

/** Removes build directories left by processes that died mid-build. */
async function removeDeadBuilds(): Promise<void> {
  const names = await readdir(TEMPLATE_ROOT).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(/^\.build-([0-9]+)-/.exec(name)?.[1]);
    if (pid > 0 && !(await isAlive(pid))) await rm(`${TEMPLATE_ROOT}/${name}`, { recursive: true, force: true });
  }
}

/** Path of the template datadir, building it first if this machine has none for the current key. */
export async function ensureTemplate(progress: Progress = () => undefined): Promise<string> {
  const final = `${TEMPLATE_ROOT}/${await templateKey()}`;
  if (await exists(`${final}/data/mysql`)) return `${final}/data`;

  await mkdir(TEMPLATE_ROOT, { recursive: true });
  await removeDeadBuilds();
  const tmp = `${TEMPLATE_ROOT}/.build-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  await mkdir(tmp);
  const started = Date.now();
  progress('lab: building the template datadir (mariadb-install-db, once per machine)');
  try {
    const cnf = Object.entries(DATADIR_SETTINGS).map(([k, v]) => `${k}=${String(v)}`);
    await writeFile(`${tmp}/my.cnf`, `[mariadbd]\nuser=root\n${cnf.join('\n')}\n`);
    await writeFile(`${tmp}/users.sql`, bootstrapSql());
    await run(
      [
        'mariadb-install-db',
        `--defaults-file=${tmp}/my.cnf`,
        `--datadir=${tmp}/data`,
        '--user=root',
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--skip-name-resolve',
        `--extra-file=${tmp}/users.sql`,
        // own tmpdir: concurrent bootstraps in the shared /tmp collide on temporary table names
        `--tmpdir=${tmp}`,
      ],
      { timeoutMs: 120_000 },
    );
    if (!(await exists(`${tmp}/data/mysql`)) || !(await exists(`${tmp}/data/app`))) {
      throw new MmmError('MMM_EXEC_FAILED', `lab: mariadb-install-db left no complete datadir in ${tmp}/data`);
    }
    try {
      await rename(tmp, final);
    } catch (e) {
      // Another worker won the race; its template is as good as ours.
      if (!(await exists(`${final}/data/mysql`))) throw e;
      await rm(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  progress(`lab: template ready in ${Date.now() - started} ms: ${final}/data`);
  return `${final}/data`;
}
