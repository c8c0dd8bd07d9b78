// The README's first command, end to end, as a user runs it: `npm run demo` (scripts/demo.sh: setup, apt,
// npm, build, then lab, agents, monitor) twice (the second run finds it running and only shows it), then
// `npm run demo -- --failover` (outage and lost acknowledged writes), then `npm run demo -- down` twice (the
// second finds nothing to remove); nothing of lab 0 is left, no mmm_mond.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Lab } from '../../lab/index.js';
import { allPids, cmdline } from '../../lab/proc.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
/** Runs the demo; a failure carries what it printed (the step that failed says why). */
async function demo(...args: string[]): Promise<string> {
  try {
    return (await run('bash', ['scripts/demo.sh', ...args], { cwd: ROOT, timeout: 150_000 })).stdout;
  } catch (e) {
    const out = e as { message?: string; stdout?: string; stderr?: string };
    throw new Error(`${out.message ?? String(e)}\n--- stdout\n${out.stdout ?? ''}\n--- stderr\n${out.stderr ?? ''}`, {
      cause: e,
    });
  }
}

/** Live processes running the demo's monitor (dist/monitor/main.js with the demo config). */
async function demoMonitors(): Promise<number[]> {
  const out: number[] = [];
  for (const pid of await allPids()) {
    const cmd = await cmdline(pid);
    if (cmd.includes('dist/monitor/main.js') && cmd.includes('/tmp/mmm-lab/0/demo/')) out.push(pid);
  }
  return out;
}

afterAll(async () => {
  await run('bash', ['scripts/demo.sh', 'down'], { cwd: ROOT, timeout: 60_000 }).catch(() => undefined);
  await Lab.down(0, { force: true });
}, 90_000);

describe('npm run demo', () => {
  it('up: every step reports, 4 hosts ONLINE with the MMM layout; up again only shows it', async () => {
    const first = await demo();
    for (const step of [
      '[1/7] setup',
      '[2/7] apt',
      '[3/7] npm',
      '[4/7] build',
      '[5/7] lab',
      '[6/7] agents',
      '[7/7] monitor',
    ]) {
      expect(first).toContain(`demo: ${step}`);
    }
    for (const h of ['db1', 'db2', 'db3', 'db4']) expect(first).toContain(`agent on ${h}`);
    expect(first).toMatch(/db1 198\.18\.0\.11 .*read_only=0/);
    // the monitor brought every host ONLINE, with MMM's layout: db1 writer + reader, one reader elsewhere
    expect(first).toMatch(
      /^ {2}db1\(198\.18\.0\.11\) master\/ONLINE\. Roles: reader\([\d.]+\), writer\(198\.18\.0\.220\)$/m,
    );
    for (const h of ['db2', 'db3', 'db4']) {
      expect(first).toMatch(new RegExp(`^  ${h}\\(.*/ONLINE\\. Roles: reader\\([\\d.]+\\)$`, 'm'));
    }
    expect(first).toMatch(/db3 198\.18\.0\.13 .*source 198\.18\.0\.11 IO=Yes SQL=Yes/);
    expect(first).toContain('Try this:');
    const monitors = await demoMonitors();
    expect(monitors).toHaveLength(1);

    const second = await demo();
    expect(second).toContain('already running');
    expect(second).toContain('dist/ up to date');
    expect(second).not.toContain('[5/7] lab');
    expect(second).toMatch(/^ {2}db1\(198\.18\.0\.11\) master\/ONLINE\. Roles: .*writer\(198\.18\.0\.220\)$/m);
    expect(await demoMonitors()).toEqual(monitors); // the same monitor, not a second one
  }, 300_000);

  it('--failover: kill -9 of the writer under write load reports the outage and 0 lost acknowledged writes', async () => {
    const out = await demo('--failover');
    expect(out).toMatch(/^demo: failover: writer db1 → db2; outage [\d.]+ s; lost acknowledged writes: 0 of \d+/m);
    expect(out).toMatch(/^ {2}db2\(198\.18\.0\.12\) master\/ONLINE\. Roles: .*writer\(198\.18\.0\.220\)$/m);
  }, 300_000);

  it('down twice: nothing of lab 0 is left, no mmm_mond', async () => {
    for (let i = 0; i < 2; i++) {
      const down = await demo('down');
      expect(down).toContain('leftovers: none');
      expect(await Lab.leftovers(0)).toEqual([]);
      expect(await demoMonitors()).toEqual([]);
    }
  }, 300_000);
});
