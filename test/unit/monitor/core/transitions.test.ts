import { describe, expect, it } from 'vitest';
import { Draft } from '../../../../monitor/core/draft.js';
import { buildTopology } from '../../../../monitor/core/topology.js';
import { evaluateHostStates } from '../../../../monitor/core/transitions.js';
import type { ClusterModel, HostState, Mode } from '../../../../monitor/core/types.js';
import { SEED_OWNERS, T0, WRITER_IP, checks, host, model, seedConfig, type ModelSpec } from './fixtures.js';

const config = seedConfig();

function evaluate(m: ClusterModel, now = T0, cfg = config) {
  const d = new Draft(buildTopology(cfg), m, now);
  const fence = evaluateHostStates(d);
  return { d, fence, model: d.toModel() };
}

interface Case {
  readonly name: string;
  readonly spec: ModelSpec;
  readonly host: string;
  readonly to: HostState;
  /** MMM's FATAL text, when the state changes. */
  readonly log?: string;
  readonly fenced?: boolean;
  readonly rolesCleared?: boolean;
  readonly cfg?: ReturnType<typeof seedConfig>;
}

const auto30 = seedConfig({ monitor: { autoSetOnline: 30 } });
const flapping = { flapping: true, windowStart: undefined, count: 4 } as const;

const seeded = (spec: ModelSpec): ModelSpec => ({ owners: SEED_OWNERS, ...spec });
const manualish = (mode: Mode): ModelSpec => seeded({ mode, hosts: { db3: { checks: { mysql: false } } } });

// Every rule of spec §2.3, in order.
const cases: Case[] = [
  // ONLINE rule 1
  {
    name: 'ONLINE, ping failed → HARD_OFFLINE, roles cleared, fenced (ACTIVE)',
    spec: seeded({ hosts: { db3: { checks: { ping: false } } } }),
    host: 'db3',
    to: 'HARD_OFFLINE',
    log: "State of host 'db3' changed from ONLINE to HARD_OFFLINE (ping: not OK, mysql: OK)",
    fenced: true,
    rolesCleared: true,
  },
  {
    name: 'ONLINE, mysql failed → HARD_OFFLINE',
    spec: seeded({ hosts: { db1: { checks: { mysql: false } } } }),
    host: 'db1',
    to: 'HARD_OFFLINE',
    log: "State of host 'db1' changed from ONLINE to HARD_OFFLINE (ping: OK, mysql: not OK)",
    fenced: true,
    rolesCleared: true,
  },
  {
    name: 'ONLINE, mysql unknown counts as failed',
    spec: seeded({ hosts: { db4: { checks: { mysql: 'unknown' } } } }),
    host: 'db4',
    to: 'HARD_OFFLINE',
    fenced: true,
    rolesCleared: true,
  },
  {
    name: 'ONLINE → HARD_OFFLINE in MANUAL keeps roles',
    spec: manualish('MANUAL'),
    host: 'db3',
    to: 'HARD_OFFLINE',
    fenced: false,
    rolesCleared: false,
  },
  {
    name: 'ONLINE → HARD_OFFLINE in WAIT keeps roles',
    spec: manualish('WAIT'),
    host: 'db3',
    to: 'HARD_OFFLINE',
    fenced: false,
    rolesCleared: false,
  },
  {
    name: 'ONLINE → HARD_OFFLINE in PASSIVE clears roles in memory, never fences or kills',
    spec: manualish('PASSIVE'),
    host: 'db3',
    to: 'HARD_OFFLINE',
    fenced: false,
    rolesCleared: true,
  },
  // ONLINE rule 2
  {
    name: 'ONLINE active master with broken replication stays ONLINE',
    spec: seeded({ hosts: { db1: { checks: { rep_threads: false, rep_backlog: false } } } }),
    host: 'db1',
    to: 'ONLINE',
  },
  // ONLINE rule 3
  {
    name: 'ONLINE, peer ONLINE for under 60 s: replication failure ignored',
    spec: seeded({ hosts: { db2: { checks: { rep_threads: false } }, db1: { onlineSince: T0 - 59_000 } } }),
    host: 'db2',
    to: 'ONLINE',
  },
  {
    name: 'ONLINE, peer ONLINE exactly 60 s: still ignored (MMM compares >= time()-60)',
    spec: seeded({ hosts: { db2: { checks: { rep_threads: false } }, db1: { onlineSince: T0 - 60_000 } } }),
    host: 'db2',
    to: 'ONLINE',
  },
  // ONLINE rule 4
  {
    name: 'ONLINE, rep_threads failed, peer ONLINE 61 s and healthy → REPLICATION_FAIL',
    spec: seeded({ hosts: { db2: { checks: { rep_threads: false } }, db1: { onlineSince: T0 - 61_000 } } }),
    host: 'db2',
    to: 'REPLICATION_FAIL',
    log: "State of host 'db2' changed from ONLINE to REPLICATION_FAIL",
    fenced: true,
    rolesCleared: true,
  },
  {
    name: 'ONLINE, both replication checks failed → REPLICATION_FAIL wins',
    spec: seeded({ hosts: { db3: { checks: { rep_threads: false, rep_backlog: false } } } }),
    host: 'db3',
    to: 'REPLICATION_FAIL',
    fenced: true,
    rolesCleared: true,
  },
  {
    name: 'ONLINE slave without peer: its peer is the active master',
    spec: seeded({ hosts: { db4: { checks: { rep_threads: false } } } }),
    host: 'db4',
    to: 'REPLICATION_FAIL',
  },
  {
    name: 'ONLINE, replication failed but peer not ONLINE: stays',
    spec: seeded({ hosts: { db2: { checks: { rep_threads: false } }, db1: { state: 'HARD_OFFLINE' } } }),
    host: 'db2',
    to: 'ONLINE',
  },
  {
    name: 'ONLINE, replication failed but peer ping failed: stays',
    spec: seeded({ hosts: { db3: { checks: { rep_threads: false } }, db1: { checks: { ping: false } } } }),
    host: 'db3',
    to: 'ONLINE',
  },
  {
    name: 'ONLINE, replication failed, peer (evaluated later) has ping failed: stays',
    spec: {
      owners: { [WRITER_IP]: 'db2' },
      hosts: { db1: { checks: { rep_threads: false } }, db2: { checks: { ping: false } } },
    },
    host: 'db1',
    to: 'ONLINE',
  },
  {
    name: 'ONLINE, replication failed but peer mysql failed: stays',
    spec: seeded({ hosts: { db3: { checks: { rep_backlog: false } }, db1: { checks: { mysql: false } } } }),
    host: 'db3',
    to: 'ONLINE',
  },
  {
    name: 'ONLINE slave, no active master (no peer): replication ignored',
    spec: { hosts: { db3: { checks: { rep_threads: false } } } },
    host: 'db3',
    to: 'ONLINE',
  },
  // ONLINE rule 5
  {
    name: 'ONLINE, rep_backlog failed → REPLICATION_DELAY',
    spec: seeded({ hosts: { db3: { checks: { rep_backlog: false } } } }),
    host: 'db3',
    to: 'REPLICATION_DELAY',
    log: "State of host 'db3' changed from ONLINE to REPLICATION_DELAY",
    fenced: true,
    rolesCleared: true,
  },
  {
    name: 'ONLINE → REPLICATION_DELAY in MANUAL keeps roles',
    spec: seeded({ mode: 'MANUAL', hosts: { db3: { checks: { rep_backlog: false } } } }),
    host: 'db3',
    to: 'REPLICATION_DELAY',
    fenced: false,
    rolesCleared: false,
  },
  // AWAITING_RECOVERY
  {
    name: 'AWAITING_RECOVERY, ping failed → HARD_OFFLINE (no detail, no fence)',
    spec: { hosts: { db3: { state: 'AWAITING_RECOVERY', checks: { ping: false } } } },
    host: 'db3',
    to: 'HARD_OFFLINE',
    log: "State of host 'db3' changed from AWAITING_RECOVERY to HARD_OFFLINE",
    fenced: false,
  },
  {
    name: 'AWAITING_RECOVERY, checks OK, nothing known about uptime: stays',
    spec: { hosts: { db3: { state: 'AWAITING_RECOVERY' } } },
    host: 'db3',
    to: 'AWAITING_RECOVERY',
  },
  {
    name: 'AWAITING_RECOVERY never goes to REPLICATION_*',
    spec: {
      hosts: {
        db3: { state: 'AWAITING_RECOVERY', checks: { rep_threads: false }, uptime: 1010, lastOnlineUptime: 1000 },
      },
    },
    host: 'db3',
    to: 'AWAITING_RECOVERY',
  },
  {
    name: 'AWAITING_RECOVERY, down for only 30 s by OS uptime → ONLINE',
    spec: { hosts: { db3: { state: 'AWAITING_RECOVERY', uptime: 1030.7, lastOnlineUptime: 1000 } } },
    host: 'db3',
    to: 'ONLINE',
    log: "State of host 'db3' changed from AWAITING_RECOVERY to ONLINE because it was down for only 30 seconds",
  },
  {
    name: 'AWAITING_RECOVERY, down for 60 s: stays',
    spec: { hosts: { db3: { state: 'AWAITING_RECOVERY', uptime: 1060, lastOnlineUptime: 1000 } } },
    host: 'db3',
    to: 'AWAITING_RECOVERY',
  },
  {
    name: 'AWAITING_RECOVERY after a reboot (uptime went down): stays',
    spec: { hosts: { db3: { state: 'AWAITING_RECOVERY', uptime: 20, lastOnlineUptime: 1000 } } },
    host: 'db3',
    to: 'AWAITING_RECOVERY',
  },
  {
    name: 'AWAITING_RECOVERY, uptime unchanged: stays',
    spec: { hosts: { db3: { state: 'AWAITING_RECOVERY', uptime: 1000, lastOnlineUptime: 1000 } } },
    host: 'db3',
    to: 'AWAITING_RECOVERY',
  },
  {
    name: 'AWAITING_RECOVERY, flapping host: the short-downtime rule is off',
    spec: {
      hosts: {
        db3: {
          state: 'AWAITING_RECOVERY',
          uptime: 1010,
          lastOnlineUptime: 1000,
          flap: { flapping: true, windowStart: undefined, count: 4 },
        },
      },
    },
    host: 'db3',
    to: 'AWAITING_RECOVERY',
  },
  {
    name: 'AWAITING_RECOVERY for 29 s with auto_set_online 30: stays',
    cfg: auto30,
    spec: { hosts: { db3: { state: 'AWAITING_RECOVERY', lastStateChange: T0 - 29_999 } } },
    host: 'db3',
    to: 'AWAITING_RECOVERY',
  },
  {
    name: 'AWAITING_RECOVERY for 30 s with auto_set_online 30 → ONLINE',
    cfg: auto30,
    spec: { hosts: { db3: { state: 'AWAITING_RECOVERY', lastStateChange: T0 - 30_000 } } },
    host: 'db3',
    to: 'ONLINE',
    log:
      "State of host 'db3' changed from AWAITING_RECOVERY to ONLINE because of auto_set_online(30 seconds). " +
      'It was in state AWAITING_RECOVERY for 30 seconds',
  },
  {
    name: 'AWAITING_RECOVERY, flapping, auto_set_online 0: stays for ever',
    spec: { hosts: { db3: { state: 'AWAITING_RECOVERY', lastStateChange: T0 - 9e6, flap: flapping } } },
    host: 'db3',
    to: 'AWAITING_RECOVERY',
  },
  {
    name: 'AWAITING_RECOVERY, flapping, last check change under flap_duration ago: stays',
    cfg: auto30,
    spec: {
      hosts: {
        db3: {
          state: 'AWAITING_RECOVERY',
          lastStateChange: T0 - 9e6,
          flap: flapping,
          checks: checks({}, T0 - 3_599_000),
        },
      },
    },
    host: 'db3',
    to: 'AWAITING_RECOVERY',
  },
  {
    name: 'AWAITING_RECOVERY, flapping, flap_duration without a check change, auto_set_online on → ONLINE',
    cfg: auto30,
    spec: {
      hosts: {
        db3: {
          state: 'AWAITING_RECOVERY',
          lastStateChange: T0 - 4_000_000,
          flap: flapping,
          checks: checks({}, T0 - 3_600_000),
        },
      },
    },
    host: 'db3',
    to: 'ONLINE',
    log:
      "State of flapping host 'db3' changed from AWAITING_RECOVERY to ONLINE because of auto_set_online and " +
      'flap_duration(3600) seconds passed without another failure. It was in state AWAITING_RECOVERY for 4000 seconds',
  },
  // HARD_OFFLINE
  {
    name: 'HARD_OFFLINE, mysql still failed: stays',
    spec: seeded({ hosts: { db3: { state: 'HARD_OFFLINE', checks: { mysql: false } } } }),
    host: 'db3',
    to: 'HARD_OFFLINE',
  },
  {
    name: 'HARD_OFFLINE, back with broken replication (active master exists) → REPLICATION_FAIL',
    spec: { owners: { [WRITER_IP]: 'db1' }, hosts: { db3: { state: 'HARD_OFFLINE', checks: { rep_threads: false } } } },
    host: 'db3',
    to: 'REPLICATION_FAIL',
    log: "State of host 'db3' changed from HARD_OFFLINE to REPLICATION_FAIL",
  },
  {
    name: 'HARD_OFFLINE, back lagging (active master exists) → REPLICATION_DELAY',
    spec: { owners: { [WRITER_IP]: 'db1' }, hosts: { db2: { state: 'HARD_OFFLINE', checks: { rep_backlog: false } } } },
    host: 'db2',
    to: 'REPLICATION_DELAY',
    log: "State of host 'db2' changed from HARD_OFFLINE to REPLICATION_DELAY",
  },
  {
    name: 'HARD_OFFLINE, back healthy → AWAITING_RECOVERY',
    spec: { owners: { [WRITER_IP]: 'db2' }, hosts: { db1: { state: 'HARD_OFFLINE' } } },
    host: 'db1',
    to: 'AWAITING_RECOVERY',
    log: "State of host 'db1' changed from HARD_OFFLINE to AWAITING_RECOVERY",
  },
  {
    name: 'HARD_OFFLINE master candidate, no active master: replication skipped → AWAITING_RECOVERY',
    spec: { hosts: { db1: { state: 'HARD_OFFLINE', checks: { rep_threads: false } } } },
    host: 'db1',
    to: 'AWAITING_RECOVERY',
  },
  {
    name: 'HARD_OFFLINE slave, no active master: replication still counts → REPLICATION_FAIL',
    spec: { hosts: { db3: { state: 'HARD_OFFLINE', checks: { rep_threads: false } } } },
    host: 'db3',
    to: 'REPLICATION_FAIL',
  },
  // REPLICATION_FAIL / REPLICATION_DELAY
  {
    name: 'REPLICATION_FAIL, threads back, backlog too big → REPLICATION_DELAY',
    spec: seeded({ hosts: { db3: { state: 'REPLICATION_FAIL', checks: { rep_backlog: false } } } }),
    host: 'db3',
    to: 'REPLICATION_DELAY',
    log: "State of host 'db3' changed from REPLICATION_FAIL to REPLICATION_DELAY",
  },
  {
    name: 'REPLICATION_DELAY, threads failed → REPLICATION_FAIL',
    spec: seeded({ hosts: { db3: { state: 'REPLICATION_DELAY', checks: { rep_threads: false } } } }),
    host: 'db3',
    to: 'REPLICATION_FAIL',
    log: "State of host 'db3' changed from REPLICATION_DELAY to REPLICATION_FAIL",
  },
  {
    name: 'REPLICATION_FAIL, replication fine again → ONLINE',
    spec: seeded({ hosts: { db3: { state: 'REPLICATION_FAIL' } } }),
    host: 'db3',
    to: 'ONLINE',
    log: "State of host 'db3' changed from REPLICATION_FAIL to ONLINE",
  },
  {
    name: 'REPLICATION_DELAY, backlog fine again → ONLINE',
    spec: seeded({ hosts: { db3: { state: 'REPLICATION_DELAY' } } }),
    host: 'db3',
    to: 'ONLINE',
    log: "State of host 'db3' changed from REPLICATION_DELAY to ONLINE",
  },
  {
    name: 'REPLICATION_FAIL, still broken, peer ONLINE: stays',
    spec: seeded({ hosts: { db3: { state: 'REPLICATION_FAIL', checks: { rep_threads: false } } } }),
    host: 'db3',
    to: 'REPLICATION_FAIL',
  },
  {
    name: 'REPLICATION_FAIL, still broken, peer not ONLINE → ONLINE (MMM: peer ≠ ONLINE lifts it)',
    spec: {
      owners: { [WRITER_IP]: 'db1' },
      hosts: { db2: { state: 'REPLICATION_FAIL', checks: { rep_threads: false } }, db1: { state: 'HARD_OFFLINE' } },
    },
    host: 'db2',
    to: 'ONLINE',
  },
  {
    name: 'REPLICATION_DELAY lagging slave, no active master → ONLINE',
    spec: { hosts: { db4: { state: 'REPLICATION_DELAY', checks: { rep_backlog: false } } } },
    host: 'db4',
    to: 'ONLINE',
  },
  {
    name: 'REPLICATION_FAIL, flapping, recovered → AWAITING_RECOVERY',
    spec: seeded({ hosts: { db3: { state: 'REPLICATION_FAIL', flap: flapping } } }),
    host: 'db3',
    to: 'AWAITING_RECOVERY',
    log: "State of host 'db3' changed from REPLICATION_FAIL to AWAITING_RECOVERY (because it's flapping)",
  },
  {
    name: 'REPLICATION_FAIL, ping failed → HARD_OFFLINE with detail, fenced',
    spec: seeded({ hosts: { db3: { state: 'REPLICATION_FAIL', checks: { ping: false, rep_threads: false } } } }),
    host: 'db3',
    to: 'HARD_OFFLINE',
    log: "State of host 'db3' changed from REPLICATION_FAIL to HARD_OFFLINE (ping: not OK, mysql: OK)",
    fenced: true,
  },
  {
    name: 'REPLICATION_DELAY, mysql failed in PASSIVE → HARD_OFFLINE, not fenced',
    spec: seeded({ mode: 'PASSIVE', hosts: { db3: { state: 'REPLICATION_DELAY', checks: { mysql: false } } } }),
    host: 'db3',
    to: 'HARD_OFFLINE',
    log: "State of host 'db3' changed from REPLICATION_DELAY to HARD_OFFLINE (ping: OK, mysql: not OK)",
    fenced: false,
  },
  // skipped states
  {
    name: 'ADMIN_OFFLINE is never touched',
    spec: { hosts: { db3: { state: 'ADMIN_OFFLINE', checks: { ping: false, mysql: false } } } },
    host: 'db3',
    to: 'ADMIN_OFFLINE',
  },
  {
    name: 'UNKNOWN (before reconciliation) is never touched',
    spec: { hosts: { db3: { state: 'UNKNOWN', checks: { ping: false } } } },
    host: 'db3',
    to: 'UNKNOWN',
  },
];

describe('peers (spec §2.2)', () => {
  it('uses a configured peer for a slave, and none for a master without one', () => {
    const cfg = seedConfig({
      hosts: [
        host('db1', '198.18.0.11', 'master'),
        host('db2', '198.18.0.12', 'master', 'db1'),
        host('db3', '198.18.0.13', 'slave', 'db2'),
        host('db4', '198.18.0.14', 'slave'),
      ],
    });
    const m = model(cfg, {
      owners: { [WRITER_IP]: 'db2' },
      hosts: {
        db1: { checks: { rep_threads: false } },
        db3: { checks: { rep_threads: false } },
        db2: { onlineSince: T0 - 59_000 },
      },
    });
    const { model: after } = evaluate(m, T0, cfg);
    expect(after.hosts['db1']!.state).toBe('ONLINE');
    expect(after.hosts['db3']!.state).toBe('ONLINE');
    const later = evaluate(
      model(cfg, { owners: { [WRITER_IP]: 'db1' }, hosts: { db3: { checks: { rep_threads: false } } } }),
      T0,
      cfg,
    );
    expect(later.model.hosts['db3']!.state).toBe('REPLICATION_FAIL');
  });
});

describe('host-state transitions (spec §2.3)', () => {
  it.each(cases)('$name', (c) => {
    const cfg = c.cfg ?? config;
    const before = model(cfg, c.spec);
    const { model: after, fence, d } = evaluate(before, T0, cfg);
    expect(after.hosts[c.host]!.state).toBe(c.to);
    const change = d.stateChanges.find((s) => s.host === c.host);
    if (c.to === before.hosts[c.host]!.state) {
      expect(change).toBeUndefined();
    } else {
      expect(change).toMatchObject({ from: before.hosts[c.host]!.state, to: c.to });
      expect(change!.reason).not.toBe('');
      expect(d.events).toContainEqual({ level: 'fatal', message: change!.log, host: c.host });
    }
    if (c.log !== undefined) expect(change?.log).toBe(c.log);
    if (c.fenced !== undefined) expect(fence.includes(c.host)).toBe(c.fenced);
    if (c.rolesCleared !== undefined) {
      const had = before.roles.some((r) => r.owner === c.host);
      expect(had).toBe(true);
      expect(after.roles.some((r) => r.owner === c.host)).toBe(!c.rolesCleared);
    }
  });
});
