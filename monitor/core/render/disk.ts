// Warnings about the space where a host's mysqld writes (issue 10, chaos disk-full-writer). MariaDB does not
// fail a write when the disk is full: the writing session waits for space (retrying every 60 s) and every
// commit queues behind it, while SELECTs keep answering — so no MMM check fails and the writer role stays
// put, writes stalled. The agent reports statfs of the datadir and binlog directory; this turns the report
// into `show` lines and log messages. Pure.
import type { DiskView } from '../../../common/api/agent.js';

/** Below this many free bytes a filesystem counts as full (a binlog event or a page no longer fits). */
export const DISK_FULL_BYTES = 1024 * 1024;
/** Below this share of free space it counts as almost full. */
export const DISK_LOW_RATIO = 0.05;

export type DiskLevel = 'ok' | 'low' | 'full';

export function diskLevel(d: Pick<DiskView, 'freeBytes' | 'totalBytes'>): DiskLevel {
  if (d.freeBytes < DISK_FULL_BYTES) return 'full';
  if (d.totalBytes > 0 && d.freeBytes / d.totalBytes < DISK_LOW_RATIO) return 'low';
  return 'ok';
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** One sentence about a filesystem that is not ok (without the host). */
export function describeDisk(d: DiskView): string {
  const where = `the filesystem of ${d.path} (${d.holds.join(', ')})`;
  const pct = d.totalBytes > 0 ? ` (${((100 * d.freeBytes) / d.totalBytes).toFixed(1)}%)` : '';
  const space = `${formatBytes(d.freeBytes)} free of ${formatBytes(d.totalBytes)}${pct}`;
  return diskLevel(d) === 'full'
    ? `${where} is full, ${space}: MariaDB makes writes wait until space is freed (reads still answer, so no check fails)`
    : `${where} is almost full, ${space}`;
}

/** Every reported filesystem that is not ok, in host order, with its level. */
export function diskProblems(
  disks: Readonly<Record<string, readonly DiskView[] | undefined>>,
  hosts: readonly string[],
): (DiskView & { readonly host: string; readonly level: DiskLevel })[] {
  return hosts.flatMap((host) =>
    (disks[host] ?? []).map((d) => ({ host, level: diskLevel(d), ...d })).filter((p) => p.level !== 'ok'),
  );
}

/** `# Warning:` lines for `show`, in host order; '' when every reported filesystem is ok. */
export function diskWarnings(
  disks: Readonly<Record<string, readonly DiskView[] | undefined>>,
  hosts: readonly string[],
): string {
  let out = '';
  for (const p of diskProblems(disks, hosts)) {
    out += `# Warning: host ${p.host}: ${describeDisk(p)}\n`;
    if (p.level === 'full') {
      out += `#   Free space on ${p.host} (old binlogs: PURGE BINARY LOGS; other files); writes resume within a minute.\n`;
    }
  }
  return out;
}
