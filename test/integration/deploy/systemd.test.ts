// deploy/systemd: every unit passes `systemd-analyze verify` (no message at all: systemd prints unknown keys
// and bad values but still exits 0, so any output is a failure), keeps its exposure score low
// (`systemd-analyze security --offline`), grants exactly the capabilities we document, and the sysusers.d
// file creates the user in a scratch root. PID 1 need not be systemd: verify and security --offline read
// the files only. Skipped, with the reason, where systemd-analyze is missing (apt-get install systemd).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const DEPLOY = resolve(import.meta.dirname, '../../../deploy');
const UNITS = readdirSync(join(DEPLOY, 'systemd')).filter((f) => f.endsWith('.service'));
const TOOL = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
const SYSUSERS = ['/usr/bin/systemd-sysusers', '/bin/systemd-sysusers'].find((p) => existsSync(p));
if (TOOL === undefined) {
  process.stdout.write('deploy/systemd units skipped: systemd-analyze not found (Debian: apt-get install systemd)\n');
}
const scratch = mkdtempSync(join(tmpdir(), 'mmm-units-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the unit in the scratch dir; node's path adapted when this machine has no /usr/bin/node. */
function copyUnit(name: string, edit: (text: string) => string = (t) => t): string {
  let text = readFileSync(join(DEPLOY, 'systemd', name), 'utf8');
  if (!existsSync('/usr/bin/node')) text = text.replaceAll('/usr/bin/node', process.execPath);
  const path = join(scratch, name);
  writeFileSync(path, edit(text));
  return path;
}

/** stdout+stderr of systemd-analyze verify and its exit status. */
async function verify(path: string): Promise<{ code: number; output: string }> {
  // a template is verified through an instance, the way systemd loads it
  const target = path.endsWith('@.service') ? path.replace('@.service', '@prod.service') : path;
  if (target !== path) writeFileSync(target, readFileSync(path));
  try {
    const r = await run(TOOL ?? 'systemd-analyze', ['verify', target], { cwd: scratch, timeout: 30_000 });
    return { code: 0, output: (r.stdout + r.stderr).trim() };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? 1, output: `${x.stdout ?? ''}${x.stderr ?? ''}`.trim() };
  }
}

describe.skipIf(TOOL === undefined)('deploy/systemd units', () => {
  it('are there: monitor, monitor@cluster, agent', () => {
    expect(UNITS.sort()).toEqual([
      'mysql-mmm-agent.service',
      'mysql-mmm-monitor.service',
      'mysql-mmm-monitor@.service',
    ]);
  });

  for (const unit of UNITS) {
    it(`${unit}: systemd-analyze verify prints nothing and exits 0`, async () => {
      expect(await verify(copyUnit(unit))).toEqual({ code: 0, output: '' });
    });

    it(`${unit}: exposure (systemd-analyze security --offline) at most 3.0 of 10`, async () => {
      const r = await run(TOOL ?? '', ['security', '--offline=true', '--no-pager', copyUnit(unit)], {
        timeout: 30_000,
      });
      const score = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(r.stdout + r.stderr)?.[1]);
      expect(score).toBeLessThanOrEqual(3);
    });
  }

  it('a broken unit is caught (the check can fail): unknown key, bad value, missing executable', async () => {
    const broken = copyUnit('mysql-mmm-agent.service', (t) =>
      t
        .replace('ProtectHome=yes', 'ProtectHome=yess')
        .replace('Restart=on-failure', 'Restart=on-failure\nRestartSecs=2')
        .replace(/ExecStart=\S+/, 'ExecStart=/nonexistent/node'),
    );
    const r = await verify(broken);
    expect(r.output).toContain('Failed to parse protect home value');
    expect(r.output).toContain("Unknown key 'RestartSecs'");
    expect(r.output).toContain('/nonexistent/node is not executable');
    expect(r.code).not.toBe(0);
  });

  it('the agent gets exactly CAP_NET_ADMIN and CAP_NET_RAW, the monitor exactly CAP_NET_RAW; both as user mmm', () => {
    const setting = (unit: string, key: string): string[] =>
      readFileSync(join(DEPLOY, 'systemd', unit), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith(`${key}=`))
        .map((l) => l.slice(key.length + 1));
    for (const key of ['AmbientCapabilities', 'CapabilityBoundingSet']) {
      expect(setting('mysql-mmm-agent.service', key)).toEqual(['CAP_NET_ADMIN CAP_NET_RAW']);
      expect(setting('mysql-mmm-monitor.service', key)).toEqual(['CAP_NET_RAW']);
    }
    for (const unit of UNITS) {
      expect(setting(unit, 'User')).toEqual(['mmm']);
      expect(setting(unit, 'NoNewPrivileges')).toEqual(['yes']);
      expect(setting(unit, 'Restart')).toEqual(['on-failure']);
      // reload = validate, then SIGHUP; the daemon is never signalled with a file that does not validate
      const reload = setting(unit, 'ExecReload');
      expect(reload).toHaveLength(2);
      expect(reload[0]).toContain('--check-config');
      expect(reload[1]).toBe('/bin/kill -HUP $MAINPID');
    }
  });
});

describe.skipIf(SYSUSERS === undefined)('deploy/sysusers.d', () => {
  it('creates the system user mmm with home /var/lib/mysql-mmm (in a scratch root)', async () => {
    const root = mkdtempSync(join(scratch, 'root-'));
    mkdirSync(join(root, 'etc'));
    await run(SYSUSERS ?? '', [`--root=${root}`, join(DEPLOY, 'sysusers.d/mysql-mmm-ng.conf')], { timeout: 30_000 });
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toMatch(
      /^mmm:x:\d+:\d+:mysql-mmm-ng daemons:\/var\/lib\/mysql-mmm:\/usr\/sbin\/nologin$/m,
    );
  });
});
