// npm run chaos -- [--quick] [--seed N] [--runs N] [--scenario a,b] [--basic] [--soak MINUTES] [--id K] [--out DIR]
//
// Runs the chaos scenarios (scenarios.ts) on a lab cluster (default lab id 122) and writes
// test/bench/results/chaos-<date>.md and .json. --quick: one run per scenario, shorter faults. --basic: only
// the scenarios that need no failover orchestration. --soak MINUTES: a bounded randomized mix of scenarios
// until the time is up. The base seed (random unless --seed) is printed first and recorded in the report.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './cluster.js';
import { renderMarkdown, scenarioList, summarize, type ChaosReport } from './report.js';
import { Rng, runSeed } from './rng.js';
import { ClusterPool, runAll, runScenario, type RunResult, type Scenario } from './runner.js';
import { SCENARIOS, scenario } from './scenarios.js';

const USAGE =
  'usage: npm run chaos -- [--quick] [--seed N] [--runs N] [--scenario a,b] [--basic] [--soak MINUTES] [--id K] [--out DIR]';

function fail(message: string): never {
  process.stderr.write(`chaos: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function intOption(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    fail(`--${name}: expected an integer from ${min} to ${max}, got '${v}'`);
  return n;
}

let parsed;
try {
  parsed = parseArgs({
    args: process.argv.slice(2),
    options: {
      quick: { type: 'boolean' },
      basic: { type: 'boolean' },
      seed: { type: 'string' },
      runs: { type: 'string' },
      scenario: { type: 'string' },
      soak: { type: 'string' },
      id: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
const v = parsed.values;
if (v.help === true) {
  process.stdout.write(
    `${USAGE}\nscenarios:\n${SCENARIOS.map((s) => `  ${s.name.padEnd(28)} ${s.title}${s.failover ? ' (failover)' : ''}`).join('\n')}\n`,
  );
  process.exit(0);
}
const quick = v.quick === true;
const baseSeed = intOption('seed', v.seed, 0, 2 ** 32 - 1) ?? Math.floor(Math.random() * 2 ** 32);
const runs = intOption('runs', v.runs, 1, 100) ?? (quick ? 1 : 3);
const id = intOption('id', v.id, 120, 139) ?? 122;
const soak = intOption('soak', v.soak, 1, 24 * 60);
const outDir = v.out ?? join(ROOT, 'test/bench/results');
let chosen: Scenario[];
try {
  chosen = v.scenario === undefined ? [...SCENARIOS] : v.scenario.split(',').map((n) => scenario(n.trim()));
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
if (v.basic === true) chosen = chosen.filter((s) => !s.failover);

const log = (line: string): void => {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
};
const startedAt = new Date().toISOString();
log(
  `chaos: base seed ${baseSeed}, lab ${id}, ${soak === undefined ? `${runs} run(s) of ${chosen.length} scenario(s)` : `soak ${soak} min`}`,
);

let results: RunResult[];
if (soak === undefined) {
  results = await runAll(chosen, { id, quick, log, runs, baseSeed });
} else {
  // soak: scenarios drawn at random (from the base seed) until the time is up; each run has its own seed
  const pool = new ClusterPool({ id, quick, log });
  const pick = new Rng(baseSeed);
  const end = Date.now() + soak * 60_000;
  results = [];
  try {
    for (let run = 1; Date.now() < end; run++) {
      const s = pick.pick(chosen);
      const r = await runScenario(pool, s, run, runSeed(baseSeed, s.name, run), { id, quick, log });
      log(
        `[soak #${run} ${s.name}] ${r.outcome}: outage ${r.outageMs ?? '-'} ms, lost ${r.lostWrites}, violations ${r.violations}`,
      );
      results.push(r);
    }
  } finally {
    await pool.drop();
  }
}

const commit = (() => {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    // '-dirty': uncommitted changes took part in the run
    return (
      git('rev-parse', '--short', 'HEAD') +
      (git('status', '--porcelain', '--untracked-files=no').length > 0 ? '-dirty' : '')
    );
  } catch {
    return 'unknown';
  }
})();
const report: ChaosReport = {
  startedAt,
  finishedAt: new Date().toISOString(),
  baseSeed,
  mode: soak !== undefined ? 'soak' : quick ? 'quick' : 'full',
  runsPerScenario: runs,
  ...(soak === undefined ? {} : { soakMinutes: soak }),
  commit,
  scenarios: scenarioList(chosen),
  results,
};
mkdirSync(outDir, { recursive: true });
const stamp = startedAt.replace(/[:]/g, '').replace(/\..*$/, '');
const base = join(outDir, `chaos-${stamp}`);
writeFileSync(`${base}.md`, renderMarkdown(report));
writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
for (const r of summarize(report)) {
  log(
    `${r.name.padEnd(28)} ${r.outcome.padEnd(24)} outage ${r.outageMaxMs ?? '-'} ms, lost ${r.lostWrites}, violations ${r.violations}`,
  );
}
log(`report: ${base}.md`);
// exit explicitly: a connection to a host a scenario froze or cut off may keep the event loop alive after the
// lab is gone (every process of the run was stopped by PID and the lab taken down above)
process.exit(results.every((r) => r.outcome === 'pass') ? 0 : 1);
