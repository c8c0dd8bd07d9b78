import { describe, expect, it } from 'vitest';
import type { DiskView } from '../../../../../common/api/agent.js';
import { describeDisk, diskLevel, diskWarnings, formatBytes } from '../../../../../monitor/core/render/disk.js';
import { SEED_OWNERS, command, model, seedConfig } from '../fixtures.js';

const MiB = 1024 * 1024;
const disk = (
  freeBytes: number,
  totalBytes = 128 * MiB,
  holds: DiskView['holds'] = ['datadir', 'binlog'],
): DiskView => ({
  path: '/var/lib/mysql',
  holds,
  freeBytes,
  totalBytes,
});

describe('disk levels and wording', () => {
  it('full below 1 MiB, low below 5 %, ok otherwise', () => {
    expect(diskLevel(disk(0))).toBe('full');
    expect(diskLevel(disk(MiB - 1))).toBe('full');
    expect(diskLevel(disk(MiB))).toBe('low');
    expect(diskLevel(disk(6.3 * MiB))).toBe('low');
    expect(diskLevel(disk(6.5 * MiB))).toBe('ok');
    expect(diskLevel(disk(2 * MiB, 0))).toBe('ok'); // unknown size: only the absolute floor counts
  });

  it('formats sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(128 * MiB)).toBe('128.0 MiB');
    expect(formatBytes(3 * 1024 * 1024 * MiB)).toBe('3.0 TiB');
  });

  it('says what a full disk does to MariaDB', () => {
    expect(describeDisk(disk(0))).toBe(
      'the filesystem of /var/lib/mysql (datadir, binlog) is full, 0 B free of 128.0 MiB (0.0%): MariaDB makes writes wait until space is freed (reads still answer, so no check fails)',
    );
    expect(describeDisk(disk(4 * MiB, 128 * MiB, ['binlog']))).toBe(
      'the filesystem of /var/lib/mysql (binlog) is almost full, 4.0 MiB free of 128.0 MiB (3.1%)',
    );
  });

  it('show lines only for hosts with a problem, in host order', () => {
    expect(diskWarnings({ db1: [disk(100 * MiB)] }, ['db1', 'db2'])).toBe('');
    expect(diskWarnings({ db2: [disk(4 * MiB)], db1: [disk(0)] }, ['db1', 'db2'])).toBe(
      `# Warning: host db1: ${describeDisk(disk(0))}\n` +
        '#   Free space on db1 (old binlogs: PURGE BINARY LOGS; other files); writes resume within a minute.\n' +
        `# Warning: host db2: ${describeDisk(disk(4 * MiB))}\n`,
    );
  });
});

describe('show with disk reports', () => {
  const cfg = seedConfig();
  const m = model(cfg, { owners: SEED_OWNERS });

  it('unchanged (MMM byte for byte) while every disk is ok', () => {
    const plain = command(m, ['show']).response;
    const withDisks = command(m, ['show'], { disks: { db1: [disk(100 * MiB)] } }).response;
    expect(withDisks.text).toBe(plain.text);
    expect(withDisks.data).toEqual(plain.data);
  });

  it('a full writer disk: a warning after the host lines, and in --json', () => {
    const r = command(m, ['show'], { disks: { db1: [disk(0)] } }).response;
    expect(r.text).toContain(`# Warning: host db1: ${describeDisk(disk(0))}\n`);
    expect(r.text.indexOf('# Warning: host db1')).toBeGreaterThan(r.text.indexOf('  db4('));
    expect(r.data).toMatchObject({ disks: [{ host: 'db1', level: 'full', path: '/var/lib/mysql', freeBytes: 0 }] });
  });
});
