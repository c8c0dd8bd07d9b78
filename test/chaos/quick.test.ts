// The CI subset of the chaos suite (lab 121): the quick mode of two scenarios that need no failover, on one
// cluster under write load with the invariants sampled every 50 ms — the writer's agent killed (no failover,
// `show` warns) and the monitor killed and restarted (no role moves, newer epoch). Full runs: npm run chaos.
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterPool, runScenario } from './runner.js';
import { runSeed } from './rng.js';
import { scenario } from './scenarios.js';

const ID = 121;
const SEED = Number(process.env['MMM_CHAOS_SEED'] ?? 20261122);
const lines: string[] = [];
const options = { id: ID, quick: true, log: (l: string) => lines.push(l) };
const pool = new ClusterPool(options);

afterAll(async () => {
  await pool.drop();
}, 60_000);

describe('chaos quick subset', () => {
  it.each(['kill-writer-agent', 'monitor-restart'])(
    '%s: pass, no lost write, no invariant violation',
    async (name) => {
      const r = await runScenario(pool, scenario(name), 1, runSeed(SEED, name, 1), options);
      expect(r, lines.join('\n')).toMatchObject({ outcome: 'pass', lostWrites: 0, violations: 0, finalWriter: 'db1' });
      expect(r.acked).toBeGreaterThan(100);
    },
    120_000,
  );
});
