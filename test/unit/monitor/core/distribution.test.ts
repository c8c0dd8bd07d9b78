import { describe, expect, it } from 'vitest';
import {
  balance,
  distributeRoles,
  findEligibleHost,
  obeyPreferences,
  preferredHost,
} from '../../../../monitor/core/distribution.js';
import { Draft } from '../../../../monitor/core/draft.js';
import { weightedCount } from '../../../../monitor/core/role-slots.js';
import { buildTopology } from '../../../../monitor/core/topology.js';
import { DEFAULT_OPTIONS, type ClusterModel } from '../../../../monitor/core/types.js';
import {
  READER_IPS,
  SEED_HOSTS,
  SEED_OWNERS,
  T0,
  WRITER_IP,
  host,
  model,
  owners,
  role,
  seedConfig,
  type ModelSpec,
} from './fixtures.js';

type Cfg = ReturnType<typeof seedConfig>;

function distribute(cfg: Cfg, spec: ModelSpec, options = DEFAULT_OPTIONS) {
  const d = new Draft(buildTopology(cfg), model(cfg, spec), T0);
  distributeRoles(d, options);
  return { d, model: d.toModel(), log: d.events.map((e) => e.message) };
}

const preferDb2 = seedConfig({
  roles: [
    role('writer', 'exclusive', ['db1', 'db2'], [WRITER_IP], 'db2'),
    role('reader', 'balanced', ['db1', 'db2', 'db3', 'db4'], READER_IPS),
  ],
});

function counts(m: ClusterModel, cfg: Cfg): Record<string, number> {
  return Object.fromEntries(cfg.hosts.map((h) => [h.name, weightedCount(m.roles, h.name, cfg.activeMasterRole)]));
}

describe('role distribution (spec §4.2–4.3)', () => {
  it('places the seed layout: db1 writer + one reader, every other host one reader', () => {
    const { model: m, log } = distribute(seedConfig(), {});
    expect(owners(m)).toEqual(SEED_OWNERS);
    expect(log).toEqual([
      "Orphaned role 'writer(198.18.0.100)' has been assigned to 'db1'",
      "Orphaned role 'reader(198.18.0.101)' has been assigned to 'db2'",
      "Orphaned role 'reader(198.18.0.102)' has been assigned to 'db3'",
      "Orphaned role 'reader(198.18.0.103)' has been assigned to 'db4'",
      "Orphaned role 'reader(198.18.0.104)' has been assigned to 'db1'",
    ]);
  });

  it('is idempotent: a distributed layout does not move', () => {
    const { d } = distribute(seedConfig(), { owners: SEED_OWNERS });
    expect(d.roleMoves).toEqual([]);
  });

  it("moves a failed writer's roles like MMM did after a crash (golden run D2)", () => {
    const { model: m, log } = distribute(seedConfig(), {
      owners: { ...SEED_OWNERS, [WRITER_IP]: '', '198.18.0.104': '' },
      hosts: { db1: { state: 'HARD_OFFLINE' } },
    });
    expect(owners(m)).toEqual({
      [WRITER_IP]: 'db2',
      '198.18.0.101': 'db2',
      '198.18.0.102': 'db3',
      '198.18.0.103': 'db4',
      '198.18.0.104': 'db3',
    });
    expect(log[0]).toBe("Orphaned role 'writer(198.18.0.100)' has been assigned to 'db2'");
  });

  it('weighs the writer 0.5: two masters, three readers → writer host 1 reader, passive master 2', () => {
    const cfg = seedConfig({
      hosts: SEED_HOSTS.slice(0, 2),
      roles: [
        role('writer', 'exclusive', ['db1', 'db2'], [WRITER_IP]),
        role('reader', 'balanced', ['db1', 'db2'], READER_IPS.slice(0, 3)),
      ],
    });
    const m = distribute(cfg, {}).model;
    expect(counts(m, cfg)).toEqual({ db1: 1.5, db2: 2 });
    const two = seedConfig({
      hosts: SEED_HOSTS.slice(0, 2),
      roles: [
        role('writer', 'exclusive', ['db1', 'db2'], [WRITER_IP]),
        role('reader', 'balanced', ['db1', 'db2'], READER_IPS.slice(0, 2)),
      ],
    });
    expect(counts(distribute(two, {}).model, two)).toEqual({ db1: 1.5, db2: 1 });
  });

  it('gives an orphan to the preferred host when it is eligible', () => {
    expect(owners(distribute(preferDb2, {}).model)[WRITER_IP]).toBe('db2');
  });

  it('falls back to the least loaded host when the preferred one is not eligible', () => {
    const m = distribute(preferDb2, { hosts: { db2: { agentReachable: false } } }).model;
    expect(owners(m)[WRITER_IP]).toBe('db1');
    expect(Object.values(owners(m))).not.toContain('db2');
  });

  it('fails the writer back to its preferred host in ACTIVE mode (MMM automatic failback)', () => {
    const { model: m, log } = distribute(preferDb2, { owners: { ...SEED_OWNERS } });
    expect(owners(m)[WRITER_IP]).toBe('db2');
    expect(log).toContain("Moving role 'writer(198.18.0.100)' from host 'db1' to preferred host 'db2'");
  });

  it('does not fail back in MANUAL mode or with failback off', () => {
    expect(owners(distribute(preferDb2, { mode: 'MANUAL', owners: SEED_OWNERS }).model)[WRITER_IP]).toBe('db1');
    expect(owners(distribute(preferDb2, { owners: SEED_OWNERS }, { failback: false }).model)[WRITER_IP]).toBe('db1');
  });

  it('assigns orphans in MANUAL and WAIT modes too', () => {
    expect(owners(distribute(seedConfig(), { mode: 'MANUAL' }).model)).toEqual(SEED_OWNERS);
    expect(owners(distribute(seedConfig(), { mode: 'WAIT' }).model)).toEqual(SEED_OWNERS);
  });

  it('does nothing in PASSIVE mode', () => {
    expect(distribute(seedConfig(), { mode: 'PASSIVE' }).d.roleMoves).toEqual([]);
  });

  it('leaves a role orphaned when no host is eligible, and skips its other IPs', () => {
    const { model: m } = distribute(seedConfig(), { state: 'AWAITING_RECOVERY', hosts: { db4: { state: 'ONLINE' } } });
    expect(owners(m)).toEqual(Object.fromEntries(READER_IPS.map((ip) => [ip, 'db4'])));
  });

  it('never gives new roles to a host whose agent is unreachable, but leaves it its roles', () => {
    const { model: m } = distribute(seedConfig(), {
      owners: { '198.18.0.101': 'db3' },
      hosts: { db3: { agentReachable: false } },
    });
    expect(owners(m)['198.18.0.101']).toBe('db3');
    expect(Object.entries(owners(m)).filter(([, h]) => h === 'db3')).toHaveLength(1);
  });

  it('balances from a host holding everything to the seed layout', () => {
    const all = Object.fromEntries([WRITER_IP, ...READER_IPS].map((ip) => [ip, 'db1']));
    const { model: m, log } = distribute(seedConfig(), { owners: all });
    expect(owners(m)).toEqual({
      [WRITER_IP]: 'db1',
      '198.18.0.101': 'db2',
      '198.18.0.102': 'db3',
      '198.18.0.103': 'db4',
      '198.18.0.104': 'db1',
    });
    expect(log[0]).toBe("Moving role 'reader(198.18.0.101)' from host 'db1' to host 'db2'");
  });

  it('does not stop uneven when the busiest host holds none of the role (MMM bug, spec §9.5)', () => {
    const hosts = [
      host('db1', '198.18.0.11', 'master', 'db2'),
      host('db2', '198.18.0.12', 'master', 'db1'),
      host('db3', '198.18.0.13', 'slave'),
      host('db4', '198.18.0.14', 'slave'),
    ];
    const cfg = seedConfig({
      hosts,
      roles: [
        role('writer', 'exclusive', ['db1', 'db2'], [WRITER_IP]),
        role('a', 'exclusive', ['db1'], ['198.18.0.110']),
        role('b', 'exclusive', ['db1'], ['198.18.0.111']),
        role('c', 'exclusive', ['db1'], ['198.18.0.112']),
        role('reader', 'balanced', ['db1', 'db2', 'db3', 'db4'], READER_IPS),
      ],
    });
    const start = {
      [WRITER_IP]: 'db1',
      '198.18.0.110': 'db1',
      '198.18.0.111': 'db1',
      '198.18.0.112': 'db1',
      ...Object.fromEntries(READER_IPS.map((ip) => [ip, 'db2'])),
    };
    const m = distribute(cfg, { owners: start }).model;
    const readers = (h: string) => m.roles.filter((s) => s.role === 'reader' && s.owner === h).length;
    expect([readers('db2'), readers('db3'), readers('db4')]).toEqual([2, 1, 1]);
  });

  it('skips balancing with fewer than two eligible hosts', () => {
    const d = new Draft(
      buildTopology(seedConfig()),
      model(seedConfig(), { state: 'HARD_OFFLINE', hosts: { db1: { state: 'ONLINE' } } }),
      T0,
    );
    balance(d);
    expect(d.roleMoves).toEqual([]);
  });
});

describe('distribution helpers', () => {
  it('honours prefer only for exclusive roles and only for a host of the role', () => {
    expect(preferredHost(role('r', 'balanced', ['db1'], ['1.1.1.1'], 'db1'))).toBeUndefined();
    expect(preferredHost(role('r', 'exclusive', ['db1'], ['1.1.1.1'], 'db9'))).toBeUndefined();
    expect(preferredHost(role('r', 'exclusive', ['db1'], ['1.1.1.1'], 'db1'))).toBe('db1');
  });

  it('excludes a host on request, even the preferred one', () => {
    const d = new Draft(buildTopology(preferDb2), model(preferDb2), T0);
    expect(findEligibleHost(d, preferDb2.roles[0]!, 'db2')).toBe('db1');
  });

  it('moves an orphaned exclusive role straight to its preferred host', () => {
    const d = new Draft(buildTopology(preferDb2), model(preferDb2), T0);
    obeyPreferences(d);
    expect(d.events.map((e) => e.message)).toEqual([
      "Moving role 'writer(198.18.0.100)' from host '' to preferred host 'db2'",
    ]);
  });
});
