// Detection times of the checks with corroboration on a real lab (not a test: a measurement script).
//   npx tsx test/integration/monitor/checks-detect-bench.ts [--id 43] [--runs 5] [--kinds crash,hang,cut]
// For each run: a fresh CheckScheduler with MMM's default checks (5/10/2) and DEFAULT_LIVENESS, 3–4 s of
// history, then the fault on db1 (kill -9, SIGSTOP, veth down); the time from the fault to db1's first stored
// `failed` is printed, then median/min/max per kind. Kind `drop` (only monitor↔db1 traffic dropped) prints the
// time to the `reachable-by-replicas` verdict instead, and fails loudly if db1 is reported failed within
// trap_period + 2 × check_period. The lab is torn down at the end.
import { parseArgs } from 'node:util';
import { createLogger } from '../../../common/log/index.js';
import { CheckScheduler, DEFAULT_LIVENESS } from '../../../monitor/checks/index.js';
import { bridgeIp, Lab } from '../../lab/index.js';
import { checksConfigOf, MMM_DEFAULT_CHECKS, sleep } from './checks-lab.js';

const { values } = parseArgs({
  options: {
    id: { type: 'string', default: '43' },
    runs: { type: 'string', default: '5' },
    kinds: { type: 'string', default: 'crash,hang,cut' },
  },
});
const kinds = values.kinds.split(',');
const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const faults: Record<string, { inject: (l: Lab) => Promise<unknown>; undo: (l: Lab) => Promise<unknown> }> = {
  crash: { inject: (l) => l.kill('db1'), undo: (l) => l.restartDb('db1') },
  hang: { inject: (l) => l.stop('db1'), undo: (l) => l.cont('db1') },
  cut: { inject: (l) => l.isolate('db1'), undo: (l) => l.heal('db1') },
  drop: {
    inject: (l) => l.drop('db1', { peer: bridgeIp(l.id) }),
    undo: (l) => l.undrop('db1', { peer: bridgeIp(l.id) }),
  },
};

async function once(lab: Lab, kind: string): Promise<number> {
  const fault = faults[kind];
  if (fault === undefined) throw new Error(`unknown kind '${kind}' (crash, hang, cut, drop)`);
  const checks = new CheckScheduler({
    config: checksConfigOf(lab, MMM_DEFAULT_CHECKS),
    logger: createLogger({ name: 'detect-bench', level: 'silent' }),
    liveness: DEFAULT_LIVENESS,
  });
  await checks.start();
  await sleep(3000 + Math.random() * 1000);
  let failedAt: number | undefined;
  checks.onChange((h, _c, st) => {
    if (h === 'db1' && st.result === 'failed') failedAt ??= performance.now();
  });
  const t0 = performance.now();
  try {
    await fault.inject(lab);
    if (kind === 'drop') return await dropped(checks, t0, () => failedAt);
    while (failedAt === undefined && performance.now() - t0 < 20_000) await sleep(5);
    const live = checks.getObservation('db1').liveness?.value;
    out(
      `${kind}: ${failedAt === undefined ? 'not detected' : `${(failedAt - t0).toFixed(0)} ms`} (${live?.verdict}: ${live?.reason.slice(0, 160)})`,
    );
    return failedAt === undefined ? Number.NaN : failedAt - t0;
  } finally {
    await checks.stop();
    await fault.undo(lab);
    await lab.waitHealthy({ timeoutMs: 20_000 });
    await lab.sql('db1', 'SET GLOBAL read_only = 0');
  }
}

async function dropped(checks: CheckScheduler, t0: number, failedAt: () => number | undefined): Promise<number> {
  const verdict = (): string | undefined => checks.getObservation('db1').liveness?.value.verdict;
  while (verdict() !== 'reachable-by-replicas' && performance.now() - t0 < 20_000) await sleep(5);
  const ms = performance.now() - t0;
  const { period, trap } = MMM_DEFAULT_CHECKS;
  await sleep((trap + 2 * period) * 1000 - ms);
  const failed = failedAt();
  if (failed !== undefined) throw new Error(`drop: db1 reported failed after ${(failed - t0).toFixed(0)} ms`);
  out(`drop: reachable-by-replicas after ${ms.toFixed(0)} ms; mysql: ${checks.getStatus('db1', 'mysql').message}`);
  return ms;
}

const lab = await Lab.up({ id: Number(values.id), hosts: 4 });
const results = new Map<string, number[]>();
try {
  for (let run = 0; run < Number(values.runs); run++) {
    for (const kind of kinds) results.set(kind, [...(results.get(kind) ?? []), await once(lab, kind)]);
  }
} finally {
  await lab.down();
}
for (const [kind, ms] of results) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (i: number): string => (s[i] ?? Number.NaN).toFixed(0);
  out(
    `${kind}: median ${at(Math.floor(s.length / 2))} ms, min ${at(0)}, max ${at(s.length - 1)} (${ms.map((x) => x.toFixed(0)).join(' ')})`,
  );
}
