import { describe, expect, it } from 'vitest';
import { desiredStates, hostModel, initialModel, lastCheckChange } from '../../../../monitor/core/model.js';
import { buildTopology } from '../../../../monitor/core/topology.js';
import { T0, checks, model, seedConfig } from './fixtures.js';

describe('model', () => {
  it('starts every host UNKNOWN with unknown checks, every role orphaned, the configured mode', () => {
    const m = initialModel(buildTopology(seedConfig()), T0);
    expect(m.mode).toBe('ACTIVE');
    expect(m.passiveCause).toBe('');
    expect(m.hosts['db1']).toMatchObject({ state: 'UNKNOWN', agentReachable: true, onlineSince: 0, uptime: 0 });
    expect(m.hosts['db1']!.checks.mysql).toEqual({ state: 'unknown', message: '', lastChange: T0 });
    expect(m.roles.every((r) => r.owner === undefined)).toBe(true);
    const passive = initialModel(buildTopology(seedConfig({ monitor: { mode: 'passive' } })), T0);
    expect(passive).toMatchObject({ mode: 'PASSIVE', passiveCause: 'Configured to start up in passive mode.' });
  });

  it('finds hosts and the latest check change', () => {
    const m = model(seedConfig(), {
      hosts: {
        db2: { checks: { ...checks(), rep_threads: { state: 'ok' as const, message: 'OK', lastChange: T0 + 5 } } },
      },
    });
    expect(lastCheckChange(hostModel(m, 'db2'))).toBe(T0 + 5);
    expect(() => hostModel(m, 'db9')).toThrow("no model for host 'db9'");
  });

  it("tells agents '' as active master when there is none", () => {
    const cfg = seedConfig();
    expect(desiredStates(model(cfg), buildTopology(cfg))['db3']).toEqual({
      state: 'ONLINE',
      roles: [],
      activeMaster: '',
    });
  });
});
