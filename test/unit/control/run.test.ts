// mmm_control end to end against a fake monitor on 127.0.0.1: byte-exact text passthrough (plus MMM's one
// extra newline), --json, exit statuses 0/1/2/3, the unreachable and hung monitor, configuration errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandResponse } from '../../../common/api/monitor.js';
import { CANT_CONNECT, noAnswer, runControl, type RunIo } from '../../../control/run.js';
import { BASE, cleanupTempDirs, lineOf, tempDir, writeFile } from '../common/config/fixture.js';
import {
  TOKEN,
  closedPort,
  selfSignedPki,
  startFakeMonitor,
  startHungServer,
  startSynDropper,
  type FakeMonitor,
} from './fake-monitor.js';

const SHOW =
  '  db1(198.18.50.11) master/ONLINE. Roles: reader(198.18.50.101), writer(198.18.50.100)\n' +
  '  db2(198.18.50.12) master/ONLINE. Roles: reader(198.18.50.102)\n' +
  '  db3(198.18.50.13) slave/ONLINE. Roles: reader(198.18.50.103)\n';
const HELP_PREFIX = 'Valid commands are:\n    help                              - show this message\n';

const ANSWERS: Readonly<Record<string, CommandResponse>> = {
  show: { ok: true, exitCode: 0, text: SHOW, data: { mode: 'ACTIVE', hosts: [{ name: 'db1', state: 'ONLINE' }] } },
  ping: { ok: true, exitCode: 0, text: 'OK: Pinged successfully!' },
  move_role: {
    ok: false,
    exitCode: 1,
    text: "ERROR: Host 'db3' can't handle role 'writer'. Only following hosts could: db1, db2",
  },
  bogus: { ok: false, exitCode: 2, text: `Invalid command 'bogus'\n\n${HELP_PREFIX}` },
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  cleanupTempDirs();
});

async function fake(answer?: Parameters<typeof startFakeMonitor>[0]): Promise<FakeMonitor> {
  const m = await startFakeMonitor(answer ?? ((args) => ANSWERS[args[0] ?? ''] ?? ANSWERS['bogus']!));
  cleanups.push(() => m.close());
  return m;
}

/** BASE (token auth, monitor ip 127.0.0.1) with the monitor port set. */
function configFor(port: number, base = BASE): string {
  return base.replace('    ip 127.0.0.1\n', `    ip 127.0.0.1\n    port ${port}\n`);
}

async function run(argv: string[], io: Partial<RunIo> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runControl(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    searchPath: [],
    ...io,
  });
  return { code, stdout, stderr };
}

async function withMonitor(argv: string[], io: Partial<RunIo> = {}) {
  const m = await fake();
  const file = join(tempDir({ 'mmm_mon.conf': configFor(m.port) }), 'mmm_mon.conf');
  return { ...(await run(['--config', file, ...argv], io)), monitor: m };
}

describe('mmm_control against a fake monitor', () => {
  it('prints the text byte for byte plus one newline (show ends with a blank line) and exits 0', async () => {
    const r = await withMonitor(['show']);
    expect(r).toMatchObject({ code: 0, stdout: `${SHOW}\n`, stderr: '' });
    expect(r.stdout.endsWith('\n\n')).toBe(true);
    expect((await withMonitor(['ping'])).stdout).toBe('OK: Pinged successfully!\n');
  });

  it('passes the command words untouched, --force included', async () => {
    const r = await withMonitor(['move_role', '--force', 'writer', 'db2']);
    expect(r.monitor.received).toEqual([['move_role', '--force', 'writer', 'db2']]);
  });

  it('never refuses a command itself: commands beyond MMM (and unknown ones) go to the monitor as they are', async () => {
    const m = await fake(() => ({ ok: true, exitCode: 0, text: 'plan' }));
    const file = join(tempDir({ 'mmm_mon.conf': configFor(m.port) }), 'mmm_mon.conf');
    for (const argv of [['failover_plan'], ['history', '5'], ['failover_ack', '--promote'], ['frobnicate', 'x']]) {
      expect(await run(['--config', file, ...argv])).toEqual({ code: 0, stdout: 'plan\n', stderr: '' });
    }
    expect(m.received).toEqual([
      ['failover_plan'],
      ['history', '5'],
      ['failover_ack', '--promote'],
      ['frobnicate', 'x'],
    ]);
  });

  it('a refusal (ERROR: ...) exits 1, an invalid command exits 2, both with the monitor text', async () => {
    const refused = await withMonitor(['move_role', 'writer', 'db3']);
    expect(refused).toMatchObject({ code: 1, stdout: `${ANSWERS['move_role']!.text}\n`, stderr: '' });
    const invalid = await withMonitor(['bogus']);
    expect(invalid).toMatchObject({ code: 2, stdout: `Invalid command 'bogus'\n\n${HELP_PREFIX}\n` });
  });

  it('--json prints {ok, exitCode, text, data} and keeps the exit status', async () => {
    const r = await withMonitor(['--json', 'show']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, exitCode: 0, text: SHOW, data: ANSWERS['show']!.data });
    const refused = await withMonitor(['--json', 'move_role', 'writer', 'db3']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, exitCode: 1, data: null });
  });

  it('@cluster reads mmm_mon_<cluster>.conf from the search path', async () => {
    const m = await fake();
    const dir = tempDir({ 'mmm_mon.conf': configFor(await closedPort()), 'mmm_mon_east.conf': configFor(m.port) });
    const r = await run(['@east', 'ping'], { searchPath: [dir] });
    expect(r).toMatchObject({ code: 0, stdout: 'OK: Pinged successfully!\n' });
    expect(m.received).toEqual([['ping']]);
  });

  it('colors ERROR:/OK: only on a TTY, never with --json or NO_COLOR', async () => {
    const tty = await withMonitor(['move_role', 'writer', 'db3'], { isTTY: true });
    expect(tty.stdout).toBe(`\u001b[31mERROR:\u001b[0m${ANSWERS['move_role']!.text.slice(6)}\n`);
    expect((await withMonitor(['ping'], { isTTY: true, env: { NO_COLOR: '1' } })).stdout).toBe(
      'OK: Pinged successfully!\n',
    );
    expect((await withMonitor(['--json', 'ping'], { isTTY: true })).stdout).not.toContain('\u001b');
  });

  it('<socket> type ssl: mutual TLS with cert_file, key_file and ca_file', async () => {
    const dir = tempDir();
    const pki = selfSignedPki(dir);
    const m = await startFakeMonitor(() => ANSWERS['ping']!, { type: 'ssl', ...pki });
    cleanups.push(() => m.close());
    const ssl = `    type ssl\n    cert_file ${pki.certFile}\n    key_file ${pki.keyFile}\n    ca_file ${pki.caFile}\n`;
    const text = configFor(m.port).replace(`    type token\n    token ${TOKEN}\n`, ssl);
    expect(text).toContain('type ssl');
    writeFile(join(dir, 'mmm_mon.conf'), text);
    const r = await run(['--config', join(dir, 'mmm_mon.conf'), 'ping']);
    expect(r).toMatchObject({ code: 0, stdout: 'OK: Pinged successfully!\n' });
    expect(m.received).toEqual([['ping']]);
  });

  it('a wrong token is a configuration problem: exit 2, and the token is never printed', async () => {
    const m = await fake();
    const file = join(
      tempDir({ 'mmm_mon.conf': configFor(m.port).replace(TOKEN, 'ffffffffffffffffffff') }),
      'mmm_mon.conf',
    );
    const r = await run(['--config', file, 'ping']);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^mmm_control: the monitor refused our credentials/);
    expect(r.stderr + r.stdout).not.toContain('ffffffffffffffffffff');
    expect(m.received).toEqual([]);
    const json = await run(['--config', file, '--json', 'ping']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 2, data: null });
  });

  it('an answer that does not follow the contract exits 1 with an ERROR line', async () => {
    const m = await fake(() => ({ status: 200, body: { ok: 'yes' } }));
    const file = join(tempDir({ 'mmm_mon.conf': configFor(m.port) }), 'mmm_mon.conf');
    const r = await run(['--config', file, 'show']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ERROR: the monitor sent an answer that is not/);
  });
});

describe("monitor unreachable: exit 3 and exactly MMM's text", () => {
  it('a closed port on 127.0.0.1', async () => {
    const file = join(tempDir({ 'mmm_mon.conf': configFor(await closedPort()) }), 'mmm_mon.conf');
    const r = await run(['--config', file, 'show']);
    expect(r).toMatchObject({ code: 3, stdout: `${CANT_CONNECT}\n` });
    expect(CANT_CONNECT).toBe("ERROR: Can't connect to monitor daemon!");
    expect(r.stderr).toMatch(/ECONNREFUSED/);
    const json = await run(['--config', file, '--json', 'show']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, exitCode: 3, text: CANT_CONNECT, data: null });
  });

  it('an address that drops SYNs: the connect timeout ends it, not the longer read timeout', async () => {
    const dropper = await startSynDropper();
    cleanups.push(() => dropper.close());
    const file = join(tempDir({ 'mmm_mon.conf': configFor(dropper.port) }), 'mmm_mon.conf');
    const started = performance.now();
    const r = await run(['--config', file, '--connect-timeout', '0.3', '--timeout', '60', 'show']);
    expect(r).toMatchObject({ code: 3, stdout: `${CANT_CONNECT}\n` });
    expect(r.stderr).toMatch(/could not connect within 300 ms/);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('a monitor that accepts and never answers: the read timeout ends it with its own text (MMM hung)', async () => {
    const hung = await startHungServer();
    cleanups.push(() => hung.close());
    const file = join(tempDir({ 'mmm_mon.conf': configFor(hung.port) }), 'mmm_mon.conf');
    const started = performance.now();
    const r = await run(['--config', file, '--timeout', '0.3', '--connect-timeout', '60', 'show']);
    expect(r).toMatchObject({ code: 3, stdout: 'ERROR: The monitor daemon did not answer within 0.3 s!\n' });
    expect(r.stdout).toBe(`${noAnswer(300)}\n`);
    expect(r.stderr).toMatch(/no answer within 300 ms/);
    expect(performance.now() - started).toBeLessThan(10_000);
    const json = await run(['--config', file, '--json', '--timeout', '0.3', 'show']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, exitCode: 3, text: noAnswer(300), data: null });
  });
});

describe('usage and configuration errors: exit 2', () => {
  it("no command: MMM's hint with argv0", async () => {
    expect(await run([], { argv0: '/usr/sbin/mmm_control' })).toEqual({
      code: 2,
      stdout: '',
      stderr: "See '/usr/sbin/mmm_control help' for usage information\n",
    });
    expect((await run(['@east'])).stderr).toBe("See 'mmm_control help' for usage information\n");
  });

  it('--version prints mmm_control <package version>', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `mmm_control ${pkg.version}\n`, stderr: '' });
  });

  it('bad options name the option', async () => {
    expect(await run(['--bogus', 'show'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "mmm_control: unknown option '--bogus'; see mmm_control --help\n",
    });
  });

  it('a bad config value: file:line: key: problem', async () => {
    const text = configFor(1).replace('mode slave', 'mode slve');
    const file = join(tempDir({ 'mmm_mon.conf': text }), 'mmm_mon.conf');
    const r = await run(['--config', file, 'show']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `mmm_control: ${file}:${lineOf(text, 'mode slve')}: <host db3> mode: invalid value 'slve'; expected master or slave\n`,
    });
  });

  it('with --json a configuration error is also a JSON document on stdout', async () => {
    const dir = tempDir();
    const r = await run(['--json', '@east', 'show'], { searchPath: [dir] });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      exitCode: 2,
      text: `no config file mmm_mon_east.conf in ${dir} (use --config FILE)`,
      data: null,
    });
  });

  it('no config file on the search path: what was looked for', async () => {
    const dir = tempDir();
    expect(await run(['@east', 'show'], { searchPath: [dir] })).toEqual({
      code: 2,
      stdout: '',
      stderr: `mmm_control: no config file mmm_mon_east.conf in ${dir} (use --config FILE)\n`,
    });
  });
});
