// GET /metrics of the monitor API: Prometheus text exposition (version 0.0.4) of the live model, the checks
// and the tick. Pure: everything comes in as arguments.
import type { DiskView } from '../common/api/agent.js';
import { CHECK_NAMES, type Config } from '../common/config/types.js';
import { cumulativeBuckets, LATENCY_BUCKETS_MS, type ChecksMetrics } from './checks/index.js';
import { HOST_STATES, MODES, type ClusterModel } from './core/index.js';

export interface MetricsInput {
  readonly config: Config;
  readonly model: ClusterModel;
  /** Debounced status per host and check ('ok' | 'failed' | 'unknown'). */
  readonly checkResult: (host: string, check: string) => string | undefined;
  readonly checks: ChecksMetrics;
  readonly tick: { readonly count: number; readonly lastDurationMs: number };
  readonly epoch: number;
  /** Free space where each host's mysqld writes, from its agent's last report. */
  readonly disks?: Readonly<Record<string, readonly DiskView[] | undefined>>;
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function labels(l: Readonly<Record<string, string>>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

class Exposition {
  readonly lines: string[] = [];

  family(name: string, type: 'gauge' | 'counter' | 'histogram', help: string): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }

  sample(name: string, l: Readonly<Record<string, string>>, value: number): void {
    this.lines.push(`${name}${labels(l)} ${Number.isFinite(value) ? String(value) : 'NaN'}`);
  }
}

export function renderMetrics(m: MetricsInput): string {
  const x = new Exposition();
  const hosts = m.config.hosts.map((h) => h.name);
  x.family('mmm_monitor_mode', 'gauge', 'Monitor mode (1 for the current one).');
  for (const mode of MODES) x.sample('mmm_monitor_mode', { mode }, m.model.mode === mode ? 1 : 0);
  x.family('mmm_monitor_epoch', 'gauge', 'Epoch this monitor stamps its desired states with.');
  x.sample('mmm_monitor_epoch', {}, m.epoch);
  x.family('mmm_host_state', 'gauge', 'Host state (1 for the current one).');
  for (const host of hosts) {
    const state = m.model.hosts[host]?.state;
    for (const s of HOST_STATES) x.sample('mmm_host_state', { host, state: s }, state === s ? 1 : 0);
  }
  x.family('mmm_agent_reachable', 'gauge', 'Whether the agent answered the last push (1) or not (0).');
  for (const host of hosts) x.sample('mmm_agent_reachable', { host }, m.model.hosts[host]?.agentReachable ? 1 : 0);
  x.family('mmm_role_holder', 'gauge', 'Role IP assignment: 1 for the host that holds it.');
  for (const r of m.model.roles) {
    if (r.owner !== undefined) x.sample('mmm_role_holder', { role: r.role, ip: r.ip, host: r.owner }, 1);
  }
  x.family('mmm_role_orphaned', 'gauge', 'Role IPs without a host.');
  x.sample('mmm_role_orphaned', {}, m.model.roles.filter((r) => r.owner === undefined).length);
  x.family('mmm_check_ok', 'gauge', 'Debounced check status: 1 ok, 0 failed, -1 unknown.');
  for (const host of hosts) {
    for (const check of CHECK_NAMES) {
      const r = m.checkResult(host, check);
      x.sample('mmm_check_ok', { host, check }, r === 'ok' ? 1 : r === 'failed' ? 0 : -1);
    }
  }
  x.family(
    'mmm_host_disk_free_bytes',
    'gauge',
    "Bytes mysqld can still write on the filesystem of a path (agent's statfs).",
  );
  for (const host of hosts) {
    for (const d of m.disks?.[host] ?? []) x.sample('mmm_host_disk_free_bytes', { host, path: d.path }, d.freeBytes);
  }
  x.family('mmm_host_disk_size_bytes', 'gauge', 'Size of that filesystem.');
  for (const host of hosts) {
    for (const d of m.disks?.[host] ?? []) x.sample('mmm_host_disk_size_bytes', { host, path: d.path }, d.totalBytes);
  }
  renderCheckLatency(x, m.checks);
  x.family('mmm_tick_duration_seconds', 'gauge', 'Duration of the last monitor tick.');
  x.sample('mmm_tick_duration_seconds', {}, m.tick.lastDurationMs / 1000);
  x.family('mmm_ticks_total', 'counter', 'Monitor ticks run.');
  x.sample('mmm_ticks_total', {}, m.tick.count);
  return `${x.lines.join('\n')}\n`;
}

function renderCheckLatency(x: Exposition, checks: ChecksMetrics): void {
  x.family('mmm_check_runs_total', 'counter', 'Check runs by raw result.');
  for (const [host, hm] of Object.entries(checks.hosts)) {
    for (const [check, cm] of Object.entries(hm.checks)) {
      for (const [result, n] of Object.entries(cm.results))
        x.sample('mmm_check_runs_total', { host, check, result }, n);
    }
  }
  x.family('mmm_check_latency_seconds', 'histogram', 'Check run latency.');
  for (const [host, hm] of Object.entries(checks.hosts)) {
    for (const [check, cm] of Object.entries(hm.checks)) {
      const cum = cumulativeBuckets(cm);
      LATENCY_BUCKETS_MS.forEach((le, i) => {
        x.sample('mmm_check_latency_seconds_bucket', { host, check, le: String(le / 1000) }, cum[i] ?? 0);
      });
      x.sample('mmm_check_latency_seconds_bucket', { host, check, le: '+Inf' }, cm.latencyCount);
      x.sample('mmm_check_latency_seconds_sum', { host, check }, cm.latencySumMs / 1000);
      x.sample('mmm_check_latency_seconds_count', { host, check }, cm.latencyCount);
    }
  }
}
