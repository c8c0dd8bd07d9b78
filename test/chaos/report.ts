// The chaos report: one row per scenario (runs, outcome, outage, lost writes, invariant violations), the
// soak summary, and every run with its seed, so any failure can be replayed (`npm run chaos -- --scenario X
// --seed N --runs 1` reproduces run 1 of X under base seed N; the per-run seed is listed too).
import type { RunResult, Scenario } from './runner.js';

export interface ChaosReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly baseSeed: number;
  readonly mode: 'quick' | 'full' | 'soak';
  readonly runsPerScenario: number;
  readonly soakMinutes?: number;
  readonly commit: string;
  readonly scenarios: readonly { readonly name: string; readonly title: string; readonly failover: boolean }[];
  readonly results: readonly RunResult[];
}

const median = (xs: readonly number[]): number | undefined => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? undefined : s[Math.floor((s.length - 1) / 2)];
};

const ms = (v: number | undefined): string =>
  v === undefined ? '–' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v} ms`;

export interface ScenarioRow {
  readonly name: string;
  readonly title: string;
  readonly failover: boolean;
  readonly runs: number;
  readonly passed: number;
  readonly outcome: string;
  readonly outageMedianMs: number | undefined;
  readonly outageMaxMs: number | undefined;
  readonly lostWrites: number;
  readonly violations: number;
  readonly readerOverlapSamples: number;
}

export function summarize(report: ChaosReport): ScenarioRow[] {
  return report.scenarios.flatMap((s) => {
    const rs = report.results.filter((r) => r.scenario === s.name);
    if (rs.length === 0) return [];
    const outages = rs.flatMap((r) => (r.outageMs === null ? [] : [r.outageMs]));
    const passed = rs.filter((r) => r.outcome === 'pass').length;
    const errors = rs.filter((r) => r.outcome === 'error').length;
    return [
      {
        name: s.name,
        title: s.title,
        failover: s.failover,
        runs: rs.length,
        passed,
        outcome:
          passed === rs.length
            ? 'pass'
            : `FAIL (${passed}/${rs.length} passed${errors > 0 ? `, ${errors} harness errors` : ''})`,
        outageMedianMs: median(outages),
        outageMaxMs: outages.length === 0 ? undefined : Math.max(...outages),
        lostWrites: rs.reduce((n, r) => n + r.lostWrites, 0),
        violations: rs.reduce((n, r) => n + r.violations, 0),
        readerOverlapSamples: rs.reduce((n, r) => n + r.readerOverlapSamples, 0),
      },
    ];
  });
}

export function renderMarkdown(report: ChaosReport): string {
  const rows = summarize(report);
  const lines = [
    `# Chaos run ${report.startedAt}`,
    '',
    `Mode ${report.mode}${report.soakMinutes === undefined ? '' : ` (${report.soakMinutes} min)`}, base seed ` +
      `\`${report.baseSeed}\`, commit \`${report.commit}\`, finished ${report.finishedAt}.`,
    'Lab: 4 MariaDB 10.11 hosts (db1/db2 masters, db3/db4 replicas), semi-sync, agents and mmm_mond running; ' +
      'writes every 10 ms through the writer VIP; invariants sampled every 50 ms from outside.',
    'Outage: the longest pause of acknowledged writes from the last ack before the fault to the end of the run ' +
      '(median / max over the runs). Lost writes: acknowledged ids missing on the writer or an ONLINE replica ' +
      'after settling. Violations: samples with two writable hosts or the writer VIP on two hosts. Reader VIP ' +
      'overlap: samples with a reader VIP on two hosts (3 in a row fail the run; one alone is below the ' +
      "sampler's resolution).",
    '',
    '| scenario | runs | outcome | outage (median / max) | lost writes | violations | reader VIP overlap |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name}${r.failover ? ' (failover)' : ''} | ${r.runs} | ${r.outcome} | ${ms(r.outageMedianMs)} / ${ms(r.outageMaxMs)} | ${r.lostWrites} | ${r.violations} | ${r.readerOverlapSamples} |`,
    ),
    '',
  ];
  if (report.mode === 'soak') {
    const outages = report.results.flatMap((r) => (r.outageMs === null ? [] : [r.outageMs])).sort((a, b) => a - b);
    const pct = (p: number): number | undefined =>
      outages[Math.min(outages.length - 1, Math.floor(outages.length * p))];
    const failovers = report.results.filter((r) => r.finalWriter !== null && r.finalWriter !== 'db1').length;
    lines.push(
      '## Soak',
      '',
      `Faults injected: ${report.results.length}; runs that ended with another writer (failovers): ${failovers}; ` +
        `invariant violations: ${report.results.reduce((n, r) => n + r.violations, 0)}; lost writes: ` +
        `${report.results.reduce((n, r) => n + r.lostWrites, 0)}.`,
      `Outage distribution: p50 ${ms(pct(0.5))}, p90 ${ms(pct(0.9))}, max ${ms(outages[outages.length - 1])}.`,
      '',
    );
  }
  lines.push(
    '## Limit',
    '',
    '`kill-agent-isolate`: from the monitor, a writer whose agent died and whose host is cut off looks exactly like a ' +
      'lost host. After the lease the monitor promotes another master, while the isolated old writer (its agent ' +
      'dead, so nothing fences it) stays writable but unreachable for clients. Only `kill_host_bin` (STONITH) closes ' +
      'this double fault: with it configured, promotion waits for its confirmation (`kill-agent-isolate-stonith`).',
    '',
    '## Runs',
    '',
    '| scenario | run | seed | outcome | outage | lost | violations | acked | final writer | s | failures / notes |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...report.results.map(
      (r) =>
        `| ${r.scenario} | ${r.run} | ${r.seed} | ${r.outcome} | ${ms(r.outageMs ?? undefined)} | ${r.lostWrites} | ${r.violations} | ${r.acked} | ${r.finalWriter ?? '–'} | ${(r.durationMs / 1000).toFixed(0)} | ${[...r.failures, ...r.notes].join('; ').replace(/\|/g, '\\|') || '–'} |`,
    ),
    '',
  );
  return lines.join('\n');
}

export function scenarioList(ss: readonly Scenario[]): ChaosReport['scenarios'] {
  return ss.map((s) => ({ name: s.name, title: s.title, failover: s.failover }));
}
