import { describe, expect, it } from 'vitest';
import type { HostState, RoleIp } from '../../../common/api/agent.js';
import {
  nextReplicationHold,
  planFence,
  planReconcile,
  type Action,
  type ActualMysql,
  type ReconcileInput,
} from '../../../agent/reconcile.js';

const W = '198.18.30.250';
const R1 = '198.18.30.221';
const R2 = '198.18.30.222';
const CLUSTER: RoleIp[] = [
  { role: 'writer', ip: W },
  { role: 'reader', ip: R1 },
  { role: 'reader', ip: R2 },
];
const writer: RoleIp = { role: 'writer', ip: W };
const r1: RoleIp = { role: 'reader', ip: R1 };
const r2: RoleIp = { role: 'reader', ip: R2 };

const RUNNING = { ioRunning: true, sqlRunning: true };

function input(over: {
  grant?: boolean;
  bound?: string[];
  readOnly?: boolean | null;
  replication?: ActualMysql['replication'];
  held?: boolean;
  state?: HostState;
  roles?: RoleIp[];
}): ReconcileInput {
  const readOnly = over.readOnly === undefined ? true : over.readOnly;
  return {
    writerRole: 'writer',
    clusterRoleIps: CLUSTER,
    boundIps: new Set(over.bound ?? []),
    mysql:
      readOnly === null ? null : { readOnly, replication: over.replication === undefined ? RUNNING : over.replication },
    writerGrant: over.grant ?? false,
    replicationHeld: over.held ?? false,
    desired: { state: over.state ?? 'ONLINE', roles: over.roles ?? [] },
  };
}

const kinds = (actions: Action[]): string[] =>
  actions.map((a) => ('ip' in a ? `${a.kind} ${a.role}(${a.ip})` : a.kind));

const FENCE = ['deny-writes', 'kill-sessions', `remove-vip writer(${W})`, 'revoke-writer'];

describe('planReconcile: writer role', () => {
  // current writer situation × desired writer yes/no, with MySQL readable.
  const table: [string, Parameters<typeof input>[0], boolean, string[]][] = [
    ['not writer, stays not writer', {}, false, []],
    ['not writer, desired writer without promote: nothing yet', {}, true, []],
    [
      'open writer loses the role: deny, kill, then drop VIP',
      { grant: true, bound: [W], readOnly: false },
      false,
      FENCE,
    ],
    ['open writer keeps the role', { grant: true, bound: [W], readOnly: false }, true, []],
    [
      'granted, VIP missing, loses role',
      { grant: true, readOnly: true },
      false,
      ['deny-writes', 'kill-sessions', 'revoke-writer'],
    ],
    [
      'granted, VIP missing, keeps role: bind VIP then allow writes',
      { grant: true, readOnly: true },
      true,
      [`add-vip writer(${W})`, 'allow-writes'],
    ],
    ['stale writer VIP without grant, not desired: fenced', { bound: [W] }, false, FENCE],
    ['stale writer VIP without grant, desired writer: left for promote', { bound: [W] }, true, []],
    ['writable without the role: read_only back, no kill', { readOnly: false }, false, ['deny-writes']],
    ['writable, desired writer, not promoted yet: left open (e.g. taken over from MMM)', { readOnly: false }, true, []],
    [
      'granted with VIP but read_only set by hand, loses role',
      { grant: true, bound: [W], readOnly: true },
      false,
      FENCE,
    ],
    [
      'granted with VIP but read_only set by hand, keeps role: allow writes',
      { grant: true, bound: [W], readOnly: true },
      true,
      ['allow-writes'],
    ],
  ];
  it.each(table)('%s', (_name, current, wantsWriter, expected) => {
    expect(kinds(planReconcile(input({ ...current, roles: wantsWriter ? [writer] : [] })))).toEqual(expected);
  });

  // The same with MySQL unreadable (down or hung): VIP handling still happens, MySQL steps only when fencing.
  const down: [string, Parameters<typeof input>[0], boolean, string[]][] = [
    ['mysql down, not writer', { readOnly: null }, false, []],
    [
      'mysql down, open writer loses role: still fenced in order',
      { grant: true, bound: [W], readOnly: null },
      false,
      FENCE,
    ],
    ['mysql down, open writer keeps role: nothing to do', { grant: true, bound: [W], readOnly: null }, true, []],
    [
      'mysql down, granted without VIP keeps role: VIP only',
      { grant: true, readOnly: null },
      true,
      [`add-vip writer(${W})`],
    ],
    ['mysql down, stale VIP without grant: fenced', { bound: [W], readOnly: null }, false, FENCE],
  ];
  it.each(down)('%s', (_name, current, wantsWriter, expected) => {
    expect(kinds(planReconcile(input({ ...current, roles: wantsWriter ? [writer] : [] })))).toEqual(expected);
  });
});

describe('planReconcile: reader roles', () => {
  const table: [string[], RoleIp[], string[]][] = [
    [[], [], []],
    [[], [r1], [`add-vip reader(${R1})`]],
    [[], [r1, r2], [`add-vip reader(${R1})`, `add-vip reader(${R2})`]],
    [[R1], [r1], []],
    [[R1], [], [`remove-vip reader(${R1})`]],
    [[R1], [r2], [`remove-vip reader(${R1})`, `add-vip reader(${R2})`]],
    [[R1], [r1, r2], [`add-vip reader(${R2})`]],
    [[R1, R2], [r2], [`remove-vip reader(${R1})`]],
    [[R1, R2], [], [`remove-vip reader(${R1})`, `remove-vip reader(${R2})`]],
    [[R1, R2], [r1, r2], []],
  ];
  it.each(table)('bound %j, desired %j', (bound, roles, expected) => {
    expect(kinds(planReconcile(input({ bound, roles })))).toEqual(expected);
    // MySQL being down does not matter for reader VIPs.
    expect(kinds(planReconcile(input({ bound, roles, readOnly: null })))).toEqual(expected);
  });

  it('ignores addresses that are not configured role IPs', () => {
    expect(planReconcile(input({ bound: ['198.18.30.11', '10.9.9.9'] }))).toEqual([]);
  });
});

describe('planReconcile: replication and ADMIN_OFFLINE', () => {
  const stopped = { ioRunning: false, sqlRunning: false };
  const ioOnly = { ioRunning: true, sqlRunning: false };
  const table: [HostState, boolean, ActualMysql['replication'] | 'down', string[]][] = [
    ['ADMIN_OFFLINE', false, RUNNING, ['stop-replication']],
    ['ADMIN_OFFLINE', true, RUNNING, ['stop-replication']],
    ['ADMIN_OFFLINE', true, ioOnly, ['stop-replication']],
    ['ADMIN_OFFLINE', true, stopped, []],
    ['ADMIN_OFFLINE', true, null, []],
    ['ADMIN_OFFLINE', true, 'down', []],
    ['ONLINE', true, stopped, ['start-replication']],
    ['ONLINE', true, ioOnly, ['start-replication']],
    ['ONLINE', true, RUNNING, []],
    ['ONLINE', true, null, []],
    ['ONLINE', true, 'down', []],
    ['ONLINE', false, stopped, []],
    ['REPLICATION_FAIL', false, stopped, []],
    ['HARD_OFFLINE', true, stopped, ['start-replication']],
  ];
  it.each(table)('desired %s, held %s, replication %j → %j', (state, held, repl, expected) => {
    const i = repl === 'down' ? input({ state, held, readOnly: null }) : input({ state, held, replication: repl });
    expect(kinds(planReconcile(i))).toEqual(expected);
  });

  it('nextReplicationHold: held from entering ADMIN_OFFLINE until START ran', () => {
    expect(nextReplicationHold('ADMIN_OFFLINE', false, true, false)).toBe(true);
    expect(nextReplicationHold('ONLINE', true, true, false)).toBe(false);
    expect(nextReplicationHold('ONLINE', true, true, true)).toBe(true);
    expect(nextReplicationHold('ONLINE', true, false, false)).toBe(true);
    expect(nextReplicationHold('ONLINE', false, false, true)).toBe(false);
  });
});

describe('planReconcile: order of everything at once', () => {
  it('fences the writer first, then readers out, replication, readers in', () => {
    const plan = planReconcile(
      input({ grant: true, bound: [W, R1], readOnly: false, state: 'ADMIN_OFFLINE', roles: [r2] }),
    );
    expect(kinds(plan)).toEqual([...FENCE, `remove-vip reader(${R1})`, 'stop-replication', `add-vip reader(${R2})`]);
  });

  it('opens the writer last: readers bound, writer VIP bound, then writes allowed', () => {
    const plan = planReconcile(
      input({
        grant: true,
        readOnly: true,
        held: true,
        replication: { ioRunning: false, sqlRunning: false },
        roles: [writer, r1],
      }),
    );
    expect(kinds(plan)).toEqual(['start-replication', `add-vip reader(${R1})`, `add-vip writer(${W})`, 'allow-writes']);
  });

  it('planFence drops only bound writer VIPs', () => {
    expect(kinds(planFence('writer', CLUSTER, new Set([R1])))).toEqual([
      'deny-writes',
      'kill-sessions',
      'revoke-writer',
    ]);
  });
});

// Every combination of current and desired state: the plan is safe, and applying it converges (a second
// plan on the resulting state is empty).
describe('planReconcile: all combinations', () => {
  interface Sim {
    grant: boolean;
    bound: Set<string>;
    readOnly: boolean | null;
    repl: ActualMysql['replication'];
    held: boolean;
  }
  const simulate = (s: Sim, plan: Action[], state: HostState): Sim => {
    const next: Sim = { ...s, bound: new Set(s.bound) };
    for (const a of plan) {
      switch (a.kind) {
        case 'deny-writes':
          if (next.readOnly !== null) next.readOnly = true;
          break;
        case 'allow-writes':
          if (next.readOnly !== null) next.readOnly = false;
          break;
        case 'kill-sessions':
          break;
        case 'remove-vip':
          next.bound.delete(a.ip);
          break;
        case 'add-vip':
          next.bound.add(a.ip);
          break;
        case 'revoke-writer':
          next.grant = false;
          break;
        case 'stop-replication':
          next.repl = { ioRunning: false, sqlRunning: false };
          break;
        case 'start-replication':
          next.repl = RUNNING;
          break;
      }
    }
    next.held = nextReplicationHold(state, s.held, s.readOnly !== null, false);
    return next;
  };
  const toInput = (s: Sim, state: HostState, roles: RoleIp[]): ReconcileInput => ({
    writerRole: 'writer',
    clusterRoleIps: CLUSTER,
    boundIps: s.bound,
    mysql: s.readOnly === null ? null : { readOnly: s.readOnly, replication: s.repl },
    writerGrant: s.grant,
    replicationHeld: s.held,
    desired: { state, roles },
  });
  const subsets = <T>(xs: T[]): T[][] => xs.reduce<T[][]>((acc, x) => [...acc, ...acc.map((s) => [...s, x])], [[]]);
  const repls: ActualMysql['replication'][] = [
    RUNNING,
    { ioRunning: false, sqlRunning: false },
    { ioRunning: true, sqlRunning: false },
    null,
  ];

  it('every combination is safe and converges', () => {
    let count = 0;
    for (const grant of [false, true])
      for (const bound of subsets([W, R1, R2]))
        for (const readOnly of [true, false, null])
          for (const repl of repls)
            for (const held of [false, true])
              for (const state of ['ONLINE', 'ADMIN_OFFLINE'] as HostState[])
                for (const roles of subsets([writer, r1, r2])) {
                  count++;
                  const sim: Sim = { grant, bound: new Set(bound), readOnly, repl, held };
                  const plan = planReconcile(toInput(sim, state, roles));
                  const ks = plan.map((a) => a.kind);
                  const wantsWriter = roles.includes(writer);
                  const label = JSON.stringify({
                    grant,
                    bound,
                    readOnly,
                    repl,
                    held,
                    state,
                    roles: roles.map((r) => r.ip),
                  });

                  // Writer VIP removal is always preceded by deny-writes and kill-sessions.
                  const removeW = plan.findIndex((a) => a.kind === 'remove-vip' && a.ip === W);
                  if (removeW >= 0) {
                    expect(ks.indexOf('deny-writes'), label).toBeGreaterThanOrEqual(0);
                    expect(ks.indexOf('deny-writes'), label).toBeLessThan(ks.indexOf('kill-sessions'));
                    expect(ks.indexOf('kill-sessions'), label).toBeLessThan(removeW);
                  }
                  // The writer only opens with the grant, after its VIP.
                  const addW = plan.findIndex((a) => a.kind === 'add-vip' && a.ip === W);
                  if (addW >= 0) expect(grant && wantsWriter, label).toBe(true);
                  if (ks.includes('allow-writes')) {
                    expect(grant && wantsWriter, label).toBe(true);
                    expect(ks.indexOf('allow-writes'), label).toBe(ks.length - 1);
                  }
                  // Converges: applied (all steps succeed), the next plan is empty.
                  const after = simulate(sim, plan, state);
                  expect(planReconcile(toInput(after, state, roles)), label).toEqual([]);
                  for (const ip of [R1, R2]) expect(after.bound.has(ip), label).toBe(roles.some((r) => r.ip === ip));
                  if (!wantsWriter) expect(after.bound.has(W), label).toBe(false);
                  if (wantsWriter && grant) expect(after.bound.has(W), label).toBe(true);
                }
    expect(count).toBe(2 * 8 * 3 * 4 * 2 * 2 * 8);
  });
});
