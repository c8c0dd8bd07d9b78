// Suites `failover` (mysql-mmm-ng alone) and `keepalived` (keepalived and mysql-mmm-ng interleaved run by
// run, so their ratios come from the same run on the same machine): unplanned failover of db1 under
// continuous writes for the four faults of issue #9.
import { ensureBinary } from '../../lab/install.js';
import type { Section } from '../lib/report.js';
import { failedRun, faultRun, type FaultRun, type System } from '../lib/fault-run.js';
import { FAULTS, FAULT_LABEL, type Fault } from '../lib/faults.js';
import { fmtCount, fmtMs, fmtSeconds, ratio, summarize, type Summary } from '../lib/stats.js';
import { startKeepalived, startMmm } from '../lib/systems.js';
import { TUNED, type SuiteContext, type SuiteResult } from './context.js';

/** Issue #9 targets for the outage (ms); host loss has none of its own. */
const TARGET_MS: Readonly<Record<Fault, number | undefined>> = {
  kill9: 1_000,
  sigstop: 3_000,
  isolate: 3_000,
  hostloss: undefined,
};

/** MySQL-MMM 2.2.1 and keepalived measured on this lab (shared/research/mmm-measured.md, lab-facts.md §8). */
const REFERENCE: Readonly<Record<Fault, string>> = {
  kill9: 'MMM 11.98 s default, 2.96 s tuned; keepalived 0.89 s',
  sigstop: 'MMM 18.08 s tuned',
  isolate: 'keepalived (link down) 3.35 s',
  hostloss: 'keepalived (kill -9 keepalived) 3.3 s, VIP left on two hosts',
};

type SystemKind = 'mmm' | 'keepalived';

const STEP_ORDER = [
  'detected',
  'recovery-start',
  'vip-off-old-writer',
  'promoted',
  'db2 notify_master',
  'vip-on-new-writer',
  'new-writer-writable',
  'recovery-end',
  'first-ack',
];

function faultsOf(ctx: SuiteContext): Fault[] {
  if (ctx.faults !== undefined) {
    for (const f of ctx.faults) {
      if (!(FAULTS as readonly string[]).includes(f))
        throw new Error(`--faults: unknown fault '${f}' (expected ${FAULTS.join(', ')})`);
    }
    return ctx.faults as Fault[];
  }
  return ctx.quick ? ['kill9'] : [...FAULTS];
}

async function startSystem(kind: SystemKind, ctx: SuiteContext, id: number): Promise<System> {
  const say = (l: string): void => {
    ctx.progress(`  ${l}`);
  };
  return kind === 'mmm'
    ? startMmm({ id, ...(ctx.checks === 'tuned' ? { checks: TUNED } : {}), progress: say })
    : startKeepalived({ id, progress: say });
}

async function runMatrix(ctx: SuiteContext, kinds: readonly SystemKind[]): Promise<FaultRun[]> {
  const faults = faultsOf(ctx);
  const runs = ctx.runs ?? (ctx.quick ? 1 : 5);
  const out: FaultRun[] = [];
  for (const fault of faults) {
    for (let run = 1; run <= runs; run++) {
      for (const kind of kinds) {
        ctx.progress(`${fault} run ${run}/${runs} ${kind}: starting`);
        let r: FaultRun;
        try {
          const sys = await startSystem(kind, ctx, ctx.labId);
          try {
            r = await faultRun(sys, {
              fault,
              run,
              ...(ctx.quick ? { warmupMs: 1_500, holdMs: 1_000, afterMs: 1_500 } : {}),
            });
          } finally {
            await sys.stop();
          }
        } catch (e) {
          // one run lost to the machine (a timeout under load) must not lose the others
          r = failedRun(kind === 'mmm' ? 'mysql-mmm-ng' : 'keepalived', fault, run, (e as Error).message);
        }
        out.push(r);
        ctx.progress(
          `${fault} run ${run}/${runs} ${kind}: outage ${r.outageMs ?? '-'} ms, detection ${r.steps['detected'] ?? r.steps['vip-on-new-writer'] ?? '-'} ms, ` +
            `lost ${r.lost ?? '?'}, broken replicas ${r.brokenReplicas.length}, two-writable samples ${r.twoWritableSamples}` +
            (r.error === undefined ? '' : `, ${r.error}`),
        );
      }
    }
  }
  return out;
}

const pick = (runs: readonly FaultRun[], f: (r: FaultRun) => number | undefined): Summary | undefined =>
  summarize(runs.map(f).filter((x): x is number => x !== undefined));

const verdictOf = (s: Summary | undefined, target: number | undefined): string =>
  target === undefined ? 'no target' : s === undefined ? 'no recovery' : s.median <= target ? 'met' : 'missed';

/** Which interval between consecutive milestones costs the most (medians), for the "missed" note. */
function costliestStep(runs: readonly FaultRun[]): string {
  const med = (k: string): number | undefined => pick(runs, (r) => r.steps[k])?.median;
  const seq = [{ key: 'fault', at: 0 }, ...STEP_ORDER.map((key) => ({ key, at: med(key) }))].filter(
    (x): x is { key: string; at: number } => x.at !== undefined,
  );
  let best = { from: '', to: '', ms: -1 };
  for (let i = 1; i < seq.length; i++) {
    const a = seq[i - 1];
    const b = seq[i];
    if (a !== undefined && b !== undefined && b.at - a.at > best.ms) best = { from: a.key, to: b.key, ms: b.at - a.at };
  }
  return best.ms < 0 ? 'no milestones recorded' : `${best.from} → ${best.to}: ${best.ms.toFixed(0)} ms`;
}

const isFailed = (r: FaultRun): boolean => r.error?.startsWith('run failed') === true;

function systemSections(kind: string, allRuns: readonly FaultRun[], faults: readonly Fault[]): Section[] {
  const runs = allRuns.filter((r) => !isFailed(r));
  const lostRuns = allRuns.filter(isFailed).map((r) => `* ${r.fault} run ${r.run} not measured: ${r.error ?? ''}`);
  const rows = faults.map((f) => {
    const rs = runs.filter((r) => r.fault === f);
    const outage = pick(rs, (r) => r.outageMs);
    const det = pick(rs, (r) => r.steps['detected'] ?? r.steps['vip-on-new-writer']);
    const target = TARGET_MS[f];
    return [
      FAULT_LABEL[f],
      `${fmtSeconds(outage)}${rs.some((r) => r.outageMs === undefined) ? ` (${rs.filter((r) => r.outageMs === undefined).length} runs without recovery)` : ''}`,
      target === undefined ? '-' : `≤ ${(target / 1000).toFixed(1)} s`,
      verdictOf(outage, target),
      fmtSeconds(det),
      fmtCount(pick(rs, (r) => r.lost)),
      fmtCount(pick(rs, (r) => r.brokenReplicas.length)),
      fmtCount(pick(rs, (r) => r.twoWritableSamples)),
      fmtCount(pick(rs, (r) => r.writerVipTwiceSamples)),
      fmtCount(pick(rs, (r) => r.clientErrors)),
      String(rs.length),
      REFERENCE[f],
    ];
  });
  const stepRows = faults.map((f) => {
    const rs = runs.filter((r) => r.fault === f);
    return [FAULT_LABEL[f], ...STEP_ORDER.map((k) => fmtMs(pick(rs, (r) => r.steps[k])))];
  });
  const missed = faults
    .filter((f) => {
      const t = TARGET_MS[f];
      const s = pick(
        runs.filter((r) => r.fault === f),
        (r) => r.outageMs,
      );
      return t !== undefined && (s === undefined || s.median > t);
    })
    .map(
      (f) => `* ${FAULT_LABEL[f]}: missed; the costliest step is ${costliestStep(runs.filter((r) => r.fault === f))}.`,
    );
  return [
    {
      title: `${kind}: outage and safety per fault`,
      text: [
        'Outage: last acknowledged write before the fault → first after it. Detection: fault → the decision ' +
          "(mysql-mmm-ng: the monitor's state change of db1 in its log; keepalived: the VIP seen on db2). " +
          'Lost: acknowledged ids missing on the new writer. Broken replicas: surviving replicas not replicating ' +
          'from the new writer. Two-writable / writer VIP twice: sampler samples (every ~50 ms) with the violation, ' +
          'including the seconds after the fault ended (SIGCONT, link up).',
      ],
      table: {
        head: [
          'fault',
          'outage',
          'target',
          'verdict',
          'detection',
          'lost acked writes',
          'replicas left broken',
          'two-writable samples',
          'writer VIP twice',
          'client errors',
          'runs',
          'reference (measured here before)',
        ],
        rows,
      },
      after: [...(missed.length === 0 ? [] : ['Targets missed:', ...missed]), ...lostRuns],
    },
    {
      title: `${kind}: milestones (ms after the fault)`,
      text: [
        'detected / promoted: from the monitor log; db2 notify_master: keepalived notify script; vip-off-old-writer, ' +
          'vip-on-new-writer, new-writer-writable: from the invariant sampler (≈50 ms resolution); first-ack: the client.',
      ],
      table: { head: ['fault', ...STEP_ORDER], rows: stepRows },
    },
  ];
}

/** The monitor's own record of each failover step (mmm_control history), medians per fault and step. */
function historySection(runs: readonly FaultRun[], faults: readonly Fault[]): Section {
  const withRec = runs.filter((r) => r.recovery !== undefined);
  if (withRec.length === 0) {
    return {
      title: 'mysql-mmm-ng: failover steps from the monitor history',
      text: [
        'The monitor of this commit records no failover history (`mmm_control history` unknown or empty): the ' +
          'milestones above come from its log and from the sampler.',
      ],
    };
  }
  const rows: string[][] = [];
  for (const f of faults) {
    const rs = withRec.filter((r) => r.fault === f);
    const names = [...new Set(rs.flatMap((r) => r.recovery?.steps.map((x) => x.name) ?? []))];
    rows.push([
      FAULT_LABEL[f],
      'whole recovery',
      fmtMs(pick(rs, (r) => r.recovery?.startMs)),
      fmtMs(pick(rs, (r) => r.recovery?.durationMs)),
      [
        ...new Set(
          rs.map(
            (r) =>
              `${r.recovery?.outcome ?? '?'}; fenced: ${r.recovery?.fencedBy === undefined || r.recovery.fencedBy === '' ? '-' : r.recovery.fencedBy}`,
          ),
        ),
      ].join(' / '),
    ]);
    for (const n of names) {
      const st = (r: FaultRun): { startMs: number; durationMs: number; outcome: string } | undefined =>
        r.recovery?.steps.find((x) => x.name === n);
      rows.push([
        '',
        n,
        fmtMs(pick(rs, (r) => st(r)?.startMs)),
        fmtMs(pick(rs, (r) => st(r)?.durationMs)),
        [...new Set(rs.map((r) => st(r)?.outcome ?? 'absent'))].join(', '),
      ]);
    }
  }
  return {
    title: 'mysql-mmm-ng: failover steps from the monitor history',
    text: ["From `mmm_control history` (the monitor's audit trail) after each run; start in ms after the fault."],
    table: { head: ['fault', 'step', 'start', 'duration', 'outcome'], rows },
  };
}

/** What the figures say about where the time goes, and what would bring it down (data-driven where possible). */
function closingNotes(ctx: SuiteContext, runs: readonly FaultRun[]): Section {
  const notes: string[] = [];
  const med = (rs: readonly FaultRun[], f: (r: FaultRun) => number | undefined): number | undefined =>
    pick(rs, f)?.median;
  const ours = runs.filter((r) => r.system === 'mysql-mmm-ng');
  const detect = med(ours, (r) => r.steps['detected']);
  const outage = med(ours, (r) => r.outageMs);
  if (detect !== undefined && outage !== undefined) {
    notes.push(
      `* Detection is ${((detect / outage) * 100).toFixed(0)} % of mysql-mmm-ng's median outage (${(detect / 1000).toFixed(1)} of ` +
        `${(outage / 1000).toFixed(1)} s) with ${ctx.checks === 'tuned' ? 'check_period 1 / trap_period 1' : 'the default check_period 5 / trap_period 10'}: ` +
        'a failed check must persist for trap_period before the host goes HARD_OFFLINE. Corroborated detection ' +
        '(the replicas confirm the writer is gone, then the trap is skipped) is what brings this to about a second.',
    );
  }
  const tail = med(runs, (r) => {
    const w = r.steps['new-writer-writable'];
    const a = r.steps['first-ack'];
    return w === undefined || a === undefined ? undefined : a - w;
  });
  if (tail !== undefined && tail > 500) {
    notes.push(
      `* New writer writable → first acknowledged write: ${tail.toFixed(0)} ms (median, both systems). The first commit on ` +
        'the new writer waits rpl_semi_sync_master_timeout (1000 ms in the lab) because no semi-sync replica is ' +
        'attached to it yet (db3/db4 still replicate from the dead db1; rpl_semi_sync_master_wait_no_slave=ON), and the ' +
        "client's 1000 ms query timeout fires at the same moment (the PROTOCOL_SEQUENCE_TIMEOUT after the VIP moved). " +
        'Measured separately on a lab: first INSERT on db2 after kill -9 of db1 1006 ms, the next ones 2–6 ms, ' +
        'Rpl_semi_sync_master_status OFF (those writes are not semi-sync protected). Repointing the replicas to the ' +
        'new writer before opening it removes this second and keeps semi-sync on.',
    );
  }
  const lostVip = ours.filter((r) => r.writerVipTwiceSamples > 0).map((r) => r.fault);
  if (lostVip.length > 0) {
    notes.push(
      `* Writer VIP on two hosts (${[...new Set(lostVip)].join(', ')}): the old host keeps its address when nothing runs ` +
        'there to remove it (agent killed); the new writer announces it with gratuitous ARP and clients follow. ' +
        'Only kill_host_bin (power off) removes it for real.',
    );
  }
  const broken = med(ours, (r) => r.brokenReplicas.length);
  if (broken !== undefined && broken > 0) {
    notes.push(
      '* Replicas left broken: the monitor on this commit does not repoint db3/db4 to the new writer (the ' +
        'orchestration of issue #6 does), so they stay on the dead db1 and miss every write acknowledged after the failover.',
    );
  }
  return { title: 'Closing notes', text: notes.length === 0 ? ['Nothing stands out.'] : notes };
}

function perRunSection(runs: readonly FaultRun[]): Section {
  return {
    title: 'Every run',
    table: {
      head: [
        'system',
        'fault',
        'run',
        'outage ms',
        'new writer',
        'milestones (ms after the fault)',
        'missing acked per host',
        'replica sources',
        'errors',
        'note',
      ],
      rows: runs.map((r) => [
        r.system,
        r.fault,
        String(r.run),
        String(r.outageMs ?? '-'),
        r.newWriter ?? '-',
        Object.entries(r.steps)
          .sort((a, b) => a[1] - b[1])
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
        Object.entries(r.missing)
          .map(([h, n]) => `${h} ${n}`)
          .join(', '),
        Object.entries(r.replicaSources)
          .map(([h, s]) => `${h}←${s}`)
          .join(', '),
        `${r.clientErrors} (${r.uncertain} uncertain)${
          Object.keys(r.errorsAfterVip).length === 0
            ? ''
            : `; after the VIP moved: ${Object.entries(r.errorsAfterVip)
                .map(([c, n]) => `${n}× ${c}`)
                .join(', ')}`
        }`,
        r.error ?? '',
      ]),
    },
  };
}

function timelineSection(runs: readonly FaultRun[], faults: readonly Fault[]): Section {
  const lines: string[] = [];
  for (const f of faults) {
    for (const r of runs.filter((x) => x.fault === f && x.run === 1)) {
      lines.push(`### ${r.system}, ${FAULT_LABEL[f]}, run 1`, '', '```', r.summary, ...r.timeline, '```', '');
    }
  }
  return { title: 'Timelines of the first run (monitor log / keepalived notify)', text: lines };
}

function settingsOf(ctx: SuiteContext): Record<string, unknown> {
  return {
    hosts: 4,
    'semi-sync': 'on (lab default timeout 1000 ms)',
    checks:
      ctx.checks === 'tuned'
        ? 'tuned: check_period 1, trap_period 1, timeout 1'
        : 'configuration defaults (check_period 5, trap_period 10, timeout 2)',
    'writer client':
      'WriterClient defaults: insert every 10 ms, connect timeout 200 ms, query timeout 1000 ms, reconnect on error',
    sampler: 'InvariantSampler every 50 ms',
    runs: ctx.runs ?? (ctx.quick ? 1 : 5),
  };
}

export async function failoverSuite(ctx: SuiteContext): Promise<SuiteResult> {
  const faults = faultsOf(ctx);
  const runs = await runMatrix(ctx, ['mmm']);
  return {
    title: 'Unplanned failover under continuous writes (mysql-mmm-ng)',
    settings: settingsOf(ctx),
    sections: [
      ...systemSections('mysql-mmm-ng', runs, faults),
      historySection(runs, faults),
      closingNotes(ctx, runs),
      perRunSection(runs),
      timelineSection(runs, faults),
    ],
    raw: runs,
  };
}

export async function keepalivedSuite(ctx: SuiteContext): Promise<SuiteResult> {
  // Debian's keepalived (its unit does not start without /etc/keepalived/keepalived.conf; we run our own)
  await ensureBinary('keepalived', 'keepalived', (l) => {
    ctx.progress(l);
  });
  const faults = faultsOf(ctx);
  const runs = await runMatrix(ctx, ['keepalived', 'mmm']);
  const ours = runs.filter((r) => r.system !== 'keepalived');
  const ka = runs.filter((r) => r.system === 'keepalived');
  const rows = faults.map((f) => {
    const o = pick(
      ours.filter((r) => r.fault === f),
      (r) => r.outageMs,
    );
    const k = pick(
      ka.filter((r) => r.fault === f),
      (r) => r.outageMs,
    );
    const q = ratio(o, k);
    const of = (rs: readonly FaultRun[], g: (r: FaultRun) => number | undefined): string =>
      fmtCount(
        pick(
          rs.filter((r) => r.fault === f),
          g,
        ),
      );
    return [
      FAULT_LABEL[f],
      fmtSeconds(o),
      fmtSeconds(k),
      q === undefined ? '-' : q.toFixed(2),
      `${of(ours, (r) => r.lost)} / ${of(ka, (r) => r.lost)}`,
      `${of(ours, (r) => r.brokenReplicas.length)} / ${of(ka, (r) => r.brokenReplicas.length)}`,
      `${of(ours, (r) => r.twoWritableSamples)} / ${of(ka, (r) => r.twoWritableSamples)}`,
      `${of(ours, (r) => r.writerVipTwiceSamples)} / ${of(ka, (r) => r.writerVipTwiceSamples)}`,
    ];
  });
  return {
    title: 'Unplanned failover: mysql-mmm-ng against keepalived (same lab, same client, interleaved runs)',
    usesKeepalived: true,
    settings: {
      ...settingsOf(ctx),
      keepalived:
        'db1 and db2, state BACKUP + nopreempt, priorities 150/100, advert_int 1, unicast to the peer only, ' +
        'vrrp_script mariadb-admin ping every 1 s (timeout 2, fall 1, rise 1), notify_master read_only=0, ' +
        'notify_backup/fault read_only=1',
    },
    sections: [
      {
        title: 'Side by side (ours / keepalived)',
        text: [
          'Ratio = median outage of mysql-mmm-ng / median outage of keepalived, both measured in this run ' +
            '(runs alternate: keepalived, then mysql-mmm-ng, on a fresh lab each). keepalived moves only the IP: ' +
            'no fencing, no catch-up, replicas stay on the dead master.',
        ],
        table: {
          head: [
            'fault',
            'mysql-mmm-ng outage',
            'keepalived outage',
            'ratio ours/keepalived',
            'lost acked writes',
            'replicas left broken',
            'two-writable samples',
            'writer VIP twice',
          ],
          rows,
        },
      },
      ...systemSections('keepalived', ka, faults),
      ...systemSections('mysql-mmm-ng', ours, faults),
      historySection(ours, faults),
      closingNotes(ctx, runs),
      perRunSection(runs),
      timelineSection(runs, faults),
    ],
    raw: runs,
  };
}
