// One unplanned-failover run under load, the same for mysql-mmm-ng and for keepalived: a writer client
// through the writer VIP and the invariant sampler (test/lab/workload.ts), the fault on db1, the wait for
// the first acknowledged write after it, the fault's end, then the checks: lost acknowledged writes,
// replicas not following the new writer, two-writable instants.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  InvariantSampler,
  WriterClient,
  formatWorkloadSummary,
  verifyAcks,
  waitConverged,
} from '../../lab/workload.js';
import type { Lab } from '../../lab/index.js';
import { inject, recover, type Fault } from './faults.js';
import type { Recovery } from './history.js';

export const OLD_WRITER = 'db1';

/** The system under test, already running with db1 the writer. */
export interface System {
  readonly name: string;
  readonly lab: Lab;
  readonly writerVip: string;
  readonly watchVips: readonly string[];
  /** Kills what runs beside mysqld on the host (agent, keepalived): whole-host loss. */
  killCompanion(host: string): Promise<void>;
  /** Milestones from the system's own logs, in ms after the fault (e.g. detection, promote). */
  milestones(faultEpochMs: number, untilEpochMs: number): { steps: Record<string, number>; timeline: string[] };
  /** The recovery the system recorded for a fault at `faultEpochMs` (mmm_control history), if it keeps one. */
  recovery?(faultEpochMs: number): Promise<Recovery | undefined>;
  stop(): Promise<void>;
}

export interface FaultRun {
  readonly system: string;
  readonly fault: Fault;
  readonly run: number;
  /** Last ack before the fault → first ack after it. */
  readonly outageMs?: number;
  /** Fault → first ack after it. */
  readonly faultToAckMs?: number;
  /** Milestones (ms after the fault) from the system's logs and from the sampler. */
  readonly steps: Record<string, number>;
  readonly newWriter?: string;
  /** Acked ids missing on the new writer. */
  readonly lost?: number;
  /** Acked ids missing per surviving host. */
  readonly missing: Record<string, number>;
  /** Surviving replicas (not the new writer) whose replication does not run from the new writer. */
  readonly brokenReplicas: string[];
  readonly replicaSources: Record<string, string>;
  readonly twoWritableSamples: number;
  readonly writerVipTwiceSamples: number;
  readonly samplerPeriodMs?: number;
  readonly acked: number;
  readonly clientErrors: number;
  readonly uncertain: number;
  /** Client errors by code between the writer VIP seen on the new writer and the first ack. */
  readonly errorsAfterVip: Record<string, number>;
  readonly summary: string;
  readonly recovery?: Recovery;
  readonly timeline: string[];
  readonly error?: string;
}

export interface FaultRunOptions {
  readonly fault: Fault;
  readonly run: number;
  readonly warmupMs?: number;
  /** Longest wait for the first ack after the fault. */
  readonly recoveryTimeoutMs?: number;
  /** Load after the first ack, before the fault ends. */
  readonly holdMs?: number;
  /** Load and sampling after the fault ends. */
  readonly afterMs?: number;
}

interface SlaveRow {
  readonly Master_Host?: unknown;
  readonly Slave_IO_Running?: unknown;
  readonly Slave_SQL_Running?: unknown;
}

async function replicationOf(lab: Lab, host: string): Promise<{ source: string; running: boolean }> {
  const rows = (await lab.sql(host, 'SHOW SLAVE STATUS', { timeoutMs: 3_000 })) as SlaveRow[];
  const r = rows[0];
  if (r === undefined) return { source: 'none', running: false };
  const ip = String(r.Master_Host);
  const source = lab.hosts.find((h) => h.ip === ip)?.name ?? ip;
  return { source, running: r.Slave_IO_Running === 'Yes' && r.Slave_SQL_Running === 'Yes' };
}

/**
 * Reads on a loaded machine can miss their own connect timeout (seen: the root socket of a live server,
 * ETIMEDOUT under load average 12 on 2 cores): three attempts, one second apart.
 */
async function retry<T>(f: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (i >= attempts) throw e;
      await sleep(1_000);
    }
  }
}

/** A run that could not be measured to the end (the suite goes on; the report lists it). */
export function failedRun(system: string, fault: Fault, run: number, error: string): FaultRun {
  return {
    system,
    fault,
    run,
    steps: {},
    missing: {},
    brokenReplicas: [],
    replicaSources: {},
    twoWritableSamples: 0,
    writerVipTwiceSamples: 0,
    acked: 0,
    clientErrors: 0,
    uncertain: 0,
    errorsAfterVip: {},
    summary: `run failed: ${error}`,
    timeline: [],
    error: `run failed: ${error}`,
  };
}

export async function faultRun(sys: System, o: FaultRunOptions): Promise<FaultRun> {
  const lab = sys.lab;
  const client = new WriterClient({ host: sys.writerVip });
  const sampler = new InvariantSampler(lab, { writerVip: sys.writerVip, vips: sys.watchVips });
  await client.start();
  await sampler.start();
  let error: string | undefined;
  // An insert in flight can still be acknowledged while the fault is being injected (kill -9 takes a few
  // ms): the outage is measured around the moment the fault is in place (faultDone).
  let faultAt: number;
  let faultEpoch: number;
  let faultDone: number;
  try {
    await sleep(o.warmupMs ?? 2_000);
    faultAt = performance.now();
    faultEpoch = Date.now();
    await inject(lab, o.fault, OLD_WRITER, async () => sys.killCompanion(OLD_WRITER));
    faultDone = performance.now();
    const deadline = faultAt + (o.recoveryTimeoutMs ?? 60_000);
    while (client.firstAckAfter(faultDone) === undefined && performance.now() < deadline) await sleep(20);
    if (client.firstAckAfter(faultDone) === undefined)
      error = `no acknowledged write within ${o.recoveryTimeoutMs ?? 60_000} ms`;
    await sleep(o.holdMs ?? 2_000);
    await recover(lab, o.fault, OLD_WRITER);
    await sleep(o.afterMs ?? 3_000);
  } finally {
    await client.stop();
    await sampler.stop();
  }
  const untilEpoch = Date.now();
  const steps: Record<string, number> = {};
  // From the sampler: the writer VIP on another host, another host writable
  let newWriter: string | undefined;
  for (const s of sampler.samples) {
    if (s.startMs < faultAt) continue;
    const t = Math.round(s.startMs - faultAt);
    for (const h of s.hosts) {
      if (h.host === OLD_WRITER) continue;
      if (h.vips?.includes(sys.writerVip) === true && steps['vip-on-new-writer'] === undefined) {
        steps['vip-on-new-writer'] = t;
        newWriter = h.host;
      }
      if (h.readOnly === 0 && steps['new-writer-writable'] === undefined) steps['new-writer-writable'] = t;
    }
    const old = s.hosts.find((h) => h.host === OLD_WRITER);
    if (old?.vips !== undefined && !old.vips.includes(sys.writerVip) && steps['vip-off-old-writer'] === undefined) {
      steps['vip-off-old-writer'] = t;
    }
  }
  const own = sys.milestones(faultEpoch, untilEpoch);
  const recovery = await sys.recovery?.(faultEpoch).catch(() => undefined);
  if (recovery !== undefined) {
    steps['recovery-start'] = recovery.startMs;
    steps['recovery-end'] = recovery.startMs + recovery.durationMs;
  }
  Object.assign(steps, own.steps);
  const firstAck = client.firstAckAfter(faultDone);
  if (firstAck !== undefined) steps['first-ack'] = Math.round(firstAck.atMs - faultAt);
  const outage = client.outageAround(faultDone);
  // What the client saw between the writer VIP moving and its first ack (ARP, connect timeouts, read_only)
  const vipAt = steps['vip-on-new-writer'];
  const errorsAfterVip: Record<string, number> = {};
  if (vipAt !== undefined) {
    for (const e of client.errors) {
      if (e.atMs >= faultAt + vipAt && (firstAck === undefined || e.atMs <= firstAck.atMs)) {
        errorsAfterVip[e.code] = (errorsAfterVip[e.code] ?? 0) + 1;
      }
    }
  }

  // Replication after the failover, then the acked writes on every surviving host
  const survivors = lab.hosts.map((h) => h.name).filter((h) => h !== OLD_WRITER);
  const replicaSources: Record<string, string> = {};
  const brokenReplicas: string[] = [];
  for (const h of survivors) {
    if (h === newWriter) continue;
    try {
      const r = await retry(async () => replicationOf(lab, h));
      replicaSources[h] = `${r.source}${r.running ? '' : ' (not running)'}`;
      if (r.source !== newWriter || !r.running) brokenReplicas.push(h);
    } catch (e) {
      replicaSources[h] = `unknown: ${(e as Error).message}`;
      brokenReplicas.push(h);
    }
  }
  for (const h of survivors) {
    const from = h !== newWriter && !brokenReplicas.includes(h) ? newWriter : undefined;
    try {
      await waitConverged(lab, { hosts: [h], ...(from === undefined ? {} : { from }), timeoutMs: 10_000 });
    } catch {
      // reported through the missing ids
    }
  }
  const missingIds = await retry(async () => verifyAcks(lab, client.table, client.ackedIds, survivors));
  const missing = Object.fromEntries(Object.entries(missingIds).map(([h, ids]) => [h, ids.length]));
  const summaryOfSampler = sampler.summary();
  const counts = client.counts;
  return {
    system: sys.name,
    fault: o.fault,
    run: o.run,
    ...(outage === undefined ? {} : { outageMs: Math.round(outage.ms) }),
    ...(firstAck === undefined ? {} : { faultToAckMs: Math.round(firstAck.atMs - faultAt) }),
    steps,
    ...(newWriter === undefined ? {} : { newWriter, lost: missing[newWriter] ?? 0 }),
    missing,
    brokenReplicas,
    replicaSources,
    twoWritableSamples: summaryOfSampler.violations['two-writable'],
    writerVipTwiceSamples: summaryOfSampler.violations['writer-vip-twice'],
    ...(summaryOfSampler.periodMs === undefined ? {} : { samplerPeriodMs: Math.round(summaryOfSampler.periodMs) }),
    acked: counts.acked,
    clientErrors: counts.errors,
    uncertain: counts.uncertain,
    errorsAfterVip,
    summary: formatWorkloadSummary({
      acks: client.acks,
      errors: client.errors,
      faultAtMs: faultDone,
      sampler: summaryOfSampler,
      missing: missingIds,
    }),
    ...(recovery === undefined ? {} : { recovery }),
    timeline: own.timeline,
    ...(error === undefined ? {} : { error }),
  };
}
