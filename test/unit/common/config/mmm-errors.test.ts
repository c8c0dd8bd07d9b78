// One broken MMM file per rule, each asserting the exact error text: file:line, the key as written, the
// problem and what was expected. Errors are collected, so several problems come back together.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, loadConfigText, type ProgramClass } from '../../../../common/config/index.js';
import { MmmError } from '../../../../common/errors/index.js';
import { BASE, baseWith, cleanupTempDirs, errorLines, lineOf, tempDir, writeFile } from './fixture.js';

afterEach(cleanupTempDirs);

const F = 'mmm_mon.conf';
const errs = (text: string, program: ProgramClass = 'MONITOR', env: Record<string, string> = {}): string[] =>
  errorLines(() => loadConfigText(text, F, { program, env }));
/** `mmm_mon.conf:<line of needle>: rest` */
const at = (text: string, needle: string, rest: string): string => `${F}:${String(lineOf(text, needle))}: ${rest}`;

describe('syntax errors', () => {
  it('unknown key, with a suggestion for a typo', () => {
    const t = baseWith('    mode slave\n', '    mode slave\n    agent_prot 9990\n');
    expect(errs(t)).toEqual([at(t, 'agent_prot', "<host db3> agent_prot: unknown key; did you mean 'agent_port'?")]);
  });

  it('unknown key, listing what the section accepts', () => {
    const t = baseWith('    mode exclusive\n', '    mode exclusive\n    colour blue\n');
    expect(errs(t)).toEqual([
      at(t, 'colour', '<role writer> colour: unknown key; expected one of mode, hosts, ips, prefer'),
    ]);
  });

  it('a key written in the wrong section names where it belongs', () => {
    const t = `monitor_user mmm_monitor\n${BASE}`;
    expect(errs(t)).toEqual([`${F}:1: monitor_user: unknown key in the top level; it belongs in <host NAME>`]);
  });

  it('a section name used as a key', () => {
    const t = `${BASE}host db4\n`;
    expect(errs(t)).toEqual([
      at(t, 'host db4', "host: 'host' is a section, not a key; expected <host NAME> ... </host>"),
    ]);
  });

  it('unknown section type (its body is skipped)', () => {
    const t = `${BASE}<hots db4>\n  ip 198.19.0.14\n</hots>\n`;
    expect(errs(t)).toEqual([
      at(t, '<hots', "<hots db4>: unknown section type 'hots'; expected monitor, socket, host, role or check"),
    ]);
  });

  it('a name on a unique section, and a named section without name', () => {
    const t = `${BASE}<monitor main>\n</monitor>\n<role>\n</role>\n`;
    expect(errs(t)).toEqual([
      at(t, '<monitor main>', '<monitor main>: section monitor takes no name; expected <monitor>'),
      at(t, '<role>', '<role>: section role needs a name; expected <role NAME>'),
    ]);
  });

  it('a section opened inside another one', () => {
    const t = baseWith('    peer db1\n', '    peer db1\n<role spare>\n');
    expect(errs(t)[0]).toBe(
      at(
        t,
        '<role spare>',
        `<role spare>: section opened inside <host db2> (line ${String(lineOf(t, '<host db2>'))}); close that one first`,
      ),
    );
  });

  it('a closing tag without an open section (MMM silently stopped reading the file there)', () => {
    const t = `${BASE}</host>\n`;
    expect(errs(t)).toEqual([`${F}:${String(t.split('\n').length - 1)}: </host>: closing tag without an open section`]);
  });

  it('a line that looks like a tag but is not one', () => {
    const t = `${BASE}<host db4\n`;
    expect(errs(t)).toEqual([
      at(
        t,
        '<host db4',
        'invalid section tag; expected <type>, <type NAME>, </type> or an empty form like <type NAME/>',
      ),
    ]);
  });

  it('a key without a value', () => {
    const t = `${BASE}debug\n`;
    expect(errs(t)).toEqual([
      `${F}:${String(t.split('\n').length - 1)}: debug: the value is empty; expected true, on, yes, 1, false, off, no or 0`,
    ]);
  });
});

describe('include errors', () => {
  it('include inside a section', () => {
    const t = baseWith('    mode slave\n', '    mode slave\n    include other.conf\n');
    expect(errs(t)).toEqual([
      at(t, 'include', 'include: include is only allowed outside sections (inside <host db3>)'),
    ]);
  });

  it('include of a file that exists nowhere', () => {
    const dir = tempDir({ 'mmm_mon.conf': `include mmm_comon\n${BASE}` });
    const etc = tempDir();
    expect(errorLines(() => loadConfig({ program: 'MONITOR', path: join(dir, F), searchPath: [etc] }))).toEqual([
      `${join(dir, F)}:1: include: mmm_comon: file not found; looked in ${dir}, ${etc}`,
    ]);
  });

  it('include cycle', () => {
    const dir = tempDir({ 'a.conf': `include b\n${BASE}`, 'b.conf': '# b\ninclude a.conf\n' });
    expect(errorLines(() => loadConfig({ program: 'MONITOR', path: join(dir, 'a.conf'), searchPath: [] }))).toEqual([
      `${join(dir, 'b.conf')}:2: include: a.conf: include cycle ${join(dir, 'a.conf')} → ${join(dir, 'b.conf')} → ${join(dir, 'a.conf')}`,
    ]);
  });

  it('include of a file that cannot be read', () => {
    const dir = tempDir({ 'mmm_mon.conf': `${BASE}include broken\n` });
    mkdirSync(join(dir, 'broken.conf'));
    expect(errorLines(() => loadConfig({ program: 'MONITOR', path: join(dir, F), searchPath: [] }))).toEqual([
      `${join(dir, F)}:${String(BASE.split('\n').length)}: include: ${join(dir, 'broken.conf')}: cannot read the file (EISDIR)`,
    ]);
  });

  it.skipIf(process.getuid?.() === 0)('include of a file without read permission', () => {
    const dir = tempDir({ 'mmm_mon.conf': `${BASE}include secret\n`, 'secret.conf': 'debug 1\n' });
    chmodSync(join(dir, 'secret.conf'), 0o000);
    expect(errorLines(() => loadConfig({ program: 'MONITOR', path: join(dir, F), searchPath: [] }))[0]).toMatch(
      /cannot read the file \(EACCES\)$/,
    );
  });
});

describe('value errors', () => {
  it('enumerated values', () => {
    const t = baseWith('mode slave', 'mode slve');
    expect(errs(t)).toEqual([at(t, 'mode slve', "<host db3> mode: invalid value 'slve'; expected master or slave")]);
  });

  it('booleans', () => {
    const t = `${BASE}<monitor>\n  careful_startup maybe\n</monitor>\n`;
    expect(errs(t)).toEqual([
      at(
        t,
        'maybe',
        "<monitor> careful_startup: invalid value 'maybe'; expected true, on, yes, 1, false, off, no or 0",
      ),
    ]);
  });

  it('integers and their range', () => {
    const t = baseWith('    mode slave\n', '    mode slave\n    agent_port 99999\n    mysql_port 3306a\n');
    expect(errs(t)).toEqual([
      at(t, 'agent_port', '<host db3> agent_port: 99999 is out of range; expected an integer from 1 to 65535'),
      at(t, 'mysql_port', "<host db3> mysql_port: invalid value '3306a'; expected an integer from 1 to 65535"),
    ]);
  });

  it('durations out of range', () => {
    const t = `${BASE}<check mysql>\n  timeout 0\n  check_period 2h\n</check>\n`;
    expect(errs(t)).toEqual([
      at(t, 'timeout 0', '<check mysql> timeout: 0 is out of range; expected seconds from 0.05 to 300'),
      at(t, 'check_period 2h', '<check mysql> check_period: 2h is out of range; expected seconds from 0.05 to 3600'),
    ]);
  });

  it('IP addresses, in single keys and lists', () => {
    const t = baseWith('ip 198.19.0.13', 'ip 198.19.0.300').replace(
      'ping_ips 198.19.0.1',
      'ping_ips 198.19.0.1, gateway',
    );
    expect(errs(t)).toEqual([
      at(t, 'ping_ips', "<monitor> ping_ips: invalid address 'gateway'; expected a comma list of IP addresses"),
      at(t, '198.19.0.300', "<host db3> ip: invalid address '198.19.0.300'; expected an IPv4 or IPv6 address"),
    ]);
  });

  it('relative paths', () => {
    const t = baseWith('status_path /var/lib/mysql-mmm/mmm_mond.status', 'status_path mmm_mond.status');
    expect(errs(t)).toEqual([
      at(t, 'status_path', "<monitor> status_path: 'mmm_mond.status' is not absolute; expected an absolute path"),
    ]);
  });
});

describe('required keys per program', () => {
  it('the agent needs this', () => {
    const t = BASE.replace('this db1\n', '');
    expect(errs(t, 'AGENT')).toEqual([`${F}:1: this: missing; required by mmm_agentd`]);
    expect(() => loadConfigText(t, F, { program: 'MONITOR' })).not.toThrow();
  });

  it('the monitor needs monitor credentials on every host', () => {
    const t = baseWith('    monitor_password monpass\n', '');
    expect(errs(t)).toEqual(
      ['db1', 'db2', 'db3'].map((h) =>
        at(
          t,
          `<host ${h}>`,
          `<host ${h}> monitor_password: missing; required by mmm_mond (set it in <host ${h}> or <host default>)`,
        ),
      ),
    );
    expect(() => loadConfigText(t, F, { program: 'AGENT' })).not.toThrow();
  });

  it('monitor and control need <monitor>', () => {
    const t = BASE.replace(/<monitor>[\s\S]*?<\/monitor>\n/, '');
    expect(errs(t, 'CONTROL')).toEqual([`${F}:1: <monitor>: missing section; required by mmm_control`]);
  });

  it('at least one host', () => {
    expect(errs('<monitor>\n  ip 127.0.0.1\n</monitor>\n', 'CONTROL')).toEqual([
      `${F}:1: no <host NAME> section; at least one host is required`,
    ]);
  });

  it('a master needs its peer', () => {
    const t = baseWith('    peer db1\n', '');
    expect(errs(t)).toEqual([
      at(t, '<host db2>', '<host db2> peer: missing; required by mode master (set it in <host db2> or <host default>)'),
    ]);
  });
});

describe('references and topology', () => {
  it('this must name a host', () => {
    const t = BASE.replace('this db1', 'this db9');
    expect(errs(t, 'AGENT')).toEqual([`${F}:2: this: unknown host 'db9'; expected one of db1, db2, db3`]);
  });

  it('active_master_role must name a role', () => {
    const t = BASE.replace('active_master_role writer', 'active_master_role writter');
    expect(errs(t)).toEqual([`${F}:1: active_master_role: unknown role 'writter'; expected one of writer, reader`]);
  });

  it('role hosts must be configured hosts, each once', () => {
    const t = baseWith('hosts db1, db2, db3', 'hosts db1, db4, db3, db1');
    expect(errs(t)).toEqual([
      at(t, 'hosts db1, db4', "<role reader> hosts: unknown host 'db4'; expected one of db1, db2, db3"),
      at(t, 'hosts db1, db4', "<role reader> hosts: host 'db1' is listed twice; expected each host once"),
    ]);
  });

  it('prefer must be one of the role hosts', () => {
    const t = baseWith('    mode exclusive\n', '    mode exclusive\n    prefer db3\n');
    expect(errs(t)).toEqual([
      at(t, 'prefer', "<role writer> prefer: 'db3' is not one of the role's hosts; expected one of db1, db2"),
    ]);
  });

  it('peer must be another configured master', () => {
    const t = baseWith('peer db2', 'peer db9').replace('peer db1', 'peer db3');
    expect(errs(t)).toEqual([
      at(t, 'peer db9', "<host db1> peer: unknown host 'db9'; expected one of db1, db2, db3"),
      at(t, 'peer db3', "<host db2> peer: host 'db3' is mode slave; expected the other master"),
    ]);
    const self = baseWith('peer db2', 'peer db1');
    expect(errs(self)).toEqual([
      at(self, 'peer db1', '<host db1> peer: a master cannot be its own peer; expected the other master'),
    ]);
  });

  it('host IPs are unique', () => {
    const t = baseWith('ip 198.19.0.13', 'ip 198.19.0.11');
    expect(errs(t)).toEqual([
      `${F}:${String(lineOf(BASE, 'ip 198.19.0.13'))}: <host db3> ip: 198.19.0.11 is already the ip of <host db1> (${F}:${String(lineOf(BASE, 'ip 198.19.0.11'))}); expected a unique address`,
    ]);
  });

  it('each VIP belongs to one role, once', () => {
    const t = baseWith('ips 198.19.0.101, 198.19.0.102', 'ips 198.19.0.101, 198.19.0.100, 198.19.0.101');
    expect(errs(t)).toEqual([
      at(
        t,
        'ips 198.19.0.101',
        `<role reader> ips: 198.19.0.100 is already used by <role writer> (${F}:${String(lineOf(t, 'ips 198.19.0.100'))}); expected each VIP once`,
      ),
      at(t, 'ips 198.19.0.101', '<role reader> ips: 198.19.0.101 is already used by this role; expected each VIP once'),
    ]);
  });

  it('a VIP must not be a host IP', () => {
    const t = baseWith('ips 198.19.0.100', 'ips 198.19.0.12');
    expect(errs(t)).toEqual([
      at(
        t,
        'ips 198.19.0.12',
        `<role writer> ips: 198.19.0.12 is the ip of <host db2> (${F}:${String(lineOf(t, 'ip 198.19.0.12'))}); expected a virtual IP no host uses`,
      ),
    ]);
  });

  it('a role with no hosts or no IPs', () => {
    const t = baseWith('hosts db1, db2, db3', 'hosts').replace('ips 198.19.0.101, 198.19.0.102', 'ips ');
    const line = (needle: string): string => `${F}:${String(lineOf(BASE, needle))}`;
    expect(errs(t)).toEqual([
      `${line('hosts db1, db2, db3')}: <role reader> hosts: the role has no hosts; expected at least one host name`,
      `${line('ips 198.19.0.101')}: <role reader> ips: the role has no IPs; expected at least one address`,
    ]);
  });

  it('an exclusive role has exactly one IP', () => {
    const t = baseWith('ips 198.19.0.100', 'ips 198.19.0.100, 198.19.0.99');
    expect(errs(t)).toEqual([
      at(
        t,
        'ips 198.19.0.100',
        '<role writer> ips: an exclusive role has exactly one IP; got 2 (198.19.0.100, 198.19.0.99)',
      ),
    ]);
  });

  it('the active master role: exclusive, masters only, at most two hosts', () => {
    const balanced = baseWith('mode exclusive', 'mode balanced');
    expect(errs(balanced)).toEqual([
      at(balanced, 'mode balanced', '<role writer> mode: the active_master_role must be exclusive; got balanced'),
    ]);
    const slave = baseWith('hosts db1, db2\n', 'hosts db1, db3\n');
    expect(errs(slave)).toEqual([
      at(
        slave,
        'hosts db1, db3',
        "<role writer> hosts: host 'db3' holds the active master role but is mode slave; expected masters only (one of db1, db2, db3)",
      ),
    ]);
    const three = baseWith('hosts db1, db2\n', 'hosts db1, db2, db3\n').replace(
      'mode slave',
      'mode master\n    peer db1',
    );
    expect(errs(three)).toEqual([
      at(
        three,
        'hosts db1, db2, db3',
        '<role writer> hosts: more than two hosts can hold the active master role (db1, db2, db3); expected at most 2',
      ),
    ]);
  });

  it('check sections are the four checks or default', () => {
    const t = `${BASE}<check pnig>\n  timeout 1\n</check>\n`;
    expect(errs(t)).toEqual([
      at(t, '<check pnig>', '<check pnig>: unknown check; expected ping, mysql, rep_threads, rep_backlog or default'),
    ]);
  });

  it('the writer lease must outlast two monitor ticks', () => {
    const t = `${BASE}writer_lease 1.5\n`;
    expect(errs(t)).toEqual([
      at(
        t,
        'writer_lease',
        'writer_lease: 1.5 s is shorter than two monitor ticks (tick 1 s); expected 0 (off) or at least 2 s',
      ),
    ]);
    expect(loadConfigText(`${BASE}writer_lease 0\n`, F, { program: 'MONITOR' }).agent.writerLease).toBe(0);
  });
});

describe('authentication settings', () => {
  it('type token needs a token', () => {
    const t = baseWith('    token 0123456789abcdef0123\n', '');
    expect(errs(t)).toEqual([
      at(t, 'type token', '<socket> token: missing; required by type token (set token or token_file)'),
    ]);
  });

  it('token and token_file exclude each other; token_file must be readable', () => {
    const both = baseWith(
      '    token 0123456789abcdef0123\n',
      '    token 0123456789abcdef0123\n    token_file /etc/mmm-no-such-token\n',
    );
    expect(errs(both)).toEqual([
      at(both, 'token_file', '<socket> token_file: set either token or token_file, not both'),
    ]);
    const missing = baseWith('    token 0123456789abcdef0123\n', '    token_file /etc/mmm-no-such-token\n');
    expect(errs(missing)).toEqual([
      at(
        missing,
        'token_file',
        '<socket> token_file: cannot read secret file /etc/mmm-no-such-token (ENOENT); expected a readable file holding the token',
      ),
    ]);
  });

  it('type ssl needs certificate, key and CA', () => {
    const t = baseWith('    type token\n    token 0123456789abcdef0123\n', '    type ssl\n');
    expect(errs(t)).toEqual(
      ['cert_file', 'key_file', 'ca_file'].map((k) =>
        at(t, '<socket>', `<socket> ${k}: missing; required by type ssl`),
      ),
    );
    expect(errs(t, 'CONTROL')).toHaveLength(2);
  });

  it('warns about a short token', () => {
    const c = loadConfigText(baseWith('token 0123456789abcdef0123', 'token abc'), F, { program: 'MONITOR' });
    expect(c.warnings.map((w) => `${String(w.key)}: ${w.message}`)).toEqual([
      '<socket> token: shorter than 16 characters; expected a long random string (openssl rand -hex 32)',
    ]);
  });
});

describe('secrets by reference', () => {
  it('env: names a variable that must be set', () => {
    const t = baseWith('agent_password agentpass', 'agent_password env:MMM_AGENT_PW');
    expect(errs(t, 'AGENT')).toEqual([
      at(
        t,
        'env:MMM',
        '<host default> agent_password: environment variable MMM_AGENT_PW is not set; expected a password, env:VARIABLE or file:/absolute/path',
      ),
    ]);
    expect(
      loadConfigText(t, F, { program: 'AGENT', env: { MMM_AGENT_PW: 's3' } }).hosts[0]?.agentPassword.reveal(),
    ).toBe('s3');
  });

  it('file: reads the first line ending off an absolute path', () => {
    const dir = tempDir({ pw: 'from-file\n' });
    const t = baseWith('agent_password agentpass', `agent_password file:${join(dir, 'pw')}`);
    expect(loadConfigText(t, F, { program: 'AGENT' }).hosts[2]?.agentPassword.reveal()).toBe('from-file');
    const bad = baseWith('agent_password agentpass', `agent_password file:${join(dir, 'nope')}`);
    expect(errs(bad)).toEqual([
      at(
        bad,
        'file:',
        `<host default> agent_password: cannot read secret file ${join(dir, 'nope')} (ENOENT); expected a password, env:VARIABLE or file:/absolute/path`,
      ),
    ]);
  });

  it('refuses the *** placeholder left by conversion', () => {
    const t = baseWith('replication_password replpass', 'replication_password ***');
    expect(errs(t)).toEqual([
      at(
        t,
        '***',
        "<host default> replication_password: '***' is a placeholder left by --convert-config or --check-config; expected a password, env:VARIABLE or file:/absolute/path",
      ),
    ]);
  });

  it('warns about a secret file readable by everyone', () => {
    const dir = tempDir();
    writeFile(join(dir, 'pw'), 'x', 0o644);
    const c = loadConfigText(baseWith('agent_password agentpass', `agent_password file:${join(dir, 'pw')}`), F, {
      program: 'AGENT',
    });
    expect(c.warnings.map((w) => w.message)).toEqual([
      `${join(dir, 'pw')} is readable by every user (mode 0644); chmod 600 it`,
    ]);
  });
});

describe('file permissions and error collection', () => {
  it('a world-writable file is an error', () => {
    const dir = tempDir({ 'mmm_mon.conf': BASE }, 0o666);
    expect(errorLines(() => loadConfig({ program: 'MONITOR', path: join(dir, F) }))).toEqual([
      `${join(dir, F)}:1: the file is writable by every user (mode 0666); expected chmod 640 or stricter`,
    ]);
  });

  it('collects every error, sorted by file (in reading order) and line, with details', () => {
    const dir = tempDir({
      'mmm_mon.conf': `include part\n${baseWith('mode slave', 'mode slve')}debug maybe\n`,
      'part.conf': '\n<host db9>\n  mode x\n</host>\n',
    });
    try {
      loadConfig({ program: 'MONITOR', path: join(dir, F), searchPath: [] });
      expect.fail('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(MmmError);
      const err = e as MmmError;
      expect(err.code).toBe('MMM_CONFIG_INVALID');
      const lines = err.message.split('\n');
      expect(lines.map((l) => l.replace(dir, 'D').replace(/: .*/, ''))).toEqual([
        `D/mmm_mon.conf:${String(lineOf(BASE, 'mode slave') + 1)}`,
        `D/mmm_mon.conf:${String(BASE.split('\n').length + 1)}`,
        'D/part.conf:2',
        'D/part.conf:3',
      ]);
      expect(err.details?.['errors']).toHaveLength(4);
      expect(err.details?.['errors']).toContainEqual({
        file: join(dir, 'part.conf'),
        line: 3,
        key: '<host db9> mode',
        message: "invalid value 'x'; expected master or slave",
      });
    }
  });
});
