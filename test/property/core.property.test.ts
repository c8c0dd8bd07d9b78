// Properties of the monitor core that must hold for every cluster, model and sequence of events:
// at most one writer, each VIP on at most one host, roles only on ONLINE hosts (ACTIVE mode), balanced
// within 1, distribution idempotent, commands total and safe, the status file lossless.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distributeRoles } from '../../monitor/core/distribution.js';
import { Draft } from '../../monitor/core/draft.js';
import {
  applySwitchover,
  buildTopology,
  checkInvariants,
  decide,
  parseStatus,
  runCommand,
  serializeStatus,
  type ClusterModel,
  type TickResult,
} from '../../monitor/core/index.js';
import { weightedCount } from '../../monitor/core/role-slots.js';
import type { Config } from '../../common/config/types.js';
import { T0 } from '../unit/monitor/core/fixtures.js';
import { checkFlipsArb, clusterArb, commandArb, configArb, modelArb } from './arbitraries.js';

const RUNS = { numRuns: 300 };

function tick(config: Config, m: ClusterModel, flips: TickResult['desired'] | object, now: number, failback = true) {
  return decide({ config, model: m, checks: flips as never, agents: {}, haveNet: true, options: { failback } }, now);
}

/** Distinct holders of the writer role. */
function writers(m: ClusterModel, config: Config): Set<string> {
  return new Set(
    m.roles.filter((r) => r.role === config.activeMasterRole && r.owner !== undefined).map((r) => r.owner!),
  );
}

describe('decide keeps the safety invariants', () => {
  it('at most one writer, each VIP once, roles only where allowed and on ONLINE hosts in ACTIVE mode', () => {
    fc.assert(
      fc.property(
        clusterArb(['ACTIVE', 'MANUAL', 'WAIT', 'PASSIVE']).chain((c) =>
          fc.tuple(fc.constant(c), checkFlipsArb(c.config)),
        ),
        ([{ config, model }, flips]) => {
          const r = tick(config, model, flips, T0);
          expect(r.violations).toEqual([]);
          expect(checkInvariants(r.model, buildTopology(config))).toEqual([]);
          expect(writers(r.model, config).size).toBeLessThanOrEqual(1);
        },
      ),
      RUNS,
    );
  });

  it('gives every role IP to an eligible host when one exists (ACTIVE mode)', () => {
    fc.assert(
      fc.property(clusterArb(), ({ config, model }) => {
        const r = tick(config, model, {}, T0);
        for (const slot of r.model.roles) {
          const role = config.roles.find((x) => x.name === slot.role)!;
          const eligible = role.hosts.some(
            (h) => r.model.hosts[h]!.state === 'ONLINE' && r.model.hosts[h]!.agentReachable,
          );
          if (eligible) expect(slot.owner).toBeDefined();
        }
      }),
      RUNS,
    );
  });

  it('balances reader IPs within 1 (weighted, writer 0.5) over eligible hosts', () => {
    fc.assert(
      fc.property(clusterArb(), ({ config, model }) => {
        const r = tick(config, model, {}, T0);
        const reader = config.roles.find((x) => x.name === 'reader')!;
        const eligible = reader.hosts.filter(
          (h) => r.model.hosts[h]!.state === 'ONLINE' && r.model.hosts[h]!.agentReachable,
        );
        const count = (h: string) => weightedCount(r.model.roles, h, config.activeMasterRole);
        const donors = eligible.filter((h) => r.model.roles.some((s) => s.role === 'reader' && s.owner === h));
        if (donors.length === 0) return;
        const max = Math.max(...donors.map(count));
        const min = Math.min(...eligible.map(count));
        expect(max - min).toBeLessThanOrEqual(1);
      }),
      RUNS,
    );
  });

  it('is a pure function: the same snapshot gives the same result', () => {
    fc.assert(
      fc.property(
        clusterArb(['ACTIVE', 'MANUAL', 'WAIT']).chain((c) => fc.tuple(fc.constant(c), checkFlipsArb(c.config))),
        ([{ config, model }, flips]) => {
          expect(tick(config, model, flips, T0)).toEqual(tick(config, model, flips, T0));
        },
      ),
      RUNS,
    );
  });
});

describe('distribution is idempotent', () => {
  it('a second distribution right after the first moves nothing', () => {
    fc.assert(
      fc.property(clusterArb(['ACTIVE', 'MANUAL', 'WAIT']), fc.boolean(), ({ config, model }, failback) => {
        const topo = buildTopology(config);
        const first = new Draft(topo, model, T0);
        distributeRoles(first, { failback });
        const second = new Draft(topo, first.toModel(), T0);
        distributeRoles(second, { failback });
        expect(second.roleMoves).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('commands', () => {
  it('always answer with exit code 0/1/2 and never break the invariants, across sequences with ticks', () => {
    const scenario = configArb.chain((config) =>
      fc.tuple(
        fc.constant(config),
        modelArb(config, ['ACTIVE', 'MANUAL', 'WAIT', 'PASSIVE']),
        fc.array(
          fc.oneof(
            commandArb(config).map((args) => ({ args })),
            checkFlipsArb(config).map((flips) => ({ flips })),
          ),
          {
            maxLength: 12,
          },
        ),
      ),
    );
    fc.assert(
      fc.property(scenario, ([config, start, steps]) => {
        const topo = buildTopology(config);
        let m = start;
        let now = T0;
        for (const step of steps) {
          now += 1000;
          if ('args' in step) {
            const out = runCommand(m, step.args, { config, now, agentReachable: () => true, utcOffset: () => 0 });
            expect([0, 1, 2]).toContain(out.response.exitCode);
            expect(out.response.ok).toBe(out.response.exitCode === 0);
            m = out.model;
            const sw = out.changes.switchover;
            if (sw !== undefined) {
              const c = applySwitchover(m, config, sw, now);
              if (c.ok) m = c.model;
            }
          } else {
            m = tick(config, m, step.flips, now).model;
          }
          expect(checkInvariants(m, topo)).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('status file', () => {
  it('reads back every state and role it wrote', () => {
    fc.assert(
      fc.property(clusterArb(['ACTIVE', 'MANUAL']), ({ config, model }) => {
        const parsed = parseStatus(serializeStatus(model, config), config);
        expect(parsed.warnings).toEqual([]);
        for (const h of config.hosts) {
          const stored = parsed.hosts.get(h.name)!;
          expect(stored.state).toBe(model.hosts[h.name]!.state);
          const mine = model.roles.filter((r) => r.owner === h.name).map((r) => `${r.role}(${r.ip})`);
          expect(stored.roles.map((r) => `${r.role}(${r.ip})`).sort()).toEqual(mine.sort());
        }
      }),
      RUNS,
    );
  });
});
