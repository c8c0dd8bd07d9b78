// The voting rules of spec §8.2 steps 8–9, point by point.
import { describe, expect, it } from 'vitest';
import { reconcileStartup } from '../../../../../monitor/core/startup/reconcile.js';
import type { AgentView, Answer, StartupInput, SystemView } from '../../../../../monitor/core/startup/views.js';
import { parseStatus } from '../../../../../monitor/core/status-file.js';
import type { HostState } from '../../../../../monitor/core/types.js';
import { T0, WRITER_IP, checks, owners, seedConfig } from '../fixtures.js';

type Cfg = ReturnType<typeof seedConfig>;
const HOSTS = ['db1', 'db2', 'db3', 'db4'] as const;

interface Spec {
  stored?: string;
  agents?: Partial<Record<(typeof HOSTS)[number], Answer<AgentView> | undefined>>;
  systems?: Partial<Record<(typeof HOSTS)[number], Answer<SystemView> | undefined>>;
  cfg?: Cfg;
  checks?: StartupInput['checks'];
}

const agent = (state: string, roles: string[] = [], uptime?: number): Answer<AgentView> => ({
  ok: true,
  view: uptime === undefined ? { state, roles, master: '' } : { state, roles, master: '', uptime },
});
const system = (writable: boolean, roles: string[] = [], masterIp = ''): Answer<SystemView> => ({
  ok: true,
  view: { writable, roles, masterIp },
});

function start(s: Spec) {
  const cfg = s.cfg ?? seedConfig();
  const agents: Record<string, Answer<AgentView>> = {};
  const systems: Record<string, Answer<SystemView>> = {};
  for (const h of HOSTS) {
    const a = s.agents && h in s.agents ? s.agents[h] : agent('UNKNOWN');
    const y = s.systems && h in s.systems ? s.systems[h] : system(false);
    if (a !== undefined) agents[h] = a;
    if (y !== undefined) systems[h] = y;
  }
  const r = reconcileStartup(
    {
      config: cfg,
      checks: s.checks ?? Object.fromEntries(HOSTS.map((h) => [h, checks()])),
      stored: s.stored === undefined ? undefined : parseStatus(s.stored, cfg),
      agents,
      systems,
    },
    T0,
  );
  return {
    r,
    owners: owners(r.model),
    state: (h: string): HostState => r.model.hosts[h]!.state,
    log: r.events.map((e) => e.message),
  };
}

const W = `writer(${WRITER_IP})`;
const manual = seedConfig({ monitor: { mode: 'manual' } });
const wait = seedConfig({ monitor: { mode: 'wait' } });

describe('host state from stored and agent views (step 8)', () => {
  it.each([
    ['ONLINE', 'HARD_OFFLINE', 'HARD_OFFLINE'],
    ['ADMIN_OFFLINE', 'ONLINE', 'ADMIN_OFFLINE'],
    ['ONLINE', 'ADMIN_OFFLINE', 'ADMIN_OFFLINE'],
    ['REPLICATION_DELAY', 'REPLICATION_FAIL', 'REPLICATION_FAIL'],
    ['REPLICATION_DELAY', 'ONLINE', 'REPLICATION_DELAY'],
    ['AWAITING_RECOVERY', 'ONLINE', 'ONLINE'],
    ['AWAITING_RECOVERY', 'UNKNOWN', 'AWAITING_RECOVERY'],
    ['UNKNOWN', 'GARBAGE', 'AWAITING_RECOVERY'],
  ] as const)('stored %s + agent %s → %s', (stored, agentState, expected) => {
    expect(start({ stored: `db3|${stored}|`, agents: { db3: agent(agentState) } }).state('db3')).toBe(expected);
  });

  it('uses the stored state alone when the agent does not answer', () => {
    expect(start({ stored: 'db3|REPLICATION_DELAY|', agents: { db3: undefined } }).state('db3')).toBe(
      'REPLICATION_DELAY',
    );
  });
});

describe('writer votes (step 9): +4 writable, +2 configured, +1 stored, +1 agent, +1 per replicating slave', () => {
  it('a writable host with the IP beats stored and agent views elsewhere', () => {
    const { owners: o } = start({
      stored: `db1|ONLINE|${W}`,
      agents: { db1: agent('ONLINE', [W]) },
      systems: { db2: system(true, [W]) },
    });
    expect(o[WRITER_IP]).toBe('db2');
  });

  it("slaves' Master_Host votes decide between stored and agent views", () => {
    const { owners: o } = start({
      stored: `db1|ONLINE|${W}`,
      agents: { db2: agent('ONLINE', [W]) },
      systems: { db3: system(false, [], '198.18.0.12'), db4: system(false, [], '198.18.0.12') },
    });
    expect(o[WRITER_IP]).toBe('db2');
  });

  it('a tie goes to the first host in config order', () => {
    expect(start({ stored: `db2|ONLINE|${W}`, agents: { db1: agent('ONLINE', [W]) } }).owners[WRITER_IP]).toBe('db1');
  });

  it('a HARD_OFFLINE host gets no votes in ACTIVE mode', () => {
    const r = start({ stored: `db1|HARD_OFFLINE|${W}`, systems: { db1: system(true, [W]) } });
    expect(r.owners[WRITER_IP]).toBeUndefined();
    expect(r.state('db1')).toBe('HARD_OFFLINE');
  });

  it.each([manual, wait])('a HARD_OFFLINE host keeps the writer in MANUAL/WAIT, still HARD_OFFLINE', (cfg) => {
    const r = start({ cfg, stored: `db1|HARD_OFFLINE|${W}`, systems: { db1: system(true, [W]) } });
    expect(r.owners[WRITER_IP]).toBe('db1');
    expect(r.state('db1')).toBe('HARD_OFFLINE');
  });

  it('an ADMIN_OFFLINE host never gets votes', () => {
    expect(
      start({ cfg: manual, stored: `db1|ADMIN_OFFLINE|${W}`, systems: { db1: system(true, [W]) } }).owners[WRITER_IP],
    ).toBeUndefined();
  });

  it('forces the winner ONLINE in ACTIVE mode', () => {
    const r = start({ stored: `db2|AWAITING_RECOVERY|${W}` });
    expect(r.owners[WRITER_IP]).toBe('db2');
    expect(r.state('db2')).toBe('ONLINE');
  });

  it('in MANUAL mode lifts only REPLICATION_* winners to ONLINE', () => {
    expect(start({ cfg: manual, stored: `db2|AWAITING_RECOVERY|${W}` }).state('db2')).toBe('AWAITING_RECOVERY');
    expect(start({ cfg: manual, stored: `db2|REPLICATION_FAIL|${W}` }).state('db2')).toBe('ONLINE');
  });

  it('votes the writer first, so its lifted winner can then win reader votes', () => {
    const R = 'reader(198.18.0.101)';
    const r = start({ stored: `db2|REPLICATION_DELAY|${W},${R}` });
    expect(r.state('db2')).toBe('ONLINE');
    expect(r.owners['198.18.0.101']).toBe('db2');
  });
});

describe('other roles (step 9): +4 configured, +2 stored, +1 agent', () => {
  const R = 'reader(198.18.0.101)';
  it('the host that really has the IP wins', () => {
    expect(
      start({ stored: `db3|ONLINE|${R}`, agents: { db3: agent('ONLINE', [R]) }, systems: { db4: system(false, [R]) } })
        .owners['198.18.0.101'],
    ).toBe('db4');
  });

  it('stored beats agent', () => {
    expect(start({ stored: `db4|ONLINE|${R}`, agents: { db3: agent('ONLINE', [R]) } }).owners['198.18.0.101']).toBe(
      'db4',
    );
  });

  it('an AWAITING_RECOVERY winner becomes ONLINE', () => {
    const r = start({ systems: { db4: system(false, [R]) } });
    expect(r.owners['198.18.0.101']).toBe('db4');
    expect(r.state('db4')).toBe('ONLINE');
  });

  it('hosts that are neither ONLINE nor AWAITING_RECOVERY get no votes outside MANUAL/WAIT', () => {
    expect(start({ stored: `db3|REPLICATION_FAIL|${R}` }).owners['198.18.0.101']).toBeUndefined();
    const m = start({ cfg: manual, stored: `db3|REPLICATION_FAIL|${R}` });
    expect(m.owners['198.18.0.101']).toBe('db3');
    expect(m.state('db3')).toBe('REPLICATION_FAIL');
    expect(start({ cfg: manual, stored: `db3|ADMIN_OFFLINE|${R}` }).owners['198.18.0.101']).toBeUndefined();
  });
});

describe('view hygiene and agent reachability (step 7)', () => {
  it('drops roles the config no longer has or the host may no longer hold, with MMM warnings', () => {
    const r = start({
      stored: `db3|ONLINE|old(10.0.0.1),${W},reader(10.9.9.9)`,
      agents: { db3: agent('ONLINE', ['bogus', W]) },
    });
    expect(r.log.filter((m) => m.startsWith('Detected'))).toEqual([
      "Detected change in role definitions: Role 'old(10.0.0.1)' was removed.",
      "Detected change in role definitions: Host 'db3' can't handle role 'writer(198.18.0.100)' anymore.",
      "Detected change in role definitions: Role 'reader(10.9.9.9)' was removed.",
      "Detected change in role definitions: Host 'db3' can't handle role 'writer(198.18.0.100)' anymore.",
    ]);
    expect(r.owners).toEqual({});
  });

  it('flags an agent down once when it does not answer while ping and mysql are OK', () => {
    const r = start({
      agents: { db3: { ok: false, answer: 'ERROR: nope' } },
      systems: { db3: { ok: false, answer: '0' } },
    });
    expect(r.r.model.hosts['db3']!.agentReachable).toBe(false);
    expect(r.r.events.filter((e) => e.host === 'db3')).toEqual([
      { level: 'error', message: "Can't reach agent on host 'db3'", host: 'db3' },
      {
        level: 'error',
        message: "The status of the agent on host 'db3' could not be determined (answer was: ERROR: nope).",
        host: 'db3',
      },
      {
        level: 'error',
        message: "The status of the system 'db3' could not be determined (answer was: 0).",
        host: 'db3',
      },
    ]);
    expect(r.r.table).toContain('    db3     ?       ?         UNKNOWN           ?               \n');
  });

  it('does not flag when ping or mysql is failed, nor for an ADMIN_OFFLINE host', () => {
    const down = start({ agents: { db3: undefined }, checks: { db3: checks({ mysql: false }) } });
    expect(down.r.model.hosts['db3']!.agentReachable).toBe(true);
    expect(down.log).toContain("The status of the agent on host 'db3' could not be determined (answer was: ).");
    const off = start({ stored: 'db3|ADMIN_OFFLINE|', agents: { db3: undefined }, systems: { db3: undefined } });
    expect(off.r.events.filter((e) => e.host === 'db3')).toEqual([]);
  });

  it('records uptimes; last_uptime only for hosts stored ONLINE', () => {
    const r = start({
      stored: 'db1|ONLINE|\ndb2|HARD_OFFLINE|',
      agents: { db1: agent('ONLINE', [], 500), db2: agent('HARD_OFFLINE', [], 600) },
    });
    expect(r.r.model.hosts['db1']).toMatchObject({ uptime: 500, lastOnlineUptime: 500 });
    expect(r.r.model.hosts['db2']).toMatchObject({ uptime: 600, lastOnlineUptime: 0 });
  });

  it('takes the initial checks into the model, keeping defaults for hosts without any', () => {
    const r = start({ checks: { db1: checks({ ping: false }) } });
    expect(r.r.model.hosts['db1']!.checks.ping.state).toBe('failed');
    expect(r.r.model.hosts['db2']!.checks.ping.state).toBe('unknown');
  });
});
