// Suite `scale`: what mmm_mond costs with 4, 25, 50, 100 (200) real mariadbd hosts, all four checks at
// check_period 1 s: CPU (% of one core, /proc/<pid>/stat over a window), RSS, tick duration and check latency
// (its /metrics), and the detection time of a killed host at each size. Agents run on db1..db4 (the hosts
// with roles); the other hosts are checked like every host but stay AWAITING_RECOVERY (no agent to set them
// online), which costs the monitor the same checks.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchCluster, until } from '../lib/cluster.js';
import {
  histogramDelta,
  histogramQuantile,
  histogramSum,
  histograms,
  parsePrometheus,
  percentile,
  summarize,
  type Bucket,
} from '../lib/stats.js';
import { TUNED, type SuiteContext, type SuiteResult } from './context.js';

const CLK_TCK = 100;
const CHECKS = ['ping', 'mysql', 'rep_threads', 'rep_backlog'] as const;

interface SizeResult {
  readonly hosts: number;
  readonly labUpMs: number;
  readonly monitorStartMs: number;
  readonly windowMs: number;
  readonly cpuPercent: number;
  readonly rssMiB: number;
  readonly tickMs: { p50?: number; p99?: number; max?: number; samples: number };
  readonly checkLatencyMs: Record<string, { p50?: number; p99?: number; runs: number }>;
  readonly detectionMs?: number;
  readonly error?: string;
}

async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
}

async function rssMiB(pid: number): Promise<number> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(s)?.[1] ?? NaN) / 1024;
}

function latencyByCheck(before: string, after: string): Record<string, Bucket[]> {
  const a = histograms(parsePrometheus(before), 'mmm_check_latency_seconds');
  const b = histograms(parsePrometheus(after), 'mmm_check_latency_seconds');
  const out: Record<string, Bucket[]> = {};
  for (const check of CHECKS) {
    const deltas: Bucket[][] = [];
    for (const [key, buckets] of b) {
      if (!key.split(',').includes(`check=${check}`)) continue;
      deltas.push(histogramDelta(a.get(key) ?? [], buckets));
    }
    out[check] = histogramSum(deltas);
  }
  return out;
}

function tickSeconds(metrics: string): number | undefined {
  return parsePrometheus(metrics).find((s) => s.name === 'mmm_tick_duration_seconds')?.value;
}

async function measure(ctx: SuiteContext, hosts: number): Promise<SizeResult> {
  const windowMs = ctx.quick ? 6_000 : 20_000;
  const cluster = await BenchCluster.start({
    id: ctx.labId,
    hosts,
    agentsOn: ['db1', 'db2', 'db3', 'db4'],
    checks: TUNED,
    apiTimeoutMs: 60_000 + 2_000 * hosts,
    requireOnline: false,
    progress: (l) => {
      ctx.progress(`  ${l}`);
    },
  });
  try {
    const pid = cluster.monitorPid;
    if (pid === undefined) throw new Error('no monitor PID');
    await sleep(ctx.quick ? 2_000 : 5_000); // every check has run a few times
    const m0 = await cluster.metrics().catch(() => '');
    const c0 = await cpuTicks(pid);
    const t0 = performance.now();
    const ticks: number[] = [];
    let rss = 0;
    const metrics = async (): Promise<string> => cluster.metrics().catch(() => '');
    while (performance.now() - t0 < windowMs) {
      await sleep(500);
      const t = tickSeconds(await metrics());
      if (t !== undefined) ticks.push(t * 1000);
      rss = Math.max(rss, await rssMiB(pid));
    }
    const c1 = await cpuTicks(pid);
    const elapsed = performance.now() - t0;
    const m1 = await cluster.metrics().catch(() => '');
    const lat = latencyByCheck(m0, m1);
    const checkLatencyMs: SizeResult['checkLatencyMs'] = {};
    for (const [check, buckets] of Object.entries(lat)) {
      const p50 = histogramQuantile(buckets, 0.5);
      const p99 = histogramQuantile(buckets, 0.99);
      checkLatencyMs[check] = {
        ...(p50 === undefined ? {} : { p50: p50 * 1000 }),
        ...(p99 === undefined ? {} : { p99: p99 * 1000 }),
        runs: buckets[buckets.length - 1]?.count ?? 0,
      };
    }
    const tp50 = percentile(ticks, 0.5);
    const tp99 = percentile(ticks, 0.99);
    const tmax = summarize(ticks)?.max;
    // Detection: kill -9 of db4's mysqld (an ONLINE replica with an agent) → its state change in the log
    const killedAt = Date.now();
    await cluster.lab.kill('db4');
    let detectionMs: number | undefined;
    let error: string | undefined;
    if (cluster.bootIssue !== undefined) {
      error = `not measured: db4 was never ONLINE (${cluster.bootIssue})`;
    } else
      try {
        detectionMs = await until(
          'the monitor to see db4 down',
          () => {
            const hit = cluster
              .monitorLines(killedAt)
              .find((l) => l.msg.startsWith("State of host 'db4' changed from ONLINE to "));
            return Promise.resolve(hit === undefined ? undefined : hit.atEpochMs - killedAt);
          },
          30_000,
        );
      } catch (e) {
        error = (e as Error).message;
      }
    return {
      hosts,
      labUpMs: cluster.labUpMs,
      monitorStartMs: cluster.monitorStartMs,
      windowMs: Math.round(elapsed),
      cpuPercent: ((c1 - c0) / CLK_TCK / (elapsed / 1000)) * 100,
      rssMiB: rss,
      tickMs: {
        ...(tp50 === undefined ? {} : { p50: tp50 }),
        ...(tp99 === undefined ? {} : { p99: tp99 }),
        ...(tmax === undefined ? {} : { max: tmax }),
        samples: ticks.length,
      },
      checkLatencyMs,
      ...(detectionMs === undefined ? {} : { detectionMs }),
      ...(error === undefined ? {} : { error }),
    };
  } finally {
    await cluster.stop();
  }
}

const f1 = (x: number | undefined, unit = ''): string => (x === undefined ? '-' : `${x.toFixed(1)}${unit}`);

export async function scaleSuite(ctx: SuiteContext): Promise<SuiteResult> {
  const sizes = ctx.sizes ?? (ctx.quick ? [4, 25] : [4, 25, 50, 100]);
  const results: SizeResult[] = [];
  const failures: { hosts: number; error: string }[] = [];
  for (const n of sizes) {
    ctx.progress(`${n} hosts: starting`);
    let r: SizeResult;
    try {
      r = await measure(ctx, n);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      failures.push({ hosts: n, error });
      ctx.progress(`${n} hosts: FAILED: ${error} (logs kept under /tmp/mmm-bench-logs/)`);
      continue;
    }
    results.push(r);
    ctx.progress(
      `${n} hosts: lab up ${(r.labUpMs / 1000).toFixed(1)} s, monitor start ${(r.monitorStartMs / 1000).toFixed(1)} s, CPU ${r.cpuPercent.toFixed(1)} % of one core, RSS ` +
        `${r.rssMiB.toFixed(0)} MiB, tick p50 ${f1(r.tickMs.p50)} ms, detection ${r.detectionMs ?? '-'} ms`,
    );
  }
  const base = results[0]?.detectionMs;
  return {
    title: 'Monitor cost by cluster size (mmm_mond, all four checks every 1 s)',
    settings: {
      sizes: sizes.join(', '),
      checks: 'check_period 1, trap_period 1, timeout 1 (all four checks)',
      tick: '1 s (default)',
      agents: 'db1..db4 (the hosts holding roles); every host is checked',
      window: ctx.quick ? '6 s' : '20 s (after 5 s of settling)',
      'semi-sync': 'on',
    },
    sections: [
      {
        title: 'Cost per size',
        text: [
          'CPU: the monitor process (utime+stime from /proc/<pid>/stat over the window) in % of one core. RSS: the ' +
            'largest VmRSS seen. Tick: the `mmm_tick_duration_seconds` gauge read every 500 ms (the last tick each time). ' +
            'Detection: kill -9 of db4 → the monitor logs its state change. Target: 100 hosts under 10 % of one core ' +
            'and detection unchanged from 4 hosts.',
        ],
        table: {
          head: [
            'hosts',
            'lab up',
            'monitor start',
            'monitor CPU',
            'target (100 hosts)',
            'RSS',
            'tick p50 / p99 / max',
            'detection',
            'vs 4 hosts',
          ],
          rows: results.map((r) => [
            String(r.hosts),
            `${(r.labUpMs / 1000).toFixed(1)} s`,
            `${(r.monitorStartMs / 1000).toFixed(1)} s`,
            `${r.cpuPercent.toFixed(1)} %`,
            r.hosts === 100 ? (r.cpuPercent < 10 ? 'met (< 10 %)' : 'missed (< 10 %)') : '-',
            `${r.rssMiB.toFixed(0)} MiB`,
            `${f1(r.tickMs.p50)} / ${f1(r.tickMs.p99)} / ${f1(r.tickMs.max)} ms`,
            r.detectionMs === undefined ? (r.error ?? '-') : `${(r.detectionMs / 1000).toFixed(2)} s`,
            r.detectionMs === undefined || base === undefined ? '-' : `${(r.detectionMs / base).toFixed(2)}×`,
          ]),
        },
        after: failures.map((f) => `* ${f.hosts} hosts: not measured: ${f.error}`),
      },
      {
        title: 'Check latency (from /metrics histograms over the window, all hosts; p50 / p99)',
        text: [
          'Interpolated inside the histogram buckets (1, 2.5, 5, 10, 25, 50, 100, 250 ms, ...), as Prometheus does.',
        ],
        table: {
          head: ['hosts', ...CHECKS.map((c) => `${c} p50 / p99 (runs)`)],
          rows: results.map((r) => [
            String(r.hosts),
            ...CHECKS.map((c) => {
              const l = r.checkLatencyMs[c];
              return l === undefined ? '-' : `${f1(l.p50)} / ${f1(l.p99)} ms (${l.runs})`;
            }),
          ]),
        },
      },
    ],
    raw: { results, failures },
  };
}
