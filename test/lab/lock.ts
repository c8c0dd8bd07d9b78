// One driver per lab id: /tmp/mmm-lab/<K>.lock holds the owner's PID and its start time (/proc/<pid>/stat),
// so a PID reused by an unrelated process does not keep a dead owner's lock (a demo started hours after
// `demo down` was refused that way). Created with O_EXCL; a lock whose owner is dead (gone, zombie or a
// different process under the same PID) is taken over. The take-over itself is serialised by a short-lived
// `.takeover` file, so two processes that both find the same stale lock cannot both win.
import { mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { MmmError } from '../../common/errors/index.js';
import { LAB_ROOT, lockPath } from './addr.js';
import { isAlive, sleep } from './proc.js';

const TAKEOVER_STALE_MS = 5_000;

/** Start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined. */
async function startTicks(pid: number): Promise<string | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // the command name (field 2) may contain spaces: count from the last ')'
  return text?.slice(text.lastIndexOf(')') + 2).split(' ')[19];
}

/** What this process writes into a lock it holds. */
async function ownContent(): Promise<string> {
  return `${process.pid} ${(await startTicks(process.pid)) ?? ''}`.trim();
}

/** Owner PID (0 = unreadable content) and its start time if recorded; undefined without a lock file. */
async function readOwner(path: string): Promise<{ pid: number; start: string | undefined } | undefined> {
  try {
    const [pidText, start] = (await readFile(path, 'utf8')).trim().split(/\s+/);
    const pid = Number(pidText);
    return { pid: Number.isInteger(pid) && pid > 0 ? pid : 0, start };
  } catch {
    return undefined; // no lock file
  }
}

/** Is the recorded owner still that process (alive, and started when the lock says)? */
async function ownerAlive(o: { pid: number; start: string | undefined }): Promise<boolean> {
  if (o.pid <= 0 || !(await isAlive(o.pid))) return false;
  return o.start === undefined || (await startTicks(o.pid)) === o.start;
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
    if ((await readOwner(path))?.pid === stalePid) await writeFile(path, await ownContent());
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
  const mine = await ownContent();
  for (let attempt = 0; attempt < 2000; attempt++) {
    if (await createExclusive(path, mine)) return;
    const owner = await readOwner(path);
    if (owner === undefined) continue; // released meanwhile
    if (owner.pid === process.pid) return;
    if (owner.pid === 0 && (await ageMs(path)) < TAKEOVER_STALE_MS) {
      await sleep(5); // just created, its PID not written yet
      continue;
    }
    if (await ownerAlive(owner)) {
      throw new MmmError(
        'MMM_CONFLICT',
        `lab ${id} is in use by PID ${owner.pid} (lock ${path}); stop that process or use another --id`,
        { details: { id, owner: owner.pid } },
      );
    }
    await takeOver(path, owner.pid);
    await sleep(attempt < 10 ? 1 : 10);
  }
  throw new MmmError('MMM_TIMEOUT', `lab ${id}: could not take the lock ${path}`);
}

/** Removes the lock whoever holds it (a forced teardown: the lab it guarded is gone). */
export async function removeLabLock(id: number): Promise<void> {
  await rm(lockPath(id), { force: true });
}

/** Removes the lock if this process holds it. */
export async function releaseLabLock(id: number): Promise<void> {
  const path = lockPath(id);
  if ((await readOwner(path))?.pid === process.pid) await rm(path, { force: true });
}

/** PID holding the lab's lock and whether it is alive; undefined when there is no lock file. */
export async function labLockOwner(id: number): Promise<{ pid: number; alive: boolean } | undefined> {
  const owner = await readOwner(lockPath(id));
  if (owner === undefined) return undefined;
  return { pid: owner.pid, alive: await ownerAlive(owner) };
}
