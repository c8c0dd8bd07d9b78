import { describe, expect, it } from 'vitest';
import { applyAgentObservations } from '../../../../monitor/core/agents.js';
import { Draft } from '../../../../monitor/core/draft.js';
import { buildTopology } from '../../../../monitor/core/topology.js';
import { T0, model, seedConfig, type ModelSpec } from './fixtures.js';

const cfg = seedConfig();
const replication = {
  masterHost: 'db1',
  ioRunning: true,
  sqlRunning: true,
  secondsBehind: 0,
  gtid: '0-1-5',
  observedAt: T0,
};

function apply(spec: ModelSpec, obs: Parameters<typeof applyAgentObservations>[1]) {
  const d = new Draft(buildTopology(cfg), model(cfg, spec), T0);
  applyAgentObservations(d, obs);
  return { m: d.toModel(), log: d.events.map((e) => `${e.level}: ${e.message}`) };
}

describe('agent answers', () => {
  it('records the OS uptime, and last_uptime only while ONLINE', () => {
    const { m } = apply(
      { hosts: { db2: { state: 'HARD_OFFLINE', lastOnlineUptime: 500 } } },
      {
        db1: { answered: true, uptime: 1000, replication },
        db2: { answered: true, uptime: 900 },
        db3: { answered: true },
      },
    );
    expect(m.hosts['db1']).toMatchObject({ uptime: 1000, lastOnlineUptime: 1000, replication });
    expect(m.hosts['db2']).toMatchObject({ uptime: 900, lastOnlineUptime: 500 });
    expect(m.hosts['db3']).toMatchObject({ uptime: 0, lastOnlineUptime: 0 });
  });

  it('flags an agent down when a push fails while ping is OK, and up again on the next answer (FATAL)', () => {
    const down = apply({}, { db1: { answered: false } });
    expect(down.m.hosts['db1']!.agentReachable).toBe(false);
    expect(down.log).toEqual(["fatal: Can't reach agent on host 'db1'"]);
    const up = apply({ hosts: { db1: { agentReachable: false } } }, { db1: { answered: true } });
    expect(up.m.hosts['db1']!.agentReachable).toBe(true);
    expect(up.log).toEqual(["fatal: Agent on host 'db1' is reachable again"]);
  });

  it('does not flag when ping is failed, when already flagged, or when the push was skipped', () => {
    expect(apply({ hosts: { db1: { checks: { ping: false } } } }, { db1: { answered: false } }).log).toEqual([]);
    expect(apply({ hosts: { db1: { agentReachable: false } } }, { db1: { answered: false } }).log).toEqual([]);
    const skipped = apply({}, { db1: { answered: undefined } });
    expect(skipped.log).toEqual([]);
    expect(skipped.m.hosts['db1']!.agentReachable).toBe(true);
  });
});
