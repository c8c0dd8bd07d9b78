// The layouts operators actually have: MMM's shipped sample (spec §7.4) and a 2-master/2-slave set with
// <host default> templates, includes, a re-opened section and tuned checks.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECK_NAMES, loadConfig } from '../../../../common/config/index.js';
import { FIXTURES, cleanupTempDirs, copyFixture, TWO_BY_TWO_ENV } from './fixture.js';

afterEach(cleanupTempDirs);

const SAMPLE = join(FIXTURES, 'mmm-sample');

describe('the shipped MMM sample', () => {
  it('loads for the monitor with every MMM default (spec §7.3, §3.7)', () => {
    const dir = copyFixture('mmm-sample');
    const c = loadConfig({ program: 'MONITOR', path: join(dir, 'mmm_mon.conf') });
    expect(c.warnings).toEqual([]);
    expect(c.source).toEqual({ format: 'mmm', files: [join(dir, 'mmm_mon.conf'), join(dir, 'mmm_common.conf')] });
    expect(c.activeMasterRole).toBe('writer');
    expect(c.debug).toBe(false);
    expect(c.this).toBeUndefined();
    expect(c.monitor).toMatchObject({
      ip: '127.0.0.1',
      port: 9988,
      statusPath: '/var/lib/mysql-mmm/mmm_mond.status',
      pingIps: ['198.19.0.1', '198.19.0.2', '198.19.0.3'],
      pingInterval: 1,
      flapDuration: 3600,
      flapCount: 3,
      autoSetOnline: 0,
      killHostBin: undefined,
      carefulStartup: true,
      mode: 'active',
      waitForOtherMaster: 120,
      tick: 1,
      failover: { catchupPolicy: 'abort', corroborate: true },
    });
    for (const name of CHECK_NAMES) {
      expect(c.checks[name]).toEqual({
        name,
        checkPeriod: 5,
        trapPeriod: 10,
        timeout: 2,
        restartAfter: 10000,
        maxBacklog: 60,
      });
    }
    expect(c.socket.type).toBe('plain');
    expect(c.agent).toEqual({ writerLease: 3, maxKillRetries: 10, leasePeerCheck: true });
  });

  it('keeps hosts and roles in file order, with the template applied and not kept as a host', () => {
    const c = loadConfig({ program: 'MONITOR', path: join(copyFixture('mmm-sample'), 'mmm_mon.conf') });
    expect(c.hosts.map((h) => [h.name, h.ip, h.mode, h.peer])).toEqual([
      ['db1', '198.19.0.31', 'master', 'db2'],
      ['db2', '198.19.0.32', 'master', 'db1'],
      ['db3', '198.19.0.33', 'slave', undefined],
    ]);
    const db3 = c.hosts[2]!;
    expect(db3).toMatchObject({
      clusterInterface: 'eth0',
      agentUser: 'mmm_agent',
      monitorUser: 'mmm_monitor',
      agentPort: 9989,
      mysqlPort: 3306,
    });
    expect(db3.agentPassword.reveal()).toBe('RepAgent');
    expect(db3.monitorPassword.reveal()).toBe('RepMonitor');
    expect(c.roles).toEqual([
      { name: 'writer', mode: 'exclusive', hosts: ['db1', 'db2'], ips: ['198.19.0.50'], prefer: undefined },
      {
        name: 'reader',
        mode: 'balanced',
        hosts: ['db1', 'db2', 'db3'],
        ips: ['198.19.0.51', '198.19.0.52', '198.19.0.53'],
        prefer: undefined,
      },
    ]);
  });

  it('loads for the agent (include without .conf, this)', () => {
    const c = loadConfig({ program: 'AGENT', path: join(copyFixture('mmm-sample'), 'mmm_agent.conf') });
    expect(c.this).toBe('db1');
    expect(c.monitor).toBeUndefined();
    expect(c.hosts[0]?.replicationPassword.reveal()).toBe('slave');
  });

  it('warns (MMM refused) when the files holding passwords are world-readable, as shipped in git (0644)', () => {
    const c = loadConfig({ program: 'MONITOR', path: join(copyFixture('mmm-sample', 0o644), 'mmm_mon.conf') });
    expect(c.warnings.map((w) => `${w.line} ${String(w.key)}`)).toEqual([
      '13 <host default> monitor_password',
      '11 <host default> replication_password',
    ]);
    expect(c.warnings[0]?.message).toBe(
      'the file holds passwords in clear and is readable by every user (mode 0644); chmod 640 it, or use env:VAR / file:/path (MMM 2.2.1 refused to start)',
    );
  });

  it('is frozen all the way down', () => {
    const c = loadConfig({ program: 'MONITOR', path: join(SAMPLE, 'mmm_mon.conf') });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.hosts[0])).toBe(true);
    expect(Object.isFrozen(c.roles[1]?.ips)).toBe(true);
    expect(Object.isFrozen(c.monitor?.failover)).toBe(true);
    expect(() => {
      (c.hosts as unknown as unknown[]).push({});
    }).toThrow(TypeError);
  });
});

describe('2 masters + 2 slaves with <host default>, includes and tuned checks', () => {
  it('merges four files for the monitor', () => {
    const dir = copyFixture('two-masters-two-slaves');
    const c = loadConfig({ program: 'MONITOR', path: join(dir, 'mmm_mon.conf'), env: TWO_BY_TWO_ENV });
    expect(c.source.files).toEqual(['mmm_mon.conf', 'mmm_common.conf', 'mmm_hosts.conf'].map((f) => join(dir, f)));
    expect(c.hosts.map((h) => `${h.name}:${h.mode}:${String(h.mysqlPort)}`)).toEqual([
      'db1:master:3306',
      'db2:master:3306',
      'db3:slave:3306',
      'db4:slave:3307',
    ]);
    expect(c.hosts.every((h) => h.monitorPassword.reveal() === 'm' && h.agentPassword.reveal() === 'a')).toBe(true);
    expect(c.roles[0]?.prefer).toBe('db1');
    expect(c.roles[1]?.ips).toHaveLength(4);
    expect(c.debug).toBe(true);
    expect(c.monitor?.tick).toBe(0.5);
    expect(c.monitor?.autoSetOnline).toBe(60);
    expect(c.checks.mysql).toMatchObject({ checkPeriod: 1, trapPeriod: 1, timeout: 1, maxBacklog: 60 });
    expect(c.checks.rep_backlog).toMatchObject({ checkPeriod: 1, trapPeriod: 1, timeout: 1, maxBacklog: 30 });
    expect(c.socket.type).toBe('token');
    expect(c.socket.token?.reveal()).toBe('tok-0123456789abcdef');
    expect(c.warnings).toEqual([]);
  });

  it('gives the agent its own host', () => {
    const c = loadConfig({
      program: 'AGENT',
      path: join(copyFixture('two-masters-two-slaves'), 'mmm_agent.conf'),
      env: TWO_BY_TWO_ENV,
    });
    expect(c.this).toBe('db3');
    expect(c.hosts.find((h) => h.name === 'db3')?.statePath).toBe('/var/lib/mysql-mmm/mmm_agentd.state');
  });
});
