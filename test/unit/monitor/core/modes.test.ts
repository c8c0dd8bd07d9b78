import { describe, expect, it } from 'vitest';
import { Draft } from '../../../../monitor/core/draft.js';
import { checkWaitMode, cleanupOrder } from '../../../../monitor/core/modes.js';
import { buildTopology } from '../../../../monitor/core/topology.js';
import { SEED_HOSTS, SEED_OWNERS, T0, WRITER_IP, model, owners, role, seedConfig, type ModelSpec } from './fixtures.js';

type Cfg = ReturnType<typeof seedConfig>;

function wait(spec: ModelSpec, cfg: Cfg = seedConfig()) {
  const d = new Draft(buildTopology(cfg), model(cfg, { mode: 'WAIT', ...spec }), T0);
  const fenced = checkWaitMode(d);
  return { d, fenced, model: d.toModel(), log: d.events.map((e) => `${e.level}: ${e.message}`) };
}

describe('WAIT mode (spec §5)', () => {
  it('switches to ACTIVE when both masters are ONLINE', () => {
    const { model: m, log, d } = wait({});
    expect(m.mode).toBe('ACTIVE');
    expect(log).toEqual(["info: Nodes db1 and db2 are ONLINE, switching from mode 'WAIT' to 'ACTIVE'."]);
    expect(d.modeChange()).toEqual({ from: 'WAIT', to: 'ACTIVE' });
  });

  it('waits while only one master is ONLINE for less than wait_for_other_master', () => {
    const { model: m, fenced } = wait({
      hosts: { db2: { state: 'HARD_OFFLINE' }, db1: { onlineSince: T0 - 119_999 } },
    });
    expect(m.mode).toBe('WAIT');
    expect(fenced).toEqual([]);
  });

  it('switches after wait_for_other_master and strips roles from failed hosts', () => {
    const {
      model: m,
      log,
      fenced,
    } = wait({
      owners: SEED_OWNERS,
      hosts: { db1: { state: 'HARD_OFFLINE' }, db2: { onlineSince: T0 - 120_000 } },
    });
    expect(m.mode).toBe('ACTIVE');
    expect(log).toContain(
      "warn: Master db1 did not come online for 120(wait_for_other_master) seconds. Switching from mode 'WAIT' to 'ACTIVE'",
    );
    expect(fenced).toEqual(['db1']);
    expect(owners(m)[WRITER_IP]).toBeUndefined();
  });

  it('names the second master as the dead one when the first is the living one', () => {
    const { log } = wait({ hosts: { db2: { state: 'AWAITING_RECOVERY' } } });
    expect(log).toContain(
      "warn: Master db2 did not come online for 120(wait_for_other_master) seconds. Switching from mode 'WAIT' to 'ACTIVE'",
    );
  });

  it('waits for ever with wait_for_other_master 0, and while no master is ONLINE', () => {
    expect(
      wait({ hosts: { db2: { state: 'HARD_OFFLINE' } } }, seedConfig({ monitor: { waitForOtherMaster: 0 } })).model
        .mode,
    ).toBe('WAIT');
    expect(wait({ state: 'AWAITING_RECOVERY' }).model.mode).toBe('WAIT');
  });

  it('copes with a single configured master', () => {
    const cfg = seedConfig({ roles: [role('writer', 'exclusive', ['db1'], [WRITER_IP])] });
    const { log } = wait({}, cfg);
    expect(log).toContain(
      "warn: Master  did not come online for 120(wait_for_other_master) seconds. Switching from mode 'WAIT' to 'ACTIVE'",
    );
    const none = seedConfig({ roles: [], activeMasterRole: 'writer' });
    expect(wait({}, none).model.mode).toBe('WAIT');
  });

  it('does nothing outside WAIT', () => {
    const cfg = seedConfig();
    const d = new Draft(buildTopology(cfg), model(cfg, { mode: 'MANUAL' }), T0);
    expect(checkWaitMode(d)).toEqual([]);
    expect(d.mode).toBe('MANUAL');
  });
});

describe('cleanup and send status order', () => {
  const cfg = seedConfig();
  const topo = buildTopology(cfg);
  it('passive master, then the slaves, then the active master; each with CLEAR_BAD_ROLES', () => {
    expect(cleanupOrder(model(cfg, { owners: { [WRITER_IP]: 'db2' } }), topo)).toEqual([
      { hosts: ['db1'], clearBadRoles: true },
      { hosts: ['db3', 'db4'], clearBadRoles: true },
      { hosts: ['db2'], clearBadRoles: true },
    ]);
  });

  it('cleans up both masters first when there is no active master (MMM skipped them)', () => {
    expect(cleanupOrder(model(cfg), topo)).toEqual([
      { hosts: ['db1', 'db2'], clearBadRoles: true },
      { hosts: ['db3', 'db4'], clearBadRoles: true },
    ]);
  });

  it('has no passive-master step with a single master and no slave step without slaves', () => {
    const one = seedConfig({
      hosts: SEED_HOSTS.slice(0, 2),
      roles: [role('writer', 'exclusive', ['db1'], [WRITER_IP])],
    });
    expect(cleanupOrder(model(one, { owners: { [WRITER_IP]: 'db1' } }), buildTopology(one))).toEqual([
      { hosts: ['db2'], clearBadRoles: true },
      { hosts: ['db1'], clearBadRoles: true },
    ]);
  });
});
