import { describe, expect, it } from 'vitest';
import { Draft } from '../../../../monitor/core/draft.js';
import { buildTopology } from '../../../../monitor/core/topology.js';
import type { HostState } from '../../../../monitor/core/types.js';
import { SEED_OWNERS, T0, model, seedConfig } from './fixtures.js';

const note = { rule: 'online_to_hard_offline', reason: 'test', log: 'x' } as const;

function draft(cfg = seedConfig(), now = T0) {
  return new Draft(buildTopology(cfg), model(cfg, { owners: SEED_OWNERS }), now);
}

/** Takes db3 ONLINE → `to` → ONLINE `times` times, `stepMs` apart, starting at T0. */
function bounce(cfg: ReturnType<typeof seedConfig>, times: number, stepMs: number, to: HostState = 'HARD_OFFLINE') {
  const topo = buildTopology(cfg);
  let m = model(cfg);
  const events: string[] = [];
  for (let i = 0; i < times; i++) {
    const d = new Draft(topo, m, T0 + i * stepMs);
    d.setState('db3', to, note);
    d.setState('db3', 'ONLINE', note);
    events.push(...d.events.map((e) => e.message));
    m = d.toModel();
  }
  return { host: m.hosts['db3']!, events };
}

describe('state setter side effects (spec §2.5)', () => {
  it('stamps last change and online_since only on a real change', () => {
    const d = draft(seedConfig(), T0 + 5);
    d.setState('db3', 'ONLINE', note);
    expect(d.host('db3').lastStateChange).toBe(T0 - 3_600_000);
    expect(d.stateChanges).toEqual([]);
    d.setState('db3', 'HARD_OFFLINE', note);
    d.setState('db3', 'ONLINE', note);
    expect(d.host('db3')).toMatchObject({ lastStateChange: T0 + 5, onlineSince: T0 + 5 });
    expect(d.stateChanges.map((c) => c.to)).toEqual(['HARD_OFFLINE', 'ONLINE']);
  });

  it('logs nothing for a change without MMM log text', () => {
    const d = draft();
    d.setState('db3', 'AWAITING_RECOVERY', { ...note, log: '' });
    expect(d.events).toEqual([]);
    expect(d.stateChanges).toHaveLength(1);
  });

  it('marks a host flapping on the 4th ONLINE→failure within flap_duration (defaults 3/3600)', () => {
    expect(bounce(seedConfig(), 3, 60_000).host.flap).toEqual({ flapping: false, windowStart: T0, count: 3 });
    const { host, events } = bounce(seedConfig(), 4, 60_000);
    expect(host.flap).toEqual({ flapping: true, windowStart: undefined, count: 4 });
    expect(events).toContain('Host db3 is flapping!');
  });

  it('opens a new window when the old one is older than flap_duration', () => {
    const { host } = bounce(seedConfig(), 4, 1_200_001);
    expect(host.flap.flapping).toBe(false);
    expect(host.flap.count).toBe(1);
  });

  it('does not count ONLINE→ADMIN_OFFLINE', () => {
    expect(bounce(seedConfig(), 5, 1000, 'ADMIN_OFFLINE').host.flap.count).toBe(0);
  });

  it('counts ONLINE→REPLICATION_* transitions', () => {
    expect(bounce(seedConfig(), 4, 1000, 'REPLICATION_DELAY').host.flap.flapping).toBe(true);
  });

  it('flap_count 0 disables detection', () => {
    expect(bounce(seedConfig({ monitor: { flapCount: 0 } }), 10, 1000).host.flap).toEqual({
      flapping: false,
      windowStart: undefined,
      count: 0,
    });
  });
});

describe('Draft bookkeeping', () => {
  it('reports a mode change only when the mode ends elsewhere', () => {
    const d = draft();
    d.setMode('ACTIVE');
    expect(d.modeChange()).toBeUndefined();
    d.setMode('MANUAL');
    d.setMode('PASSIVE');
    expect(d.modeChange()).toEqual({ from: 'ACTIVE', to: 'PASSIVE' });
    d.setMode('ACTIVE');
    expect(d.modeChange()).toBeUndefined();
  });

  it('clears roles with MMM log lines and records the moves', () => {
    const d = draft();
    d.clearRoles('db1', 'host_state');
    expect(d.events.map((e) => e.message)).toEqual([
      "Removing all roles from host 'db1':",
      "    Removed role 'writer(198.18.0.100)' from host 'db1'",
      "    Removed role 'reader(198.18.0.104)' from host 'db1'",
    ]);
    expect(d.roleMoves).toHaveLength(2);
    expect(d.hasRoles('db1')).toBe(false);
    expect(d.activeMaster()).toBeUndefined();
  });

  it('ignores an assignment to the current owner', () => {
    const d = draft();
    d.assign(d.slots[0]!, 'db1', 'admin');
    expect(d.roleMoves).toEqual([]);
  });

  it('answers for unknown names without throwing where MMM had no host', () => {
    const d = draft();
    expect(d.stateOf(undefined)).toBe('');
    expect(d.stateOf('nope')).toBe('');
    expect(d.eligible('nope')).toBe(false);
    expect(() => d.host('nope')).toThrow(/no model for host 'nope'/);
  });

  it('skips hosts missing from the model', () => {
    const cfg = seedConfig();
    const m = model(cfg);
    const hosts = Object.fromEntries(Object.entries(m.hosts).filter(([name]) => name !== 'db4'));
    const d = new Draft(buildTopology(cfg), { ...m, hosts }, T0);
    expect(d.hosts.has('db4')).toBe(false);
  });
});
