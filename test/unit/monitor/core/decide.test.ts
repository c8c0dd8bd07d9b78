import { describe, expect, it } from 'vitest';
import { decide, pushOrder, type TickSnapshot } from '../../../../monitor/core/decide.js';
import { buildTopology } from '../../../../monitor/core/topology.js';
import type { ClusterModel } from '../../../../monitor/core/types.js';
import { READER_IPS, SEED_OWNERS, T0, WRITER_IP, checks, model, owners, role, seedConfig } from './fixtures.js';

const cfg = seedConfig();

function tick(m: ClusterModel, o: Partial<TickSnapshot> = {}, now = T0) {
  return decide({ config: cfg, model: m, checks: {}, agents: {}, haveNet: true, ...o }, now);
}

describe('decide: one tick', () => {
  it('brings a fresh all-ONLINE cluster to the seed layout and says what each agent should hold', () => {
    const r = tick(model(cfg));
    expect(owners(r.model)).toEqual(SEED_OWNERS);
    expect(r.desired['db1']).toEqual({
      state: 'ONLINE',
      roles: ['reader(198.18.0.104)', 'writer(198.18.0.100)'],
      activeMaster: 'db1',
    });
    expect(r.desired['db3']).toEqual({ state: 'ONLINE', roles: ['reader(198.18.0.102)'], activeMaster: 'db1' });
    expect(r.activeMasterChange).toEqual({ from: undefined, to: 'db1' });
    expect(r.push).toEqual([
      { hosts: ['db3', 'db4'], clearBadRoles: false },
      { hosts: ['db1', 'db2'], clearBadRoles: false },
    ]);
    expect(r).toMatchObject({ killIfUnreached: [], violations: [], persist: true, modeChange: undefined });
  });

  it('changes nothing in a settled cluster', () => {
    const r = tick(model(cfg, { owners: SEED_OWNERS }));
    expect(r.roleMoves).toEqual([]);
    expect(r.stateChanges).toEqual([]);
    expect(r.events).toEqual([]);
    expect(r.push).toEqual([{ hosts: ['db1', 'db2', 'db3', 'db4'], clearBadRoles: false }]);
  });

  it('fails the writer over when its mysql check fails: fence the old writer, repoint slaves, then the rest', () => {
    const r = tick(model(cfg, { owners: SEED_OWNERS }), { checks: { db1: checks({ mysql: false }) } });
    expect(r.stateChanges).toMatchObject([
      { host: 'db1', from: 'ONLINE', to: 'HARD_OFFLINE', rule: 'online_to_hard_offline' },
    ]);
    expect(owners(r.model)[WRITER_IP]).toBe('db2');
    expect(Object.values(owners(r.model))).not.toContain('db1');
    expect(r.activeMasterChange).toEqual({ from: 'db1', to: 'db2' });
    expect(r.push).toEqual([
      { hosts: ['db1'], clearBadRoles: false },
      { hosts: ['db3', 'db4'], clearBadRoles: false },
      { hosts: ['db2'], clearBadRoles: false },
    ]);
    expect(r.killIfUnreached).toEqual(['db1']);
    expect(r.desired['db1']).toEqual({ state: 'HARD_OFFLINE', roles: [], activeMaster: 'db2' });
    expect(r.events.map((e) => e.message)).toContain(
      "State of host 'db1' changed from ONLINE to HARD_OFFLINE (ping: OK, mysql: not OK)",
    );
  });

  it('lifts a broken passive master to ONLINE when the active master dies in the same tick, and gives it the writer (MMM §2.7)', () => {
    const m = model(cfg, {
      owners: { ...SEED_OWNERS, '198.18.0.101': '' },
      hosts: { db2: { state: 'REPLICATION_FAIL', checks: { rep_threads: false } } },
    });
    const r = tick(m, { checks: { db1: checks({ ping: false }) } });
    expect(r.model.hosts['db2']!.state).toBe('ONLINE');
    expect(owners(r.model)[WRITER_IP]).toBe('db2');
  });

  it('keeps failed hosts and their roles in MANUAL mode', () => {
    const r = tick(model(cfg, { mode: 'MANUAL', owners: SEED_OWNERS }), { checks: { db1: checks({ mysql: false }) } });
    expect(r.model.hosts['db1']!.state).toBe('HARD_OFFLINE');
    expect(owners(r.model)).toEqual(SEED_OWNERS);
    expect(r.killIfUnreached).toEqual([]);
    expect(r.activeMasterChange).toBeUndefined();
  });

  it('evaluates nothing while the network is down, still distributes, pushes nothing', () => {
    const r = tick(model(cfg), { haveNet: false, checks: { db1: checks({ mysql: false }) } });
    expect(r.stateChanges).toEqual([]);
    expect(owners(r.model)).toEqual(SEED_OWNERS);
    expect(r).toMatchObject({ desired: {}, push: [], killIfUnreached: [], persist: true });
  });

  it('changes states in PASSIVE mode but pushes, kills and persists nothing', () => {
    const r = tick(model(cfg, { mode: 'PASSIVE', owners: SEED_OWNERS }), { checks: { db3: checks({ ping: false }) } });
    expect(r.model.hosts['db3']!.state).toBe('HARD_OFFLINE');
    expect(r).toMatchObject({ desired: {}, push: [], killIfUnreached: [], persist: false });
    expect(owners(r.model)['198.18.0.102']).toBeUndefined();
  });

  it('keeps the checks of hosts the snapshot leaves out and folds in agent answers', () => {
    const m = model(cfg, { owners: SEED_OWNERS, hosts: { db4: { checks: { rep_backlog: false } } } });
    const r = tick(m, { agents: { db2: { answered: true, uptime: 4242 } } });
    expect(r.model.hosts['db4']!.checks.rep_backlog.state).toBe('failed');
    expect(r.model.hosts['db2']!.lastOnlineUptime).toBe(4242);
  });

  it('switches WAIT to ACTIVE when both masters are ONLINE', () => {
    expect(tick(model(cfg, { mode: 'WAIT' })).modeChange).toEqual({ from: 'WAIT', to: 'ACTIVE' });
  });

  it('pushes nothing and says why when an invariant is broken', () => {
    const dup = seedConfig({ roles: [...cfg.roles, role('extra', 'balanced', ['db3'], ['198.18.0.101'])] });
    const m = model(dup, { owners: { ...SEED_OWNERS, '198.18.0.101': 'db3' } });
    const twice = {
      ...m,
      roles: m.roles.map((s) => (s.role === 'reader' && s.ip === '198.18.0.101' ? { ...s, owner: 'db2' } : s)),
    };
    const r = decide({ config: dup, model: twice, checks: {}, agents: {}, haveNet: true }, T0);
    expect(r.violations).toEqual(["VIP 198.18.0.101 is assigned to both 'db2' and 'db3'"]);
    expect(r.desired).toEqual({});
    expect(r.events).toContainEqual({
      level: 'fatal',
      message: "Invariant violated, nothing is pushed to agents: VIP 198.18.0.101 is assigned to both 'db2' and 'db3'",
    });
  });

  it('passes the failback switch to distribution', () => {
    const prefer = seedConfig({
      roles: [
        role('writer', 'exclusive', ['db1', 'db2'], [WRITER_IP], 'db2'),
        role('reader', 'balanced', ['db1', 'db2', 'db3', 'db4'], READER_IPS),
      ],
    });
    const m = model(prefer, { owners: SEED_OWNERS });
    const snap = { config: prefer, model: m, checks: {}, agents: {}, haveNet: true };
    expect(owners(decide(snap, T0).model)[WRITER_IP]).toBe('db2');
    expect(owners(decide({ ...snap, options: { failback: false } }, T0).model)[WRITER_IP]).toBe('db1');
  });
});

describe('pushOrder', () => {
  const topo = buildTopology(cfg);
  it('orders fence, old writer, slaves, rest, each host once', () => {
    expect(pushOrder(topo, ['db3'], { from: 'db1', to: 'db2' })).toEqual([
      { hosts: ['db3'], clearBadRoles: false },
      { hosts: ['db1'], clearBadRoles: false },
      { hosts: ['db4'], clearBadRoles: false },
      { hosts: ['db2'], clearBadRoles: false },
    ]);
  });

  it('does not repoint slaves when the writer is gone with no successor', () => {
    expect(pushOrder(topo, [], { from: 'db1', to: undefined })).toEqual([
      { hosts: ['db1'], clearBadRoles: false },
      { hosts: ['db2', 'db3', 'db4'], clearBadRoles: false },
    ]);
  });
});
