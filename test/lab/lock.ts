// One driver per lab id: /tmp/mmm-lab/<K>.lock holds the owner's PID. Created with O_EXCL; a lock whose
// owner is dead (gone or zombie) is taken over. The take-over itself is serialised by a short-lived
// `.takeover` file, so two processes that both find the same stale lock cannot both win.
import { mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { MmmError } from '../../common/errors/index.js';
import { LAB_ROOT, lockPath } from './addr.js';
import { isAlive, sleep } from './proc.js';

const TAKEOVER_STALE_MS = 5_000;

async function readOwner(path: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch {
    return undefined; // no lock file
  }
}

async function createExclusive(path: string, content: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    await fh.writeFile(content);
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

async function ageMs(path: string): Promise<number> {
  return Date.now() - (await stat(path).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
}

/** Replaces a lock whose owner is `stalePid` (0 = unreadable content) by ours, unless someone else was faster. */
async function takeOver(path: string, stalePid: number): Promise<void> {
  const guard = `${path}.takeover`;
  if (!(await createExclusive(guard, String(process.pid)))) {
    if ((await ageMs(guard)) > TAKEOVER_STALE_MS) await rm(guard, { force: true });
    return; // the caller retries
  }
  try {
    if ((await readOwner(path)) === stalePid) await writeFile(path, String(process.pid));
  } finally {
    await rm(guard, { force: true });
  }
}

/**
 * Takes the lock of lab `id` for this process (re-entrant within the process). Throws MMM_CONFLICT naming
 * the owner when another live process holds it.
 */
export async function acquireLabLock(id: number): Promise<void> {
  const path = lockPath(id);
  await mkdir(LAB_ROOT, { recursive: true });
  for (let attempt = 0; attempt < 2000; attempt++) {
    if (await createExclusive(path, String(process.pid))) return;
    const owner = await readOwner(path);
    if (owner === process.pid) return;
    if (owner === undefined) continue; // released meanwhile
    if (owner === 0 && (await ageMs(path)) < TAKEOVER_STALE_MS) {
      await sleep(5); // just created, its PID not written yet
      continue;
    }
    if (owner > 0 && (await isAlive(owner))) {
      throw new MmmError(
        'MMM_CONFLICT',
        `lab ${id} is in use by PID ${owner} (lock ${path}); stop that process or use another --id`,
        { details: { id, owner } },
      );
    }
    await takeOver(path, owner);
    await sleep(attempt < 10 ? 1 : 10);
  }
  throw new MmmError('MMM_TIMEOUT', `lab ${id}: could not take the lock ${path}`);
}

/** Removes the lock if this process holds it. */
export async function releaseLabLock(id: number): Promise<void> {
  const path = lockPath(id);
  if ((await readOwner(path)) === process.pid) await rm(path, { force: true });
}

/** PID holding the lab's lock and whether it is alive; undefined when there is no lock file. */
export async function labLockOwner(id: number): Promise<{ pid: number; alive: boolean } | undefined> {
  const pid = await readOwner(lockPath(id));
  if (pid === undefined) return undefined;
  return { pid, alive: pid > 0 && (await isAlive(pid)) };
}
