import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { epochPath, nextEpoch, readEpoch, readOptional, writeFileAtomic } from '../../../monitor/status-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mond-store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('status store', () => {
  it('writes atomically, replacing the old file and leaving no temp file', async () => {
    const p = join(dir, 'mmm_mond.status');
    writeFileSync(p, 'old\n');
    await writeFileAtomic(p, 'db1|ONLINE|writer(198.18.0.100)\n');
    expect(readFileSync(p, 'utf8')).toBe('db1|ONLINE|writer(198.18.0.100)\n');
    expect(readdirSync(dir)).toEqual(['mmm_mond.status']);
  });

  it('names the file when the directory is missing', async () => {
    await expect(writeFileAtomic(join(dir, 'nope', 'x'), 'x')).rejects.toThrow(/nope\/x/);
  });

  it('reads a missing file as undefined', async () => {
    expect(await readOptional(join(dir, 'missing'))).toBeUndefined();
  });

  it('keeps the epoch next to the status file and refuses a damaged one', async () => {
    const status = join(dir, 's');
    expect(await readEpoch(status)).toBe(0);
    await writeFileAtomic(epochPath(status), '41\n');
    expect(await readEpoch(status)).toBe(41);
    writeFileSync(epochPath(status), 'forty\n');
    await expect(readEpoch(status)).rejects.toThrow(/s\.epoch: expected a non-negative integer epoch, found 'forty'/);
  });

  it('starts above the stored epoch and every epoch an agent accepted', () => {
    expect(nextEpoch(0, [])).toBe(1);
    expect(nextEpoch(4, [undefined, 9, 2])).toBe(10);
    expect(nextEpoch(12, [3, undefined])).toBe(13);
  });
});
