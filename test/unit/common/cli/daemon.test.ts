// The shared daemon command line: options, exit statuses, one-line errors without stack traces, the
// effective config on --check-config, the converter, and the authentication gate.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_DAEMON, MONITOR_DAEMON, prepareDaemon, type DaemonSpec } from '../../../../common/cli/daemon.js';
import { BASE, cleanupTempDirs, copyFixture, lineOf, tempDir } from '../config/fixture.js';

afterEach(cleanupTempDirs);

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const PLAIN = BASE.replace('    type token\n    token 0123456789abcdef0123\n', '    type plain\n');

function run(
  argv: string[],
  spec: DaemonSpec = MONITOR_DAEMON,
  env: Record<string, string> = {},
  searchPath: string[] = [],
) {
  let stdout = '';
  let stderr = '';
  const start = prepareDaemon(argv, spec, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    searchPath,
  });
  return { start, code: start.kind === 'exit' ? start.code : undefined, stdout, stderr };
}

describe('daemon command line', () => {
  it('--help and --version print to stdout and exit 0', () => {
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      'Usage: mmm_mond [@CLUSTER] [--config FILE] [--check-config | --convert-config] [--insecure]',
    );
    expect(run(['--help'], AGENT_DAEMON).stdout).toContain('use mmm_agent_CLUSTER.conf instead of mmm_agent.conf');
    const version = run(['--version'], AGENT_DAEMON);
    expect(version).toMatchObject({ code: 0, stdout: 'mmm_agentd (mysql-mmm-ng) 0.1.0\n', stderr: '' });
  });

  it('usage errors exit 2 with one line and no stack trace', () => {
    const cases: [string[], string][] = [
      [['--bogus'], "mmm_mond: unknown option '--bogus'; see mmm_mond --help\n"],
      [['db1'], "mmm_mond: unexpected argument 'db1'; expected @CLUSTER or options; see mmm_mond --help\n"],
      [['@a', '@b'], 'mmm_mond: more than one @CLUSTER given; see mmm_mond --help\n'],
      [['@'], "mmm_mond: '@' needs a cluster name, e.g. @prod; see mmm_mond --help\n"],
      [['--config'], "mmm_mond: option '--config <value>' argument missing; see mmm_mond --help\n"],
      [
        ['--check-config', '--convert-config', '--config', 'x.conf'],
        'mmm_mond: --check-config and --convert-config exclude each other; see mmm_mond --help\n',
      ],
      [['@../etc'], "mmm_mond: invalid cluster name '../etc'; expected letters, digits, '_', '-' or '.'\n"],
    ];
    for (const [argv, stderr] of cases) expect(run(argv)).toMatchObject({ code: 2, stdout: '', stderr });
  });

  it('configuration errors exit 2, one line per problem', () => {
    const dir = tempDir({
      'mmm_mon.conf': BASE.replace('mode slave', 'mode slve') + 'debug maybe\n',
    });
    const r = run(['--config', join(dir, 'mmm_mon.conf')]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toEqual([
      `mmm_mond: ${join(dir, 'mmm_mon.conf')}:${String(lineOf(BASE, 'mode slave'))}: <host db3> mode: invalid value 'slve'; expected master or slave`,
      `mmm_mond: ${join(dir, 'mmm_mon.conf')}:${String(BASE.split('\n').length)}: debug: invalid value 'maybe'; expected true, on, yes, 1, false, off, no or 0`,
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing file exits 2 with what was looked for', () => {
    const dir = tempDir();
    expect(run(['@east'], MONITOR_DAEMON, {}, [dir]).stderr).toBe(
      `mmm_mond: no config file mmm_mon_east.conf in ${dir} (use --config FILE)\n`,
    );
    expect(run(['--config', join(dir, 'nope.conf')])).toMatchObject({
      code: 2,
      stderr: `mmm_mond: ${join(dir, 'nope.conf')}: cannot read the configuration file (ENOENT)\n`,
    });
  });

  it('--check-config prints the effective config with secrets masked and exits 0', () => {
    const dir = tempDir({ 'mmm_mon.conf': BASE });
    const r = run(['--config', join(dir, 'mmm_mon.conf'), '--check-config']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('monitor:\n  ip: 127.0.0.1\n  port: 9988\n');
    expect(r.stdout).toContain("monitor_password: '***'");
    for (const secret of ['agentpass', 'monpass', 'replpass', '0123456789abcdef0123'])
      expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('--check-config shows warnings and that the daemon would refuse to start without authentication', () => {
    const r = run(['--config', join(copyFixture('mmm-sample', 0o644), 'mmm_mon.conf'), '--check-config']);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')).toContain(
      'mmm_mond: warning: no authentication is configured (socket type plain); mmm_mond would refuse to start without --insecure',
    );
    expect(r.stderr).toContain('mmm_mond: warning: ');
    expect(r.stderr).toContain('mmm_mon.conf:13: <host default> monitor_password: the file holds passwords in clear');
    for (const secret of ['RepAgent', 'RepMonitor']) expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('refuses to start without authentication and prints the lines to add in both syntaxes', () => {
    const dir = tempDir({ 'mmm_mon.conf': PLAIN });
    const r = run(['--config', join(dir, 'mmm_mon.conf')]);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(
      'mmm_mond: refusing to start: no authentication is configured (socket type plain), so anyone who can reach the',
    );
    expect(lines).toContain('mmm_mond:     type        token');
    expect(lines).toContain('mmm_mond:     token_file  /etc/mysql-mmm/mmm_token');
    expect(lines).toContain('mmm_mond:     type: token');
    expect(lines).toContain('mmm_mond:     token_file: /etc/mysql-mmm/mmm_token');
  });

  it('--insecure starts anyway with a loud warning', () => {
    const dir = tempDir({ 'mmm_agent.conf': PLAIN });
    const r = run(['--config', join(dir, 'mmm_agent.conf'), '--insecure'], AGENT_DAEMON);
    expect(r.start.kind).toBe('run');
    expect(r.stderr).toBe(
      'mmm_agentd: WARNING: --insecure: the monitor and agent APIs accept commands from anyone who can reach them. Labs only!\n',
    );
  });

  it('starts with token authentication, with @cluster found on the search path', () => {
    const dir = tempDir({ 'mmm_agent_east.conf': BASE });
    const r = run(['@east'], AGENT_DAEMON, {}, [dir]);
    expect(r).toMatchObject({ code: undefined, stdout: '', stderr: '' });
    if (r.start.kind !== 'run') throw new Error('expected run');
    expect(r.start.config.cluster).toBe('east');
    expect(r.start.config.this).toBe('db1');
    expect(r.start.args).toMatchObject({ cluster: 'east', insecure: false });
  });

  it('--convert-config prints YAML and exits 0; YAML input is a usage error', () => {
    const dir = copyFixture('mmm-sample');
    const r = run(['--config', join(dir, 'mmm_mon.conf'), '--convert-config']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# Converted from MMM 2.2.1 configuration by mmm_mond --convert-config.');
    const y = run(['--config', join(copyFixture('yaml'), 'mmm_mon.yaml'), '--convert-config']);
    expect(y.code).toBe(2);
    expect(y.stderr).toMatch(/mmm_mon\.yaml is YAML already; --convert-config reads MMM \.conf files\n$/);
  });

  it('the real entry point (monitor/main.ts) checks a config and exits 0', () => {
    const dir = copyFixture('mmm-sample');
    const r = spawnSync(
      process.execPath,
      ['--import', TSX, join(ROOT, 'monitor/main.ts'), '--config', 'mmm_mon.conf', '--check-config'],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('active_master_role: writer');
    const refused = spawnSync(
      process.execPath,
      ['--import', TSX, join(ROOT, 'agent/main.ts'), '--config', 'mmm_agent.conf'],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('mmm_agentd: refusing to start');
  });
});
