// The monitor's files: MMM's status file (`status_path`, format in core/status-file.ts) and, next to it, the
// newest epoch this monitor used (`<status_path>.epoch`), so a restarted monitor always starts a newer one.
// Every write is atomic: temp file in the same directory, fsync, rename, fsync of the directory.
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MmmError, describeError } from '../common/errors/index.js';

/** Writes `text` to `path` atomically: readers see the old file or the new one, never a torn one. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new MmmError('MMM_INTERNAL', `cannot write '${path}': ${describeError(e)}`, { cause: e });
  }
  // The rename is durable only once the directory is synced; not every file system allows it.
  const d = await open(dir, 'r').catch(() => undefined);
  if (d !== undefined) {
    await d.sync().catch(() => undefined);
    await d.close();
  }
}

/** The file's text, or undefined when it does not exist. */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new MmmError('MMM_INTERNAL', `cannot read '${path}': ${describeError(e)}`, { cause: e });
  }
}

export function epochPath(statusPath: string): string {
  return `${statusPath}.epoch`;
}

/** The stored epoch (0 when none); a damaged file is an error naming it, never silently 0. */
export async function readEpoch(statusPath: string): Promise<number> {
  const path = epochPath(statusPath);
  const text = await readOptional(path);
  if (text === undefined) return 0;
  const n = Number(text.trim());
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new MmmError('MMM_CONFIG_INVALID', `${path}: expected a non-negative integer epoch, found '${text.trim()}'`);
  }
  return n;
}

/** Start epoch per agent/README.md: newer than the stored one and than every epoch an agent has accepted. */
export function nextEpoch(stored: number, reported: readonly (number | undefined)[]): number {
  return Math.max(stored, ...reported.map((e) => e ?? 0)) + 1;
}
