// `npm run bench -- <suite>[,<suite>...] [--quick] [--runs N]`: benchmark suites on lab clusters (issue #9).
// Each suite prints a progress line per step and writes results/<suite>-<date>.md and .json. Needs root
// (labs are network namespaces) and the daemons built in dist/ (`npm run bench` builds them first).
//
//   suites: failover, keepalived, switchover, scale, agent, all
//   --quick          1 run, small sizes (the CI smoke test uses it; figures are not representative)
//   --runs N         runs per case (default 5; quick 1)
//   --checks P       default (the configuration's defaults) or tuned (check_period 1, trap_period 1, timeout 1)
//   --faults a,b     failover/keepalived: some of kill9, sigstop, isolate, hostloss
//   --sizes 4,25     scale: host counts (default 4, 25, 50, 100; quick 4, 25)
//   --lab-id K       first lab id (default 101; suites use K, K+1, ...; the bench range is 100–119)
//   --out DIR        where the reports go (default test/bench/results)
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAverage, machineFacts, progress, writeReport } from './lib/report.js';
import { agentSuite } from './suites/agent.js';
import type { SuiteContext, SuiteResult } from './suites/context.js';
import { failoverSuite, keepalivedSuite } from './suites/failover.js';
import { scaleSuite } from './suites/scale.js';
import { switchoverSuite } from './suites/switchover.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SUITES: Readonly<Record<string, (ctx: SuiteContext) => Promise<SuiteResult>>> = {
  failover: failoverSuite,
  keepalived: keepalivedSuite,
  switchover: switchoverSuite,
  scale: scaleSuite,
  agent: agentSuite,
};
const ORDER = Object.keys(SUITES);

function usage(msg: string): never {
  console.error(`bench: ${msg}`);
  console.error(
    `usage: npm run bench -- <${[...ORDER, 'all'].join('|')}>[,...] [--quick] [--runs N] [--checks default|tuned]`,
  );
  console.error('       [--faults kill9,sigstop,isolate,hostloss] [--sizes 4,25,50,100] [--lab-id K] [--out DIR]');
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    checks: { type: 'string', default: 'default' },
    faults: { type: 'string' },
    sizes: { type: 'string' },
    'lab-id': { type: 'string', default: '101' },
    out: { type: 'string', default: join(ROOT, 'test/bench/results') },
  },
});

if (positionals.length !== 1) usage('name one suite (or a comma list, or all)');
const names = (positionals[0] ?? '').split(',').flatMap((s) => (s === 'all' ? ORDER : [s]));
for (const n of names) if (SUITES[n] === undefined) usage(`unknown suite '${n}'`);
const runs = values.runs === undefined ? undefined : Number(values.runs);
if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1 && runs <= 100)) usage('--runs: expected 1..100');
if (values.checks !== 'default' && values.checks !== 'tuned') usage('--checks: expected default or tuned');
const baseId = Number(values['lab-id']);
if (!(Number.isInteger(baseId) && baseId >= 100 && baseId + names.length - 1 <= 119)) {
  usage('--lab-id: the bench uses lab ids 100–119 (one per suite from K on)');
}
const sizes = values.sizes?.split(',').map(Number);
if (sizes?.some((s) => !(Number.isInteger(s) && s >= 4 && s <= 200)) === true) usage('--sizes: host counts 4..200');
if (process.getuid?.() !== 0) usage('needs root (labs are network namespaces)');
for (const d of ['agent', 'monitor', 'control']) {
  if (!existsSync(join(ROOT, `dist/${d}/main.js`))) usage(`dist/${d}/main.js is missing: run npm run build first`);
}

const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`;
let failed = false;
for (const [i, name] of names.entries()) {
  const say = progress(name);
  const startedAt = new Date();
  const ctx: SuiteContext = {
    quick: values.quick,
    ...(runs === undefined ? {} : { runs }),
    labId: baseId + i,
    checks: values.checks,
    ...(values.faults === undefined ? {} : { faults: values.faults.split(',') }),
    ...(sizes === undefined ? {} : { sizes }),
    progress: say,
  };
  const suite = SUITES[name];
  if (suite === undefined) continue;
  try {
    const facts = await machineFacts(ROOT, name === 'keepalived');
    say(`start (lab ${ctx.labId}; load average ${facts.loadAverageStart}; ${facts.cores} cores)`);
    const result = await suite(ctx);
    const files = await writeReport(values.out, {
      suite: name,
      title: result.title,
      startedAt,
      finishedAt: new Date(),
      quick: values.quick,
      command,
      machine: { ...facts, loadAverageEnd: await loadAverage() },
      settings: result.settings,
      sections: result.sections,
      raw: result.raw,
    });
    say(`report: ${files.md} and ${files.json}`);
  } catch (e) {
    failed = true;
    say(`FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}
process.exit(failed ? 1 : 0);
