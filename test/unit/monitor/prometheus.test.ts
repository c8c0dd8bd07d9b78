import { describe, expect, it } from 'vitest';
import { renderMetrics } from '../../../monitor/prometheus.js';
import { LATENCY_BUCKETS_MS, type ChecksMetrics } from '../../../monitor/checks/index.js';
import { model, seedConfig } from './core/fixtures.js';

describe('renderMetrics', () => {
  const config = seedConfig();
  const m = model(config, {
    hosts: { db1: { state: 'ONLINE' }, db3: { state: 'HARD_OFFLINE', agentReachable: false } },
    owners: { '198.18.0.100': 'db1' },
  });
  const buckets = LATENCY_BUCKETS_MS.map((_, i) => (i === 0 ? 2 : 0));
  const checks = {
    hosts: {
      db1: {
        checks: {
          ping: {
            results: { ok: 2, error: 0, unknown: 0 },
            timeouts: 0,
            latencyBuckets: buckets,
            latencyOverflow: 0,
            latencySumMs: 3,
            latencyCount: 2,
            lastLatencyMs: 1,
          },
        },
        connectionsLost: 0,
      },
    },
  } as unknown as ChecksMetrics;
  const text = renderMetrics({
    config,
    model: m,
    checkResult: (h, c) => (h === 'db3' ? 'failed' : c === 'rep_backlog' ? undefined : 'ok'),
    checks,
    tick: { count: 5, lastDurationMs: 12 },
    epoch: 4,
    disks: { db1: [{ path: '/var/lib/mysql', holds: ['datadir', 'binlog'], freeBytes: 1024, totalBytes: 4096 }] },
  });

  it('exposes host states, roles, reachability, checks, latency and the tick', () => {
    for (const sample of [
      'mmm_host_state{host="db1",state="ONLINE"} 1',
      'mmm_host_state{host="db3",state="HARD_OFFLINE"} 1',
      'mmm_host_state{host="db3",state="ONLINE"} 0',
      'mmm_agent_reachable{host="db3"} 0',
      'mmm_role_holder{role="writer",ip="198.18.0.100",host="db1"} 1',
      'mmm_check_ok{host="db3",check="ping"} 0',
      'mmm_check_ok{host="db1",check="rep_backlog"} -1',
      'mmm_check_latency_seconds_bucket{host="db1",check="ping",le="+Inf"} 2',
      'mmm_check_latency_seconds_sum{host="db1",check="ping"} 0.003',
      'mmm_tick_duration_seconds 0.012',
      'mmm_ticks_total 5',
      'mmm_monitor_epoch 4',
      'mmm_monitor_mode{mode="ACTIVE"} 1',
      'mmm_host_disk_free_bytes{host="db1",path="/var/lib/mysql"} 1024',
      'mmm_host_disk_size_bytes{host="db1",path="/var/lib/mysql"} 4096',
    ]) {
      expect(text).toContain(sample);
    }
  });

  it('is valid exposition text: every sample line is name{labels} number, ending in a newline', () => {
    expect(text.endsWith('\n')).toBe(true);
    for (const line of text.trimEnd().split('\n')) {
      if (line.startsWith('#')) continue;
      expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? -?[0-9.e+-]+$|NaN$/);
    }
  });
});
