// The real process entry (control/main.ts as its own node process) against the real monitor API: what a
// shell script sees — stdout bytes, nothing on stderr, and the exit status of the process — for a success,
// a refusal, an invalid command, the local long help and an unreachable monitor.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, tempDir } from '../../unit/common/config/fixture.js';
import { closedPort } from '../../unit/control/fake-monitor.js';
import { GoldenCluster } from './cluster.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

async function mmmControl(argv: readonly string[]): Promise<ProcessResult> {
  return new Promise((res) => {
    execFile(
      process.execPath,
      ['--import', LOADER, join(ROOT, 'control/main.ts'), ...argv],
      { env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC' }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        res({ code, stdout, stderr });
      },
    );
  });
}

let c: GoldenCluster;
beforeAll(async () => {
  c = await GoldenCluster.start();
  for (const h of ['db1', 'db2', 'db3', 'db4']) await c.cli('set_online', h);
  await c.tick();
});
afterAll(async () => {
  await c.stop();
  cleanupTempDirs();
});

describe('control/main.ts as a process', () => {
  it('show, a refusal, an invalid command, --help, --version and a dead monitor: stdout and exit status', async () => {
    const cfg = ['--config', c.configFile];
    const deadText = readFileSync(c.configFile, 'utf8').replace(/port \d+/, `port ${await closedPort()}`);
    const deadCfg = join(tempDir({ 'mmm_mon.conf': deadText }), 'mmm_mon.conf');
    const [show, refused, invalid, help, version, down] = await Promise.all([
      mmmControl([...cfg, 'show']),
      mmmControl([...cfg, 'move_role', 'writer', 'db3']),
      mmmControl([...cfg, 'bogus']),
      mmmControl(['--help']),
      mmmControl(['--version']),
      mmmControl(['--config', deadCfg, 'ping']),
    ]);
    expect(show).toEqual({
      code: 0,
      stdout:
        '  db1(198.18.0.11) master/ONLINE. Roles: reader(198.18.0.104), writer(198.18.0.100)\n' +
        '  db2(198.18.0.12) master/ONLINE. Roles: reader(198.18.0.102)\n' +
        '  db3(198.18.0.13) slave/ONLINE. Roles: reader(198.18.0.103)\n' +
        '  db4(198.18.0.14) slave/ONLINE. Roles: reader(198.18.0.101)\n\n',
      stderr: '',
    });
    expect(refused).toEqual({
      code: 1,
      stdout: "ERROR: Host 'db3' can't handle role 'writer'. Only following hosts could: db1, db2\n",
      stderr: '',
    });
    expect(invalid.code).toBe(2);
    expect(invalid.stdout.startsWith("Invalid command 'bogus'\n\nValid commands are:\n    help ")).toBe(true);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mmm_control \[@CLUSTER\]/);
    for (const cmd of [
      'show',
      'checks db2 rep_backlog',
      'move_role writer db2',
      'failover_plan',
      'history 5',
      'failover_ack --promote',
    ]) {
      expect(help.stdout).toContain(`e.g. mmm_control ${cmd}\n`);
    }
    expect(help.stdout).toContain("3  monitor unreachable (ERROR: Can't connect to monitor daemon!)");
    expect(version).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^mmm_control \d+\.\d+\.\d+\n$/) as string,
    });
    expect(down).toMatchObject({ code: 3, stdout: "ERROR: Can't connect to monitor daemon!\n" });
    expect(down.stderr).toMatch(/ECONNREFUSED/);
  }, 90_000);
});
