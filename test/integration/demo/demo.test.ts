// The README's demo command, end to end: cluster up with agents answering, then down with nothing left.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Lab } from '../../lab/index.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

afterAll(async () => {
  await Lab.down(0, { force: true });
});

describe('npm run demo', () => {
  it('brings up 4 hosts with an agent on each and the monitor bringing all ONLINE, and `down` leaves nothing behind', async () => {
    if (!['agent', 'monitor', 'control'].every((d) => existsSync(resolve(ROOT, `dist/${d}/main.js`)))) {
      await run(resolve(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: ROOT });
    }
    const up = await run(TSX, ['test/demo/demo.ts', 'up'], { cwd: ROOT, timeout: 90_000 });
    for (const h of ['db1', 'db2', 'db3', 'db4']) expect(up.stdout).toContain(`agent on ${h}`);
    expect(up.stdout).toMatch(/db1 198\.18\.0\.11 .*read_only=0/);
    // the monitor brought every host ONLINE, with MMM's layout: db1 writer + reader, one reader elsewhere
    expect(up.stdout).toMatch(
      /^ {2}db1\(198\.18\.0\.11\) master\/ONLINE\. Roles: reader\([\d.]+\), writer\(198\.18\.0\.220\)$/m,
    );
    for (const h of ['db2', 'db3', 'db4'])
      expect(up.stdout).toMatch(new RegExp(`^  ${h}\\(.*/ONLINE\\. Roles: reader\\([\\d.]+\\)$`, 'm'));
    expect(up.stdout).toMatch(/db3 198\.18\.0\.13 .*source 198\.18\.0\.11 IO=Yes SQL=Yes/);
    const down = await run(TSX, ['test/demo/demo.ts', 'down'], { cwd: ROOT, timeout: 30_000 });
    expect(down.stdout).toContain('leftovers: none');
    expect(await Lab.leftovers(0)).toEqual([]);
  }, 180_000);
});
