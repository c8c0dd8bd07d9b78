// MMM 2.2.1 .conf syntax (spec §7.1, §7.2): comments, sections and their empty forms, re-opening, templates,
// lists, booleans, include resolution, @cluster names, the search path, and our trailing-comment difference.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFileName, loadConfig, loadConfigText } from '../../../../common/config/index.js';
import { BASE, baseWith, cleanupTempDirs, errorLines, lineOf, tempDir } from './fixture.js';

afterEach(cleanupTempDirs);

const mon = (text: string): ReturnType<typeof loadConfigText> =>
  loadConfigText(text, 'mmm_mon.conf', { program: 'MONITOR' });

describe('line syntax', () => {
  it('reads tabs, indented comments, CRLF line ends and a BOM', () => {
    const text = `\uFEFF${BASE.replace('    ip 127.0.0.1', '\tip\t\t127.0.0.1\r\n    # indented comment')}`;
    expect(mon(text).monitor?.ip).toBe('127.0.0.1');
  });

  it('strips a trailing " # comment" after whitespace and warns, without echoing it', () => {
    const text = baseWith('    ip 198.19.0.11\n', '    ip 198.19.0.11 # db1, the primary\n');
    const c = mon(text);
    expect(c.hosts[0]?.ip).toBe('198.19.0.11');
    expect(c.warnings).toEqual([
      {
        file: 'mmm_mon.conf',
        line: lineOf(text, '# db1'),
        key: '<host db1> ip',
        message: 'trailing comment removed (MMM 2.2.1 kept it as part of the line); write comments on their own line',
      },
    ]);
  });

  it('keeps a # that does not follow whitespace (passwords may contain it)', () => {
    const c = mon(baseWith('agent_password agentpass', 'agent_password ag#ent'));
    expect(c.hosts[0]?.agentPassword.reveal()).toBe('ag#ent');
  });

  it('accepts the booleans true|on|yes|1 and false|off|no|0 in any case', () => {
    for (const [word, value] of [
      ['TRUE', true],
      ['On', true],
      ['yes', true],
      ['1', true],
      ['false', false],
      ['OFF', false],
      ['No', false],
      ['0', false],
    ] as const) {
      expect(mon(`${BASE}debug ${word}\n`).debug).toBe(value);
    }
  });

  it('splits comma lists with optional spaces', () => {
    const c = mon(baseWith('ips 198.19.0.101, 198.19.0.102', 'ips 198.19.0.101,198.19.0.102 ,  198.19.0.103'));
    expect(c.roles[1]?.ips).toEqual(['198.19.0.101', '198.19.0.102', '198.19.0.103']);
  });

  it('accepts fractional seconds and unit suffixes for durations', () => {
    const c = mon(
      `${BASE}<check mysql>\n  check_period 500ms\n  trap_period 1.5\n  timeout 2s\n</check>\n<monitor>\n  wait_for_other_master 2m\n</monitor>\n`,
    );
    expect(c.checks.mysql).toMatchObject({ checkPeriod: 0.5, trapPeriod: 1.5, timeout: 2 });
    expect(c.monitor?.waitForOtherMaster).toBe(120);
  });
});

describe('sections', () => {
  it('creates sections from the empty forms <name/> and <type NAME/>', () => {
    const c = loadConfigText(`${BASE}<socket/>\n<host db4/>\n<check ping/>\n`, 'mmm_mon.conf', { program: 'CONTROL' });
    expect(c.hosts.map((h) => h.name)).toEqual(['db1', 'db2', 'db3', 'db4']);
    expect(c.hosts[3]).toMatchObject({ ip: '', mode: 'slave', clusterInterface: 'eth0' });
    expect(errorLines(() => mon(`${BASE}<host db4/>\n`))).toEqual([
      `mmm_mon.conf:${String(lineOf(BASE, 'mode balanced') + 2)}: <host db4> ip: missing; required by mmm_mond (set it in <host db4> or <host default>)`,
      `mmm_mon.conf:${String(lineOf(BASE, 'mode balanced') + 2)}: <host db4> mode: missing; required by mmm_mond (set it in <host db4> or <host default>)`,
    ]);
  });

  it('merges a re-opened section into the first one; the later value wins', () => {
    const c = mon(
      `${BASE}<host db2>\n  mysql_port 3307\n</host>\n<monitor>\n  port 9999\n</monitor>\n<host db2>\n  mysql_port 3308\n</host>\n`,
    );
    expect(c.hosts.map((h) => h.name)).toEqual(['db1', 'db2', 'db3']);
    expect(c.hosts[1]).toMatchObject({ ip: '198.19.0.12', mysqlPort: 3308 });
    expect(c.monitor).toMatchObject({ ip: '127.0.0.1', port: 9999 });
  });

  it('applies <host default> only to keys a host lacks, wherever the template appears', () => {
    const c = mon(
      `${baseWith('    ip 198.19.0.13\n', '    ip 198.19.0.13\n    agent_user other\n')}<host default>\n  mysql_port 3310\n</host>\n`,
    );
    expect(c.hosts.map((h) => `${h.agentUser}:${String(h.mysqlPort)}`)).toEqual([
      'mmm_agent:3310',
      'mmm_agent:3310',
      'other:3310',
    ]);
  });

  it('applies <check default> to all four checks, then per-check values', () => {
    const c = mon(
      `${BASE}<check default>\n  trap_period 3\n</check>\n<check rep_backlog>\n  trap_period 20\n  max_backlog 5\n</check>\n`,
    );
    expect([
      c.checks.ping.trapPeriod,
      c.checks.mysql.trapPeriod,
      c.checks.rep_threads.trapPeriod,
      c.checks.rep_backlog.trapPeriod,
    ]).toEqual([3, 3, 3, 20]);
    expect(c.checks.rep_backlog.maxBacklog).toBe(5);
  });

  it('accepts any closing word (MMM does not check it) with a warning when it names another section', () => {
    const text = BASE.replace('</role>', '</host>');
    const c = mon(text);
    expect(c.warnings.map((w) => `${String(w.line)}: ${String(w.key)}: ${w.message}`)).toEqual([
      `${String(lineOf(BASE, '</role>'))}: </host>: closes <role writer> opened on line ${String(lineOf(text, '<role writer>'))}`,
    ]);
  });

  it('ignores MMM tools settings (copy_method sections, ssh_*, lvm_*, clone_dirs)', () => {
    const c = mon(
      `${BASE}clone_dirs /var/lib/mysql\n<copy_method scp>\n  backup_command scp %SSH_USER%\n</copy_method>\n<host default>\n  ssh_user root\n  lvm_snapshot_size 1G\n</host>\n`,
    );
    expect(c.hosts).toHaveLength(3);
  });

  it('warns about a section left open at the end of a file', () => {
    const c = mon(`${BASE}<host db3>\n  mysql_port 3307\n`);
    expect(c.hosts[2]?.mysqlPort).toBe(3307);
    expect(c.warnings[0]?.message).toBe('section is not closed before the end of mmm_mon.conf');
  });
});

describe('include, @cluster and the search path', () => {
  const common = BASE.replace(/<monitor>[\s\S]*?<\/monitor>\n/, '').replace('this db1\n', '');
  const monitorPart =
    '<monitor>\n  ip 127.0.0.1\n  status_path /var/lib/mmm.status\n  ping_ips 198.19.0.1\n</monitor>\n';

  it('resolves an include next to the including file first, appending .conf', () => {
    const here = tempDir({ 'mmm_mon.conf': `include mmm_common  # shared\n${monitorPart}`, 'mmm_common.conf': common });
    const etc = tempDir({ 'mmm_common.conf': common.replace('198.19.0.11', '198.19.0.21') });
    const c = loadConfig({ program: 'MONITOR', path: join(here, 'mmm_mon.conf'), searchPath: [etc] });
    expect(c.hosts[0]?.ip).toBe('198.19.0.11');
    expect(c.source.files).toEqual([join(here, 'mmm_mon.conf'), join(here, 'mmm_common.conf')]);
    expect(c.warnings.map((w) => `${String(w.line)} ${String(w.key)}`)).toEqual(['1 include']);
  });

  it('falls back to the search path for an include', () => {
    const here = tempDir({ 'mmm_mon.conf': `include mmm_common.conf\n${monitorPart}` });
    const etc = tempDir({ 'mmm_common.conf': common });
    const c = loadConfig({
      program: 'MONITOR',
      path: join(here, 'mmm_mon.conf'),
      searchPath: ['/nonexistent-mmm', etc],
    });
    expect(c.source.files[1]).toBe(join(etc, 'mmm_common.conf'));
  });

  it('finds mmm_mon_<cluster>.conf and mmm_agent_<cluster>.conf on the search path for @cluster', () => {
    expect(configFileName('MONITOR', 'east')).toBe('mmm_mon_east.conf');
    expect(configFileName('CONTROL', undefined)).toBe('mmm_mon.conf');
    expect(configFileName('AGENT', 'east')).toBe('mmm_agent_east.conf');
    const first = tempDir({ 'mmm_mon.conf': 'garbage' });
    const second = tempDir({
      'mmm_mon_east.conf': `include mmm_common\n${monitorPart}`,
      'mmm_common.conf': common,
      'mmm_agent_east.conf': 'include mmm_common\nthis db2\n',
    });
    const mon2 = loadConfig({ program: 'MONITOR', cluster: 'east', searchPath: [first, second] });
    expect(mon2.cluster).toBe('east');
    expect(mon2.source.files[0]).toBe(join(second, 'mmm_mon_east.conf'));
    expect(loadConfig({ program: 'AGENT', cluster: 'east', searchPath: [first, second] }).this).toBe('db2');
  });

  it('takes the first directory of the search path that has the file', () => {
    const a = tempDir({ 'mmm_mon.conf': `include mmm_common\n${monitorPart}`, 'mmm_common.conf': common });
    const b = tempDir({ 'mmm_mon.conf': 'garbage' });
    expect(loadConfig({ program: 'CONTROL', searchPath: ['/nonexistent-mmm', a, b] }).source.files[0]).toBe(
      join(a, 'mmm_mon.conf'),
    );
  });

  it('says where it looked when no file is found', () => {
    const a = tempDir();
    expect(
      errorLines(() => loadConfig({ program: 'AGENT', cluster: 'west', searchPath: [a, '/etc/mmm-none'] })),
    ).toEqual([`no config file mmm_agent_west.conf in ${a}, /etc/mmm-none (use --config FILE)`]);
  });

  it('refuses cluster names that could escape the directory', () => {
    expect(errorLines(() => loadConfig({ program: 'MONITOR', cluster: '../x' }))).toEqual([
      "invalid cluster name '../x'; expected letters, digits, '_', '-' or '.'",
    ]);
  });
});
