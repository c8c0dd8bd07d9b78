// One CI subset of the chaos suite as a vitest block: the named scenarios in quick mode, one run each, on one
// lab cluster pool under write load with the invariants sampled every 50 ms (runner.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterPool, runScenario, type RunResult } from './runner.js';
import { runSeed } from './rng.js';
import { scenario } from './scenarios.js';

export function chaosSubset(
  title: string,
  id: number,
  names: readonly string[],
  extra: (r: RunResult) => void = () => undefined,
): void {
  const seed = Number(process.env['MMM_CHAOS_SEED'] ?? 20261207);
  const lines: string[] = [];
  const options = { id, quick: true, log: (l: string) => lines.push(l) };
  const pool = new ClusterPool(options);

  afterAll(async () => {
    await pool.drop();
  }, 60_000);

  describe(title, () => {
    it.each(names)(
      '%s: pass, no lost write, no invariant violation',
      async (name) => {
        lines.length = 0;
        const r = await runScenario(pool, scenario(name), 1, runSeed(seed, name, 1), options);
        expect(r, [...lines, ...r.notes.map((n) => `note: ${n}`)].join('\n')).toMatchObject({
          outcome: 'pass',
          lostWrites: 0,
          violations: 0,
        });
        expect(r.acked).toBeGreaterThan(100);
        extra(r);
      },
      180_000,
    );
  });
}
