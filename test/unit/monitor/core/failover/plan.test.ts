// The recovery plan, rejoin actions, the failover commands and the explanations in show/checks.
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../../../monitor/core/commands/index.js';
import type { CommandContext } from '../../../../../monitor/core/commands/context.js';
import {
  addToHistory,
  recoveryId,
  renderHistory,
  type RecoveryRecord,
} from '../../../../../monitor/core/failover/audit.js';
import { planRecovery } from '../../../../../monitor/core/failover/plan.js';
import { rejoinActions } from '../../../../../monitor/core/failover/rejoin.js';
import { NO_FAILOVER, type ClusterModel } from '../../../../../monitor/core/types.js';
import { SEED_OWNERS, T0, WRITER_IP, model, seedConfig } from '../fixtures.js';
import { facts, rep } from './facts-fixtures.js';

const cfg = seedConfig();
const w = facts({
  serverId: 1,
  readOnly: false,
  binlogPos: '0-1-20',
  binlogState: '0-1-20',
  replication: rep({ sourceHost: 'db2' }),
});
const r = (src: string, id: number, o: Parameters<typeof rep>[0] = {}) =>
  facts({
    serverId: id,
    binlogPos: '0-1-20',
    binlogState: '0-1-20',
    replication: rep({ sourceHost: src, received: '0-1-20', ...o }),
  });
const healthy = { db1: w, db2: r('db1', 2), db3: r('db1', 3), db4: r('db1', 4) };
const settled = model(cfg, { owners: SEED_OWNERS });

const switchoverPlan = (m: ClusterModel) =>
  planRecovery({
    config: cfg,
    model: m,
    facts: healthy,
    open: [{ host: 'db1', lastContactAt: T0 }],
    target: 'db2',
    kind: 'switchover',
    now: T0,
  });

describe('planRecovery', () => {
  it('fences the old writer, catches up and promotes the candidate with replication cut, repoints the rest', () => {
    const m = model(cfg, { owners: SEED_OWNERS, hosts: { db1: { state: 'HARD_OFFLINE' } } });
    const p = planRecovery({
      config: cfg,
      model: m,
      facts: { ...healthy, db1: undefined } as never,
      open: [{ host: 'db1', lastContactAt: T0 }],
      target: 'db2',
      kind: 'failover',
      now: T0,
    });
    expect(p).toMatchObject({
      from: ['db1'],
      to: 'db2',
      fence: [{ host: 'db1', leaseOverAt: T0 + 11_000 }],
      catchUp: { timeoutMs: 30_000, policy: 'abort' },
      promote: 'stop',
      repoint: [
        { host: 'db3', from: 'db1' },
        { host: 'db4', from: 'db1' },
      ],
      skipped: [
        { host: 'db1', reason: 'the old writer is not reachable: it is compared and repointed when it returns' },
      ],
      blocked: '',
    });
  });

  it('says why nothing can run; a switchover uses switchover_timeout; --promote changes the policy', () => {
    const none = planRecovery({
      config: cfg,
      model: settled,
      facts: {},
      open: [{ host: 'db1', lastContactAt: undefined }],
      target: undefined,
      kind: 'failover',
      now: T0,
    });
    expect(none.to).toBeUndefined();
    expect(none.blocked).toMatch(/^no eligible host/);
    expect(none.fence).toEqual([{ host: 'db1', leaseOverAt: undefined }]);
    const m: ClusterModel = { ...settled, failover: { ...NO_FAILOVER, promoteOnce: true } };
    const sw = switchoverPlan(m);
    expect(sw.catchUp).toEqual({ timeoutMs: 10_000, policy: 'promote' });
    const initial = planRecovery({
      config: cfg,
      model: settled,
      facts: { db1: facts() },
      open: [],
      target: 'db1',
      kind: 'initial',
      now: T0,
    });
    expect(initial).toMatchObject({ promote: 'stop', catchUp: undefined });
  });

  it('is blocked by a sticky block and by anti-flap', () => {
    const blocked: ClusterModel = {
      ...settled,
      failover: { ...NO_FAILOVER, blocked: { kind: 'fence', reason: 'r', since: T0, hint: 'h' } },
    };
    expect(
      planRecovery({ config: cfg, model: blocked, facts: healthy, open: [], target: 'db2', kind: 'failover', now: T0 })
        .blocked,
    ).toBe('failover blocked (fence): r');
    const flap: ClusterModel = {
      ...settled,
      failover: { ...NO_FAILOVER, lastAuto: { at: T0 - 10_000, from: 'db2', to: 'db1' } },
    };
    expect(
      planRecovery({ config: cfg, model: flap, facts: healthy, open: [], target: 'db2', kind: 'failover', now: T0 })
        .blocked,
    ).toBe('anti-flap: an automatic failover ran 10 s ago (anti_flap_window 3600 s)');
  });

  it('skips ADMIN_OFFLINE and held-out hosts', () => {
    const m = model(cfg, {
      owners: SEED_OWNERS,
      hosts: {
        db3: { state: 'ADMIN_OFFLINE' },
        db4: { heldOut: { kind: 'errant', reason: 'x', gtids: 'g', since: 0 } },
      },
    });
    const p = switchoverPlan(m);
    expect(p.repoint).toEqual([]);
    expect(p.skipped.map((s) => s.host)).toEqual(['db3', 'db4']);
  });
});

describe('rejoinActions', () => {
  const after = model(cfg, { owners: { ...SEED_OWNERS, [WRITER_IP]: 'db2' } });
  const db2 = facts({
    serverId: 2,
    readOnly: false,
    binlogPos: '0-2-5',
    binlogState: '0-1-20,0-2-5',
    replication: rep({ sourceHost: 'db1', ioRunning: 'no', sqlRunning: false }),
  });
  it('repoints hosts that do not replicate from the writer and restores the back link once the peer follows', () => {
    const f = { db1: r('db2', 1), db2, db3: r('db1', 3), db4: r('db2', 4) };
    expect(rejoinActions(cfg, after, f, 'db2')).toEqual({ repoint: ['db3'], backLink: 'db1' });
    const linked = { ...f, db2: { ...db2, replication: rep({ sourceHost: 'db1' }) } };
    expect(rejoinActions(cfg, after, linked, 'db2').backLink).toBeUndefined();
    expect(rejoinActions(cfg, after, f, undefined)).toEqual({ repoint: [], backLink: undefined });
  });
  it('leaves held-out, ADMIN_OFFLINE and unknown hosts alone', () => {
    const m = model(cfg, {
      owners: { ...SEED_OWNERS, [WRITER_IP]: 'db2' },
      hosts: {
        db1: { state: 'AWAITING_RECOVERY', heldOut: { kind: 'errant', reason: 'x', gtids: '0-1-21', since: 0 } },
        db3: { state: 'ADMIN_OFFLINE' },
      },
    });
    const f = { db1: r('db2', 1), db2, db3: r('db1', 3) };
    expect(rejoinActions(cfg, m, f, 'db2')).toEqual({ repoint: [], backLink: undefined });
  });
});

const rec: RecoveryRecord = {
  id: recoveryId('failover', T0, 1),
  kind: 'failover',
  from: ['db1'],
  to: 'db2',
  startedAt: T0,
  durationMs: 812,
  outcome: 'done',
  reason: '',
  fencedBy: [{ host: 'db1', by: 'agent-vip-only' }],
  missing: '',
  writePauseMs: undefined,
  notFollowing: [{ host: 'db4', reason: 'IO error 1236' }],
  steps: [{ name: 'fence', host: 'db1', startedAt: T0, durationMs: 12, outcome: 'ok', detail: 'VIP removed' }],
};

describe('failover commands', () => {
  const ctx = (o: Partial<CommandContext> = {}): CommandContext => ({
    config: cfg,
    now: T0,
    agentReachable: () => true,
    utcOffset: () => 0,
    ...o,
  });

  it('failover_plan explains what would happen if the writer failed now', () => {
    const out = runCommand(
      settled,
      ['failover_plan'],
      ctx({ failover: { facts: healthy, open: [], history: [], inProgress: '' } }),
    );
    expect(out.response.text).toBe(
      [
        'No failover would run now: writer db1 is ONLINE.',
        'If db1 failed now:',
        '  candidate: db2',
        '  not a candidate: db1: it is the writer being replaced',
        '  fence: db1 through its agent (if it does not answer: no lease, or kill_host_bin)',
        '  catch-up: db2 applies its relay log within 30000 ms, on timeout: abort',
        '  promote: db2 (replication from the old writer: stop)',
        '  repoint: db3 (now from db1) to db2 by GTID',
        '  repoint: db4 (now from db1) to db2 by GTID',
        '',
      ].join('\n'),
    );
    const orphan = runCommand(model(cfg, { owners: { ...SEED_OWNERS, [WRITER_IP]: '' } }), ['failover_plan'], ctx());
    expect(orphan.response.text).toMatch(
      /^Writer role is orphaned: a failover would run now.\n {2}BLOCKED: no eligible host/,
    );
  });

  it('history renders the records, newest last, and refuses a bad N', () => {
    expect(recoveryId('failover', T0, 1)).toBe('failover-20261122T020345Z-1');
    const h = addToHistory([], rec);
    expect(
      runCommand(settled, ['history'], ctx({ failover: { facts: {}, open: [], history: h, inProgress: '' } })).response
        .text,
    ).toBe(
      'failover-20261122T020345Z-1: failover db1 -> db2 DONE at 2026/11/22 02:03:45 UTC in 812 ms; fenced: db1 by agent-vip-only\n' +
        '  not following db2: db4: IO error 1236\n' +
        '  fence db1: ok (12 ms) VIP removed\n',
    );
    expect(runCommand(settled, ['history', '0'], ctx()).response.exitCode).toBe(1);
    expect(runCommand(settled, ['history'], ctx()).response.text).toBe(renderHistory([], 10));
    expect(
      addToHistory(
        Array.from({ length: 50 }, () => rec),
        { ...rec, id: 'last' },
      ),
    ).toHaveLength(50);
  });

  it('failover_ack releases a block and anti-flap; --promote is remembered', () => {
    expect(runCommand(settled, ['failover_ack'], ctx()).response.text).toBe('OK: Nothing to acknowledge.');
    expect(runCommand(settled, ['failover_ack', '--x'], ctx()).response.exitCode).toBe(1);
    const blocked: ClusterModel = {
      ...settled,
      failover: { ...NO_FAILOVER, blocked: { kind: 'catchup-timeout', reason: 'slow', since: T0, hint: 'h' } },
    };
    const out = runCommand(blocked, ['failover_ack', '--promote'], ctx());
    expect(out.response.text).toBe(
      'OK: Acknowledged. The failover is retried at the next check. It promotes even if catch-up times out.',
    );
    expect(out.model.failover).toMatchObject({ blocked: undefined, acknowledgedAt: T0, promoteOnce: true });
    const flap: ClusterModel = {
      ...settled,
      failover: { ...NO_FAILOVER, lastAuto: { at: T0 - 5, from: 'db1', to: 'db2' } },
    };
    expect(runCommand(flap, ['failover_ack'], ctx()).response.text).toBe('OK: Acknowledged.');
  });

  it('show and checks explain blocks and held-out hosts after MMM’s output; nothing otherwise', () => {
    const plain = runCommand(settled, ['show'], ctx()).response.text;
    expect(plain).not.toContain('# Failover');
    const m = model(cfg, {
      owners: { ...SEED_OWNERS, [WRITER_IP]: '' },
      hosts: {
        db1: {
          state: 'AWAITING_RECOVERY',
          heldOut: { kind: 'errant', reason: 'errant transactions 0-1-21', gtids: '0-1-21', since: T0 },
        },
      },
    });
    const blocked: ClusterModel = {
      ...m,
      failover: {
        ...NO_FAILOVER,
        blocked: {
          kind: 'catchup-timeout',
          reason: 'db2 did not apply its relay log',
          since: T0,
          hint: 'run failover_ack',
        },
      },
    };
    const show = runCommand(
      blocked,
      ['show'],
      ctx({ failover: { facts: {}, open: [], history: [], inProgress: 'waiting for the lease of db1' } }),
    );
    expect(show.response.text.split('\n').filter((l) => l.startsWith('# ') && !l.startsWith('# Role'))).toEqual([
      '# Failover in progress: waiting for the lease of db1',
      '# Failover blocked (catchup-timeout) since 2026/11/22 02:03:45 UTC: db2 did not apply its relay log',
      "#   The writer role 'writer' stays orphaned. To go on: run failover_ack",
      '# Host db1 is held out of ONLINE since 2026/11/22 02:03:45 UTC: errant transactions 0-1-21',
      '#   Errant GTIDs: 0-1-21. Inspect them on db1; rebuild it from the writer (or remove them) to let it rejoin.',
    ]);
    expect(show.response.data).toMatchObject({
      failover: { blocked: { kind: 'catchup-timeout' }, heldOut: [{ host: 'db1', gtids: '0-1-21' }] },
    });
    const waiting: ClusterModel = {
      ...m,
      failover: { ...NO_FAILOVER, waiting: 'no eligible host', orphanedBy: { from: 'db1', at: T0 } },
    };
    expect(
      runCommand({ ...m, failover: { ...NO_FAILOVER, waiting: 'x' } }, ['show'], ctx()).response.text,
    ).not.toContain('orphaned');
    expect(runCommand(waiting, ['show'], ctx()).response.text).toContain(
      "# Writer role 'writer' is orphaned: no eligible host\n",
    );
    const checks = runCommand(m, ['checks', 'db1'], ctx()).response.text;
    expect(checks).toContain('#   Errant GTIDs: 0-1-21.');
    expect(runCommand(m, ['checks', 'db2'], ctx()).response.text).not.toContain('Errant');
    const cf = model(cfg, {
      hosts: {
        db4: {
          state: 'REPLICATION_FAIL',
          heldOut: { kind: 'cannot-follow', reason: 'cannot follow writer db1: 1236', gtids: '', since: T0 },
        },
      },
    });
    expect(runCommand(cf, ['show'], ctx()).response.text).toContain('#   Fix its replication from the writer');
  });

  it('set_online refuses a held-out host', () => {
    const m = model(cfg, {
      owners: SEED_OWNERS,
      hosts: {
        db3: {
          state: 'AWAITING_RECOVERY',
          heldOut: { kind: 'errant', reason: 'errant 0-3-1', gtids: '0-3-1', since: T0 },
        },
      },
    });
    expect(runCommand(m, ['set_online', 'db3'], ctx()).response.text).toBe(
      "ERROR: Host 'db3' is held out: errant 0-3-1. It can't be switched to ONLINE.",
    );
  });
});
