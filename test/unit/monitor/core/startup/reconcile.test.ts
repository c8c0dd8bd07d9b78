// Startup reconciliation (spec §8.2 steps 7–11) against the tables measured on the lab (mmm-measured.md §2).
import { describe, expect, it } from 'vitest';
import { decide } from '../../../../../monitor/core/decide.js';
import { reconcileStartup } from '../../../../../monitor/core/startup/reconcile.js';
import type { AgentView, Answer, StartupInput, SystemView } from '../../../../../monitor/core/startup/views.js';
import { parseStatus } from '../../../../../monitor/core/status-file.js';
import type { HostChecks } from '../../../../../monitor/core/types.js';
import { T0, WRITER_IP, checks, owners, seedConfig } from '../fixtures.js';

const cfg = seedConfig();
const ok = <T>(view: T): Answer<T> => ({ ok: true, view });
const agent = (state: string, roles: string[] = [], master = ''): Answer<AgentView> => ok({ state, roles, master });
const system = (writable: boolean, roles: string[] = [], masterIp = ''): Answer<SystemView> =>
  ok({ writable, roles, masterIp });
const allOk: Record<string, HostChecks> = { db1: checks(), db2: checks(), db3: checks(), db4: checks() };

function input(o: Partial<StartupInput> = {}): StartupInput {
  return {
    config: cfg,
    checks: allOk,
    stored: undefined,
    agents: { db1: agent('UNKNOWN'), db2: agent('UNKNOWN'), db3: agent('UNKNOWN'), db4: agent('UNKNOWN') },
    systems: {
      db1: system(true, [], '198.18.0.12'),
      db2: system(false, [], '198.18.0.11'),
      db3: system(false, [], '198.18.0.11'),
      db4: system(false, [], '198.18.0.11'),
    },
    ...o,
  };
}

/** The stored status, agent and system views of a healthy restart of the layout after run D2's failover. */
const D2_STATUS = [
  'db1|HARD_OFFLINE|',
  'db2|ONLINE|reader(198.18.0.103),writer(198.18.0.100)',
  'db3|ONLINE|reader(198.18.0.102),reader(198.18.0.104)',
  'db4|ONLINE|reader(198.18.0.101)',
].join('\n');

function d2Restart(): StartupInput {
  const stored = parseStatus(D2_STATUS, cfg);
  const rolesOf = (h: string) => [...(stored.hosts.get(h)?.roles ?? [])].map((r) => `${r.role}(${r.ip})`);
  return input({
    checks: { ...allOk, db1: checks({ mysql: false }) },
    stored,
    agents: {
      db1: agent('HARD_OFFLINE', [], 'db2'),
      db2: agent('ONLINE', rolesOf('db2'), 'db2'),
      db3: agent('ONLINE', rolesOf('db3'), 'db2'),
      db4: agent('ONLINE', rolesOf('db4'), 'db2'),
    },
    systems: {
      db1: { ok: false, answer: '0' },
      db2: system(true, rolesOf('db2'), '198.18.0.11'),
      db3: system(false, rolesOf('db3'), '198.18.0.12'),
      db4: system(false, rolesOf('db4'), '198.18.0.12'),
    },
  });
}

describe('startup reconciliation', () => {
  it('first start without status file or VIPs: everybody AWAITING_RECOVERY, no roles (golden table)', () => {
    const r = reconcileStartup(input(), T0);
    expect(Object.values(r.model.hosts).map((h) => h.state)).toEqual(Array(4).fill('AWAITING_RECOVERY'));
    expect(owners(r.model)).toEqual({});
    expect(r.conflict).toBe(false);
    expect(r.table).toBe(
      'Startup status:\n\nRoles:\n' +
        '    Role                     Host    Stored  System  Agent\n' +
        '\nHosts:\n' +
        '    Host    Master  Writable  Stored state      Agent state     \n' +
        '    db1     -       Yes       UNKNOWN           UNKNOWN         \n' +
        '    db2     -       No        UNKNOWN           UNKNOWN         \n' +
        '    db3     db1     No        UNKNOWN           UNKNOWN         \n' +
        '    db4     db1     No        UNKNOWN           UNKNOWN         \n',
    );
    expect(r.events.map((e) => e.message)).toEqual([r.table, 'Monitor started in active mode.']);
    expect(r.push).toEqual([
      { hosts: ['db1', 'db2'], clearBadRoles: true },
      { hosts: ['db3', 'db4'], clearBadRoles: true },
    ]);
    expect(r.model.hosts['db1']).toMatchObject({ lastStateChange: T0, onlineSince: 0 });
  });

  it('restart with db1 down: votes keep every role where it is (golden table)', () => {
    const r = reconcileStartup(d2Restart(), T0);
    const golden = [
      '    writer(198.18.0.100)     db2     Yes     Yes     Yes  ',
      '    reader(198.18.0.101)     db4     Yes     Yes     Yes  ',
      '    reader(198.18.0.102)     db3     Yes     Yes     Yes  ',
      '    reader(198.18.0.103)     db2     Yes     Yes     Yes  ',
      '    reader(198.18.0.104)     db3     Yes     Yes     Yes  ',
      '',
      'Hosts:',
      '    Host    Master  Writable  Stored state      Agent state     ',
      '    db1     -       ?         HARD_OFFLINE      HARD_OFFLINE    ',
      '    db2     -       Yes       ONLINE            ONLINE          ',
      '    db3     db2     No        ONLINE            ONLINE          ',
      '    db4     db2     No        ONLINE            ONLINE          ',
      '',
    ];
    expect(r.table.split('\n').slice(4)).toEqual(golden);
    expect(owners(r.model)).toEqual({
      [WRITER_IP]: 'db2',
      '198.18.0.103': 'db2',
      '198.18.0.102': 'db3',
      '198.18.0.104': 'db3',
      '198.18.0.101': 'db4',
    });
    expect(r.model.hosts['db1']!.state).toBe('HARD_OFFLINE');
    expect(r.model.hosts['db1']!.agentReachable).toBe(true);
    expect(r.events).toContainEqual({
      level: 'error',
      message: "The status of the system 'db1' could not be determined (answer was: 0).",
      host: 'db1',
    });
    expect(r.push).toEqual([
      { hosts: ['db1'], clearBadRoles: true },
      { hosts: ['db3', 'db4'], clearBadRoles: true },
      { hosts: ['db2'], clearBadRoles: true },
    ]);
  });

  it('moves no role in the first tick after a restart where stored and actual agree', () => {
    const r = reconcileStartup(d2Restart(), T0);
    const t = decide({ config: cfg, model: r.model, checks: {}, agents: {}, haveNet: true }, T0 + 1000);
    expect(t.roleMoves).toEqual([]);
    expect(t.stateChanges).toEqual([]);
    expect(t.activeMasterChange).toBeUndefined();
  });

  it('goes PASSIVE when the writer IP is configured on two hosts (careful_startup)', () => {
    const r = reconcileStartup(
      input({ systems: { db1: system(true, ['writer(198.18.0.100)']), db2: system(true, ['writer(198.18.0.100)']) } }),
      T0,
    );
    expect(r.conflict).toBe(true);
    expect(r.model.mode).toBe('PASSIVE');
    expect(r.model.passiveCause).toBe(`Conflicting roles during startup:\n\n${r.table}`);
    expect(r.push).toEqual([]);
    expect(r.events).toContainEqual({
      level: 'warn',
      message: "Role 'writer(198.18.0.100)' was configured on 2 hosts during monitor startup.",
    });
    expect(r.events.at(-1)?.message).toBe('Monitor started in passive mode.');
    expect(owners(r.model)[WRITER_IP]).toBe('db1');
  });

  it('keeps its mode on a conflict when careful_startup is off', () => {
    const config = seedConfig({ monitor: { carefulStartup: false } });
    const r = reconcileStartup(
      {
        ...input({
          systems: { db1: system(true, ['writer(198.18.0.100)']), db2: system(true, ['writer(198.18.0.100)']) },
        }),
        config,
      },
      T0,
    );
    expect(r.conflict).toBe(true);
    expect(r.model.mode).toBe('ACTIVE');
    expect(r.push).not.toEqual([]);
  });

  it('only warns when a reader IP is configured twice', () => {
    const r = reconcileStartup(
      input({
        systems: { db3: system(false, ['reader(198.18.0.101)']), db4: system(false, ['reader(198.18.0.101)']) },
      }),
      T0,
    );
    expect(r.conflict).toBe(false);
    expect(r.events).toContainEqual({
      level: 'warn',
      message: "Role 'reader(198.18.0.101)' was configured on 2 hosts during monitor startup.",
    });
    expect(owners(r.model)['198.18.0.101']).toBe('db3');
  });

  it('starts PASSIVE when configured so, pushing nothing', () => {
    const config = seedConfig({ monitor: { mode: 'passive' } });
    const r = reconcileStartup({ ...input(), config }, T0);
    expect(r.model).toMatchObject({ mode: 'PASSIVE', passiveCause: 'Configured to start up in passive mode.' });
    expect(r.push).toEqual([]);
    expect(r.events.at(-1)?.message).toBe('Monitor started in passive mode.');
  });
});
