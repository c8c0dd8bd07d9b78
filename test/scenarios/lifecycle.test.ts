// Multi-tick scenarios through the pure core, replaying what was measured on the lab with MMM 2.2.1
// (mmm-measured.md §2, §3, §7) and the MMM behaviours around them.
import { describe, expect, it } from 'vitest';
import { parseStatus, serializeStatus } from '../../monitor/core/index.js';
import { READER_IPS, WRITER_IP, role, seedConfig } from '../unit/monitor/core/fixtures.js';
import { SimCluster } from './harness.js';

/** Brings the seed cluster up as on the lab: first start, set_online db1..db4, a tick after each. */
function seedCluster(config = seedConfig()): SimCluster {
  const c = new SimCluster(config);
  c.start();
  for (const h of ['db1', 'db2', 'db3', 'db4']) {
    c.command('set_online', h);
    c.run(1);
  }
  return c;
}

describe('bring-up (first start, then set_online per host)', () => {
  it('needs set_online for every host after a first start', () => {
    const c = new SimCluster(seedConfig());
    c.start();
    c.run(5);
    expect(c.show()).toBe(
      '  db1(198.18.0.11) master/AWAITING_RECOVERY. Roles: \n' +
        '  db2(198.18.0.12) master/AWAITING_RECOVERY. Roles: \n' +
        '  db3(198.18.0.13) slave/AWAITING_RECOVERY. Roles: \n' +
        '  db4(198.18.0.14) slave/AWAITING_RECOVERY. Roles: \n\n',
    );
  });

  it('gives db1 the writer and all readers first, then spreads readers as hosts come ONLINE', () => {
    const c = new SimCluster(seedConfig());
    c.start();
    expect(c.command('set_online', 'db1').response.text).toBe(
      "OK: State of 'db1' changed to ONLINE. Now you can wait some time and check its new roles!",
    );
    c.run(1);
    expect([WRITER_IP, ...READER_IPS].map((ip) => c.owner(ip))).toEqual(['db1', 'db1', 'db1', 'db1', 'db1']);
    expect(c.command('set_online', 'db1').response.text).toBe('OK: This host is already ONLINE. Skipping command.');
    for (const h of ['db2', 'db3', 'db4']) {
      c.command('set_online', h);
      c.run(1);
    }
    expect(c.log).toContain("Moving role 'reader(198.18.0.101)' from host 'db1' to host 'db2'");
    expect(c.show()).toBe(
      '  db1(198.18.0.11) master/ONLINE. Roles: reader(198.18.0.104), writer(198.18.0.100)\n' +
        '  db2(198.18.0.12) master/ONLINE. Roles: reader(198.18.0.102)\n' +
        '  db3(198.18.0.13) slave/ONLINE. Roles: reader(198.18.0.103)\n' +
        '  db4(198.18.0.14) slave/ONLINE. Roles: reader(198.18.0.101)\n\n',
    );
    c.run(10);
    expect(c.last?.roleMoves).toEqual([]);
  });
});

describe('crash failover and return (lab runs D1–D4, T1)', () => {
  it('moves the writer to db2 when db1 mysql fails, then db1 returns ONLINE by itself within 60 s', () => {
    const c = seedCluster();
    c.run(5);
    c.setChecks('db1', { mysql: false });
    c.run(1);
    expect(c.log).toContain("State of host 'db1' changed from ONLINE to HARD_OFFLINE (ping: OK, mysql: not OK)");
    expect(c.log).toContain("Orphaned role 'writer(198.18.0.100)' has been assigned to 'db2'");
    expect(c.last?.activeMasterChange).toEqual({ from: 'db1', to: 'db2' });
    expect(c.last?.push[0]).toEqual({ hosts: ['db1'], clearBadRoles: false });
    expect(c.show()).toBe(
      '  db1(198.18.0.11) master/HARD_OFFLINE. Roles: \n' +
        '  db2(198.18.0.12) master/ONLINE. Roles: reader(198.18.0.102), writer(198.18.0.100)\n' +
        '  db3(198.18.0.13) slave/ONLINE. Roles: reader(198.18.0.103), reader(198.18.0.104)\n' +
        '  db4(198.18.0.14) slave/ONLINE. Roles: reader(198.18.0.101)\n\n',
    );
    c.run(20);
    c.setChecks('db1', { mysql: true });
    c.run(1);
    expect(c.state('db1')).toBe('AWAITING_RECOVERY');
    c.run(1);
    expect(c.state('db1')).toBe('ONLINE');
    expect(c.log).toContain(
      "State of host 'db1' changed from AWAITING_RECOVERY to ONLINE because it was down for only 22 seconds",
    );
    expect(c.owner(WRITER_IP)).toBe('db2');
    expect(c.model.roles.filter((r) => r.owner === 'db1')).toHaveLength(1);
  });

  it('keeps db1 AWAITING_RECOVERY after more than 60 s until set_online', () => {
    const c = seedCluster();
    c.setChecks('db1', { mysql: false });
    c.run(100);
    c.setChecks('db1', { mysql: true });
    c.run(30);
    expect(c.state('db1')).toBe('AWAITING_RECOVERY');
    expect(c.command('set_online', 'db1').response.exitCode).toBe(0);
    c.run(1);
    expect(c.state('db1')).toBe('ONLINE');
    expect(c.owner(WRITER_IP)).toBe('db2');
  });

  it('keeps a rebooted host AWAITING_RECOVERY, even after a short outage', () => {
    const c = seedCluster();
    c.setChecks('db3', { ping: false, mysql: false });
    c.run(10);
    c.reboot('db3');
    c.setChecks('db3', { ping: true, mysql: true });
    c.run(10);
    expect(c.state('db3')).toBe('AWAITING_RECOVERY');
  });

  it('fails back to a preferred writer host as soon as it is ONLINE again', () => {
    const config = seedConfig({
      roles: [
        role('writer', 'exclusive', ['db1', 'db2'], [WRITER_IP], 'db1'),
        role('reader', 'balanced', ['db1', 'db2', 'db3', 'db4'], READER_IPS),
      ],
    });
    const c = seedCluster(config);
    c.setChecks('db1', { mysql: false });
    c.run(5);
    expect(c.owner(WRITER_IP)).toBe('db2');
    expect(c.show()).toContain(
      "# Role writer has db1 configured as it's preferred host but is assigned to db2 at the moment.\n",
    );
    c.setChecks('db1', { mysql: true });
    c.run(2);
    expect(c.owner(WRITER_IP)).toBe('db1');
    expect(c.last?.activeMasterChange).toEqual({ from: 'db2', to: 'db1' });
    expect(c.log).toContain("Moving role 'writer(198.18.0.100)' from host 'db2' to preferred host 'db1'");
  });
});

describe('replication problems', () => {
  it('moves the reader away from a slave whose SQL thread stopped, and back when it recovers', () => {
    const c = seedCluster();
    c.run(60);
    c.setChecks('db3', { rep_threads: false });
    c.run(1);
    expect(c.state('db3')).toBe('REPLICATION_FAIL');
    expect(c.model.roles.some((r) => r.owner === 'db3')).toBe(false);
    c.setChecks('db3', { rep_threads: true, rep_backlog: false });
    c.run(1);
    expect(c.state('db3')).toBe('REPLICATION_DELAY');
    c.setChecks('db3', { rep_backlog: true });
    c.run(1);
    expect(c.state('db3')).toBe('ONLINE');
    expect(c.model.roles.filter((r) => r.owner === 'db3')).toHaveLength(1);
  });

  it('ignores replication failures for 60 s after the peer came ONLINE', () => {
    const c = seedCluster();
    c.setChecks('db4', { rep_threads: false });
    c.run(1);
    expect(c.state('db4')).toBe('ONLINE');
    c.run(60);
    expect(c.state('db4')).toBe('REPLICATION_FAIL');
  });

  it('marks a host flapping on the 4th failure within the hour; it then waits in AWAITING_RECOVERY', () => {
    const c = seedCluster();
    c.run(61);
    for (let i = 0; i < 4; i++) {
      c.setChecks('db3', { rep_backlog: false });
      c.run(1);
      c.setChecks('db3', { rep_backlog: true });
      c.run(1);
    }
    expect(c.log).toContain('Host db3 is flapping!');
    expect(c.state('db3')).toBe('AWAITING_RECOVERY');
    expect(c.log).toContain(
      "State of host 'db3' changed from REPLICATION_DELAY to AWAITING_RECOVERY (because it's flapping)",
    );
    c.run(10);
    expect(c.state('db3')).toBe('AWAITING_RECOVERY');
    c.command('set_online', 'db3');
    expect(c.model.hosts['db3']!.flap.flapping).toBe(false);
  });
});

describe('monitor restart', () => {
  it('reconciles to the same roles and moves nothing when stored and actual agree', () => {
    const c = seedCluster();
    c.setChecks('db1', { mysql: false });
    c.run(3);
    const status = serializeStatus(c.model, c.config);
    const roles = (h: string) => c.model.roles.filter((r) => r.owner === h).map((r) => `${r.role}(${r.ip})`);
    const before = c.model.roles;
    const agents = Object.fromEntries(
      c.config.hosts.map((h) => [
        h.name,
        { ok: true as const, view: { state: c.state(h.name), roles: roles(h.name), master: 'db2' } },
      ]),
    );
    const systems = Object.fromEntries(
      c.config.hosts.map((h) => [
        h.name,
        {
          ok: true as const,
          view: { writable: h.name === 'db2', roles: roles(h.name), masterIp: h.mode === 'slave' ? '198.18.0.12' : '' },
        },
      ]),
    );
    const restarted = new SimCluster(c.config);
    restarted.now = c.now + 5000;
    restarted.setChecks('db1', { mysql: false });
    restarted.start({ stored: parseStatus(status, c.config), agents, systems });
    expect(restarted.model.roles).toEqual(before);
    restarted.run(5);
    expect(restarted.model.roles).toEqual(before);
    expect(
      restarted.log.filter((l) => l.startsWith('State of') || l.startsWith('Moving') || l.startsWith('Orphaned')),
    ).toEqual([]);
  });

  it('goes PASSIVE on a split writer and only acts again after set_active', () => {
    const c = new SimCluster(seedConfig());
    const W = `writer(${WRITER_IP})`;
    c.start({
      systems: {
        db1: { ok: true, view: { writable: true, roles: [W], masterIp: '' } },
        db2: { ok: true, view: { writable: true, roles: [W], masterIp: '' } },
      },
    });
    expect(c.model.mode).toBe('PASSIVE');
    expect(
      c
        .show()
        .startsWith(
          '# --- Monitor is in PASSIVE MODE ---\n# Cause: Conflicting roles during startup:\n# \n# Startup status:\n',
        ),
    ).toBe(true);
    c.setChecks('db1', { ping: false });
    c.run(2);
    expect(c.state('db1')).toBe('HARD_OFFLINE');
    expect(c.last).toMatchObject({ push: [], killIfUnreached: [], persist: false });
    expect(c.owner(WRITER_IP)).toBeUndefined();
    expect(c.command('set_active').response.text).toBe('OK: Switched into active mode.');
    c.run(1);
    expect(c.owner(WRITER_IP)).toBeUndefined();
    c.command('set_online', 'db2');
    c.run(1);
    expect(c.owner(WRITER_IP)).toBe('db2');
    expect(c.last?.push.length).toBeGreaterThan(0);
  });
});

describe('modes', () => {
  it('starts in WAIT and becomes ACTIVE once both masters are ONLINE', () => {
    const c = new SimCluster(seedConfig({ monitor: { mode: 'wait' } }));
    c.start();
    c.command('set_online', 'db1');
    c.run(3);
    expect(c.model.mode).toBe('WAIT');
    c.command('set_online', 'db2');
    c.run(1);
    expect(c.model.mode).toBe('ACTIVE');
    expect(c.log).toContain("Nodes db1 and db2 are ONLINE, switching from mode 'WAIT' to 'ACTIVE'.");
  });

  it('keeps roles on a failed writer in MANUAL mode until set_active', () => {
    const c = seedCluster();
    c.command('set_manual');
    c.setChecks('db1', { mysql: false });
    c.run(3);
    expect(c.owner(WRITER_IP)).toBe('db1');
    c.command('set_active');
    expect(c.owner(WRITER_IP)).toBeUndefined();
    c.run(1);
    expect(c.owner(WRITER_IP)).toBe('db2');
  });

  it('switches the writer by move_role and keeps it there', () => {
    const c = seedCluster();
    expect(c.command('move_role', 'writer', 'db2').response.text).toBe(
      "OK: Role 'writer' has been moved from 'db1' to 'db2'. Now you can wait some time and check new roles info!",
    );
    c.run(5);
    expect(c.owner(WRITER_IP)).toBe('db2');
    expect(c.command('move_role', 'writer', 'db2').response.text).toBe(
      "OK: Role is on 'db2' already. Skipping command.",
    );
  });

  it('does nothing while the network is down, then catches up', () => {
    const c = seedCluster();
    c.haveNet = false;
    c.setChecks('db1', { mysql: false });
    c.run(5);
    expect(c.state('db1')).toBe('ONLINE');
    expect(c.last?.push).toEqual([]);
    c.haveNet = true;
    c.run(1);
    expect(c.state('db1')).toBe('HARD_OFFLINE');
  });

  it('flags an unreachable agent and shows it', () => {
    const c = seedCluster();
    c.agentDown.add('db4');
    c.run(2);
    expect(c.show().startsWith('# Warning: agent on host db4 is not reachable\n')).toBe(true);
    expect(c.log).toContain("Can't reach agent on host 'db4'");
    c.agentDown.delete('db4');
    c.run(2);
    expect(c.log).toContain("Agent on host 'db4' is reachable again");
  });
});
