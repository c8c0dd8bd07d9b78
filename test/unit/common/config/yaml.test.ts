// Our native YAML format: same keys as MMM, hosts/roles/checks as maps in file order, errors with the line
// of the key (from js-yaml's event offsets) and YAML paths such as hosts.db1.mode.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, loadConfigText, type Config } from '../../../../common/config/index.js';
import { cleanupTempDirs, copyFixture, errorLines, lineOf, tempDir } from './fixture.js';

afterEach(cleanupTempDirs);

const F = 'mmm_mon.yaml';
const errs = (text: string): string[] => errorLines(() => loadConfigText(text, F, { program: 'MONITOR' }));
/** Everything but where it was read from. */
const essence = (c: Config): unknown =>
  JSON.parse(JSON.stringify({ ...c, source: undefined, warnings: undefined })) as unknown;

const MINIMAL = `active_master_role: writer
monitor:
  ip: 127.0.0.1
  status_path: /var/lib/mmm.status
  ping_ips: 198.19.0.1
socket: {type: token, token: 0123456789abcdef0123}
hosts:
  default:
    monitor_user: mon
    monitor_password: pw
  db1: {ip: 198.19.0.11, mode: master, peer: db2}
  db2: {ip: 198.19.0.12, mode: master, peer: db1}
roles:
  writer:
    hosts: [db1, db2]
    ips: [198.19.0.100]
    mode: exclusive
`;

describe('YAML configuration', () => {
  it('the sample in YAML gives the same configuration as the MMM files', () => {
    const yaml = loadConfig({ program: 'MONITOR', path: join(copyFixture('yaml'), 'mmm_mon.yaml') });
    const mmm = loadConfig({ program: 'MONITOR', path: join(copyFixture('mmm-sample'), 'mmm_mon.conf') });
    expect(yaml.source.format).toBe('yaml');
    expect(essence(yaml)).toEqual(essence(mmm));
    expect(yaml.hosts.map((h) => h.monitorPassword.reveal())).toEqual(['RepMonitor', 'RepMonitor', 'RepMonitor']);
  });

  it('keeps map order, reads YAML booleans and numbers, accepts quoted numbers and comma strings', () => {
    const c = loadConfigText(
      `${MINIMAL}  reader: {hosts: 'db2, db1', ips: [198.19.0.101], mode: balanced}\ndebug: yes\ncheck_period_unused:\n`.replace(
        'check_period_unused:\n',
        'checks:\n  mysql: {timeout: 0.5, check_period: "3"}\n',
      ),
      F,
      { program: 'MONITOR' },
    );
    expect(c.roles.map((r) => r.name)).toEqual(['writer', 'reader']);
    expect(c.roles[1]?.hosts).toEqual(['db2', 'db1']);
    expect(c.debug).toBe(true);
    expect(c.checks.mysql).toMatchObject({ timeout: 0.5, checkPeriod: 3 });
  });

  it('treats `key:` with no value as unset and supports anchors', () => {
    const c = loadConfigText(
      MINIMAL.replace('  ip: 127.0.0.1\n', '  ip: &mon 127.0.0.1\n  port:\n').replace(
        'ping_ips: 198.19.0.1',
        'ping_ips: [*mon]',
      ),
      F,
      { program: 'MONITOR' },
    );
    expect(c.monitor?.port).toBe(9988);
    expect(c.monitor?.pingIps).toEqual(['127.0.0.1']);
  });

  it('includes files next to the including file', () => {
    const cut = MINIMAL.indexOf('\nhosts:') + 1;
    const dir = tempDir({
      'mmm_mon.yaml': `include: common.yaml\n${MINIMAL.slice(0, cut)}`,
      'common.yaml': MINIMAL.slice(cut),
    });
    const c = loadConfig({ program: 'MONITOR', path: join(dir, 'mmm_mon.yaml') });
    expect(c.hosts.map((h) => h.name)).toEqual(['db1', 'db2']);
    expect(c.source.files).toEqual([join(dir, 'mmm_mon.yaml'), join(dir, 'common.yaml')]);
  });

  it('names the YAML path and line of a bad value', () => {
    const t = MINIMAL.replace('mode: master, peer: db1', 'mode: mastr, peer: db1');
    expect(errs(t)).toEqual([
      `${F}:${String(lineOf(t, 'mastr'))}: hosts.db2.mode: invalid value 'mastr'; expected master or slave`,
    ]);
  });

  it('suggests the right key for a typo', () => {
    const t = MINIMAL.replace('  status_path:', '  statuspath:');
    expect(errs(t)).toEqual([
      `${F}:2: monitor.status_path: missing; required by mmm_mond`,
      `${F}:4: monitor.statuspath: unknown key; did you mean 'status_path'?`,
    ]);
  });

  it('reports a YAML syntax error at its line, and nothing after it', () => {
    expect(errs(`${MINIMAL}roles2: [\n`)).toEqual([
      `${F}:${String(MINIMAL.split('\n').length + 1)}: invalid YAML: deficient indentation`,
    ]);
  });

  it('refuses duplicate keys, several documents and a top level that is not a mapping', () => {
    const dup = MINIMAL.replace('  ip: 127.0.0.1\n', '  ip: 127.0.0.1\n  ip: 127.0.0.2\n');
    expect(errs(dup)).toEqual([`${F}:4: invalid YAML: duplicate key 'ip'`]);
    expect(errs(`${MINIMAL}---\ndebug: true\n`)).toEqual([`${F}:1: invalid YAML: only one YAML document is allowed`]);
    expect(errs('- db1\n- db2\n')).toEqual([`${F}:1: expected a mapping of configuration keys at the top level`]);
    expect(errs('')).toEqual([`${F}:1: expected a mapping of configuration keys at the top level`]);
  });

  it('refuses structures where values belong, and MMM-style singular section names', () => {
    const t = `${MINIMAL}debug: {on: true}\nhost:\n  db3: {ip: 198.19.0.13}\n`;
    expect(errs(t)).toEqual([
      `${F}:${String(lineOf(t, 'debug:'))}: debug: expected a value, not a mapping`,
      `${F}:${String(lineOf(t, 'host:'))}: host: expected hosts: (a mapping of NAME to its settings)`,
    ]);
  });
});
