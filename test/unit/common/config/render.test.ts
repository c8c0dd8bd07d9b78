// --check-config output (effective YAML with every default) and the MMM→YAML converter: both reload into the
// same configuration once secrets are filled in; clear passwords are never copied.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  convertMmmToYaml,
  loadConfig,
  loadConfigText,
  renderEffectiveConfig,
  type Config,
} from '../../../../common/config/index.js';
import {
  BASE,
  cleanupTempDirs,
  copyFixture,
  errorLines,
  lineOf,
  tempDir,
  writeFile,
  TWO_BY_TWO_ENV,
} from './fixture.js';

afterEach(cleanupTempDirs);

const essence = (c: Config): unknown =>
  JSON.parse(JSON.stringify({ ...c, source: undefined, warnings: undefined })) as unknown;

describe('renderEffectiveConfig', () => {
  it('prints every key with its effective value and masks secrets', () => {
    const c = loadConfigText(BASE, 'mmm_mon.conf', { program: 'MONITOR' });
    const yaml = renderEffectiveConfig(c);
    expect(yaml).toContain("  agent_password: '***'\n");
    expect(yaml).toContain("  token: '***'\n");
    expect(yaml).toContain('  catchup_policy: abort\n');
    expect(yaml).toContain(
      '  rep_backlog:\n    check_period: 5\n    trap_period: 10\n    timeout: 2\n    restart_after: 10000\n    max_backlog: 60\n',
    );
    for (const secret of ['agentpass', 'monpass', 'replpass', '0123456789abcdef0123'])
      expect(yaml).not.toContain(secret);
  });

  it('reloads into the same configuration once the secrets are filled in', () => {
    const c = loadConfigText(BASE, 'mmm_mon.conf', { program: 'MONITOR' });
    const filled = renderEffectiveConfig(c)
      .replace(/agent_password: '\*\*\*'/g, 'agent_password: agentpass')
      .replace(/monitor_password: '\*\*\*'/g, 'monitor_password: monpass')
      .replace(/replication_password: '\*\*\*'/g, 'replication_password: replpass')
      .replace("token: '***'", 'token: 0123456789abcdef0123');
    const again = loadConfigText(filled, 'effective.yaml', { program: 'MONITOR' });
    expect(essence(again)).toEqual(essence(c));
    expect(again.hosts[1]?.replicationPassword.reveal()).toBe('replpass');
  });

  it('shows token_file rather than the token read from it', () => {
    const dir = tempDir({ token: 'from-a-file-0123456789\n' });
    const c = loadConfigText(
      BASE.replace('token 0123456789abcdef0123', `token_file ${join(dir, 'token')}`),
      'mmm_mon.conf',
      { program: 'MONITOR' },
    );
    expect(c.socket.token?.reveal()).toBe('from-a-file-0123456789');
    const yaml = renderEffectiveConfig(c);
    expect(yaml).toContain(`socket:\n  type: token\n  token_file: ${join(dir, 'token')}\n`);
    expect(yaml).not.toContain('from-a-file');
  });

  it('resolves kill_host_bin under bin_path when it is executable, warns when a configured one is not', () => {
    const bin = tempDir();
    mkdirSync(join(bin, 'monitor'));
    writeFile(join(bin, 'monitor', 'kill_host'), '#!/bin/sh\n', 0o755);
    const withBin = BASE.replace('    ip 127.0.0.1\n', `    ip 127.0.0.1\n    bin_path ${bin}\n`);
    expect(loadConfigText(withBin, 'm.conf', { program: 'MONITOR' }).monitor?.killHostBin).toBe(
      join(bin, 'monitor', 'kill_host'),
    );
    chmodSync(join(bin, 'monitor', 'kill_host'), 0o644);
    const notExec = loadConfigText(withBin, 'm.conf', { program: 'MONITOR' });
    expect(notExec.monitor?.killHostBin).toBeUndefined();
    expect(notExec.warnings).toEqual([]);
    const explicit = withBin.replace('    ip 127.0.0.1\n', '    ip 127.0.0.1\n    kill_host_bin /nonexistent/fence\n');
    const c = loadConfigText(explicit, 'm.conf', { program: 'MONITOR' });
    expect(c.monitor?.killHostBin).toBeUndefined();
    expect(c.warnings).toEqual([
      {
        file: 'm.conf',
        line: lineOf(explicit, 'kill_host_bin'),
        key: '<monitor> kill_host_bin',
        message: '/nonexistent/fence is missing or not executable; no kill program will run',
      },
    ]);
  });
});

describe('convertMmmToYaml', () => {
  it('keeps env: and file: references and reloads into the same configuration', () => {
    const dir = copyFixture('two-masters-two-slaves');
    const yaml = convertMmmToYaml({ program: 'MONITOR', path: join(dir, 'mmm_mon.conf'), env: TWO_BY_TWO_ENV });
    expect(yaml).toContain('    replication_password: env:MMM_REPL_PASSWORD\n');
    expect(yaml).toContain('  db4:\n    ip: 198.19.1.14\n    mode: slave\n    mysql_port: 3307\n');
    expect(yaml).toContain('  rep_backlog:\n    max_backlog: 30\n');
    expect(yaml).not.toContain('FILL IN');
    expect(convertMmmToYaml({ program: 'MONITOR', path: join(dir, 'mmm_mon.conf'), env: {} })).toBe(yaml);
    writeFile(join(dir, 'converted.yaml'), yaml);
    const fromYaml = loadConfig({ program: 'MONITOR', path: join(dir, 'converted.yaml'), env: TWO_BY_TWO_ENV });
    const fromMmm = loadConfig({ program: 'MONITOR', path: join(dir, 'mmm_mon.conf'), env: TWO_BY_TWO_ENV });
    expect(essence(fromYaml)).toEqual(essence(fromMmm));
  });

  it('does not copy clear passwords: *** with a comment, refused until filled in', () => {
    const dir = copyFixture('mmm-sample');
    const yaml = convertMmmToYaml({ program: 'MONITOR', path: join(dir, 'mmm_mon.conf') });
    expect(yaml).toContain(
      `    agent_password: '***'  # FILL IN: written in clear in ${join(dir, 'mmm_common.conf')}:14\n`,
    );
    expect(yaml).toContain("# 3 password(s) were written in clear and are NOT copied: replace each '***' with the\n");
    for (const secret of ['RepAgent', 'RepMonitor', 'replication_password: slave']) expect(yaml).not.toContain(secret);
    writeFile(join(dir, 'converted.yaml'), yaml);
    const lines = errorLines(() => loadConfig({ program: 'MONITOR', path: join(dir, 'converted.yaml') }));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      `${join(dir, 'converted.yaml')}:${String(lineOf(yaml, 'replication_password'))}: hosts.default.replication_password: '***' is a placeholder left by --convert-config or --check-config; expected a password, env:VARIABLE or file:/absolute/path`,
    );
    const filled = yaml
      .replace("replication_password: '***'", 'replication_password: slave')
      .replace("agent_password: '***'", 'agent_password: RepAgent')
      .replace("monitor_password: '***'", 'monitor_password: RepMonitor');
    writeFile(join(dir, 'filled.yaml'), filled);
    expect(essence(loadConfig({ program: 'MONITOR', path: join(dir, 'filled.yaml') }))).toEqual(
      essence(loadConfig({ program: 'MONITOR', path: join(dir, 'mmm_mon.conf') })),
    );
  });

  it('refuses YAML input and invalid MMM files', () => {
    const dir = copyFixture('yaml');
    expect(errorLines(() => convertMmmToYaml({ program: 'MONITOR', path: join(dir, 'mmm_mon.yaml') }))).toEqual([
      `${join(dir, 'mmm_mon.yaml')} is YAML already; --convert-config reads MMM .conf files`,
    ]);
    const bad = join(tempDir({ 'x.conf': 'debug maybe\n' }), 'x.conf');
    expect(errorLines(() => convertMmmToYaml({ program: 'MONITOR', path: bad }))[0]).toBe(
      `${bad}:1: debug: invalid value 'maybe'; expected true, on, yes, 1, false, off, no or 0`,
    );
  });
});
