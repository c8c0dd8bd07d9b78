// decide with fresh facts (issue 6): candidate ranking for the orphaned writer, hold-outs, anti-flap, blocks.
import { describe, expect, it } from 'vitest';
import { decide, type TickSnapshot } from '../../../../../monitor/core/decide.js';
import { blockFailover, consumePromoteOnce, markCannotFollow } from '../../../../../monitor/core/failover/outcome.js';
import { antiFlapHolds } from '../../../../../monitor/core/failover/tick.js';
import { NO_FAILOVER, type ClusterModel } from '../../../../../monitor/core/types.js';
import { SEED_OWNERS, T0, WRITER_IP, checks, model, owners, role, seedConfig } from '../fixtures.js';
import { facts, rep } from './facts-fixtures.js';

const cfg = seedConfig();
const three = seedConfig({ roles: [role('writer', 'exclusive', ['db1', 'db2', 'db3'], [WRITER_IP])] });

const writerFacts = facts({ serverId: 1, readOnly: false, binlogPos: '0-1-20', binlogState: '0-1-20' });
const replicaOf = (src: string, id: number, received = '0-1-20', state = received) =>
  facts({
    serverId: id,
    binlogPos: state,
    binlogState: state,
    replication: rep({ sourceHost: src, received, executed: state }),
  });
const healthy = { db1: writerFacts, db2: replicaOf('db1', 2), db3: replicaOf('db1', 3), db4: replicaOf('db1', 4) };

function tick(m: ClusterModel, o: Partial<TickSnapshot> = {}, now = T0, config = cfg) {
  return decide({ config, model: m, checks: {}, agents: {}, haveNet: true, facts: healthy, ...o }, now);
}

const db1Dies = { checks: { db1: checks({ mysql: false }) } };

describe('decide with facts', () => {
  it('fails over to the most advanced candidate and records the automatic failover', () => {
    const f = { ...healthy, db2: replicaOf('db1', 2, '0-1-18'), db3: replicaOf('db1', 3, '0-1-20') };
    const r = tick(model(three, { owners: SEED_OWNERS }), { ...db1Dies, facts: f }, T0, three);
    expect(owners(r.model)[WRITER_IP]).toBe('db3');
    expect(r.activeMasterChange).toEqual({ from: 'db1', to: 'db3' });
    expect(r.model.failover?.lastAuto).toEqual({ at: T0, from: 'db1', to: 'db3' });
    expect(r.model.failover?.orphanedBy).toBeUndefined();
  });

  it('keeps the writer role orphaned with the reason when no candidate is safe, and places it once one is', () => {
    const f = {
      ...healthy,
      db2: facts({
        serverId: 2,
        binlogPos: '0-1-5',
        replication: rep({ sqlRunning: false, lastSqlErrno: 1062, lastSqlError: 'dup' }),
      }),
    };
    const r = tick(model(cfg, { owners: SEED_OWNERS }), { ...db1Dies, facts: f });
    expect(owners(r.model)[WRITER_IP]).toBeUndefined();
    expect(r.model.failover?.waiting).toMatch(
      /^no eligible host: db1 \(it is HARD_OFFLINE\); db2 \(its replication is broken/,
    );
    expect(r.events.map((e) => e.message)).toContainEqual(expect.stringMatching(/^Writer role stays orphaned/));
    const again = tick(r.model, { ...db1Dies, facts: { ...healthy, db2: replicaOf('db1', 2) } }, T0 + 1000);
    expect(owners(again.model)[WRITER_IP]).toBe('db2');
    expect(again.model.failover).toMatchObject({ waiting: '', lastAuto: { from: 'db1', to: 'db2' } });
  });

  it('the writer back on the host that lost it is no failover: anti-flap stays unarmed', () => {
    const bothDown = {
      checks: { db1: checks({ mysql: false }), db2: checks({ mysql: false }) },
    };
    const down = tick(model(cfg, { owners: SEED_OWNERS }), bothDown);
    expect(owners(down.model)[WRITER_IP]).toBeUndefined();
    expect(down.model.failover?.orphanedBy).toEqual({ from: 'db1', at: T0 });
    // db1 returns (ONLINE again), db2 still down: the writer goes back to db1
    const db1 = down.model.hosts['db1'];
    if (db1 === undefined) throw new Error('no db1');
    const returned: ClusterModel = { ...down.model, hosts: { ...down.model.hosts, db1: { ...db1, state: 'ONLINE' } } };
    const back = tick(returned, { checks: { db1: checks(), db2: checks({ mysql: false }) } }, T0 + 5_000);
    expect(owners(back.model)[WRITER_IP]).toBe('db1');
    expect(back.model.failover?.lastAuto).toBeUndefined();
    expect(back.model.failover?.orphanedBy).toBeUndefined();
  });

  it('holds a second automatic failover within anti_flap_window until failover_ack', () => {
    const first = tick(model(three, { owners: SEED_OWNERS }), db1Dies, T0, three);
    expect(owners(first.model)[WRITER_IP]).toBe('db2');
    const f2 = { ...healthy, db2: facts({ serverId: 2, readOnly: false, binlogPos: '0-1-20', binlogState: '0-1-20' }) };
    const second = tick(
      first.model,
      { checks: { db1: checks({ mysql: false }), db2: checks({ mysql: false }) }, facts: f2 },
      T0 + 60_000,
      three,
    );
    expect(owners(second.model)[WRITER_IP]).toBeUndefined();
    expect(second.model.failover?.blocked).toMatchObject({ kind: 'anti-flap', since: T0 + 60_000 });
    expect(antiFlapHolds(second.model.failover ?? NO_FAILOVER, 3600, T0 + 60_000)).toBe(true);
    expect(antiFlapHolds(second.model.failover ?? NO_FAILOVER, 3600, T0 + 3_600_001)).toBe(false);
    expect(antiFlapHolds(NO_FAILOVER, 3600, T0)).toBe(false);
    expect(antiFlapHolds(second.model.failover ?? NO_FAILOVER, 0, T0)).toBe(false);
    // Still blocked at the next tick; released by the acknowledgement (see commands).
    const third = tick(
      second.model,
      { checks: { db1: checks({ mysql: false }), db2: checks({ mysql: false }) }, facts: f2 },
      T0 + 61_000,
      three,
    );
    expect(owners(third.model)[WRITER_IP]).toBeUndefined();
  });

  it('an admin orphaning (set_offline) is no automatic failover', () => {
    const m = model(cfg, { owners: { ...SEED_OWNERS, [WRITER_IP]: '' }, hosts: { db1: { state: 'ADMIN_OFFLINE' } } });
    const r = tick(m);
    expect(owners(r.model)[WRITER_IP]).toBe('db2');
    expect(r.model.failover).toBeUndefined();
  });

  it('holds a host with errant transactions out of ONLINE and lets it back once they are gone', () => {
    const errant = { ...healthy, db3: replicaOf('db1', 3, '0-1-20', '0-1-20,0-3-1') };
    const r = tick(model(cfg, { owners: SEED_OWNERS }), { facts: errant });
    expect(r.model.hosts['db3']?.heldOut).toMatchObject({ kind: 'errant', gtids: '0-3-1', since: T0 });
    expect(r.stateChanges).toMatchObject([{ host: 'db3', from: 'ONLINE', to: 'REPLICATION_FAIL', rule: 'held_out' }]);
    const later = tick(r.model, { facts: errant }, T0 + 5000);
    expect(later.model.hosts['db3']?.heldOut?.since).toBe(T0);
    expect(later.stateChanges).toEqual([]);
    const clean = tick(later.model, {}, T0 + 10_000);
    expect(clean.model.hosts['db3']?.heldOut).toBeUndefined();
    expect(clean.stateChanges).toMatchObject([{ host: 'db3', to: 'ONLINE' }]);
  });

  it('keeps a held-out host in AWAITING_RECOVERY although its downtime was short', () => {
    const errant = { ...healthy, db3: replicaOf('db1', 3, '0-1-20', '0-1-20,0-3-2') };
    const m = model(cfg, {
      owners: SEED_OWNERS,
      hosts: { db3: { state: 'AWAITING_RECOVERY', uptime: 100, lastOnlineUptime: 90 } },
    });
    expect(tick(m).stateChanges).toMatchObject([{ host: 'db3', to: 'ONLINE' }]);
    expect(tick(m, { facts: errant }).stateChanges).toEqual([]);
  });

  it('ends a cannot-follow hold once the host replicates from the writer', () => {
    const held = markCannotFollow(model(cfg, { owners: SEED_OWNERS }), cfg, 'db4', 'db1', 'IO error 1236', T0);
    expect(held.model.hosts['db4']).toMatchObject({ state: 'REPLICATION_FAIL', heldOut: { kind: 'cannot-follow' } });
    expect(Object.values(owners(held.model))).not.toContain('db4');
    expect(held.push).toEqual([{ hosts: ['db1', 'db2', 'db3', 'db4'], clearBadRoles: false }]);
    const stillBroken = {
      ...healthy,
      db4: facts({ serverId: 4, replication: rep({ ioRunning: 'no', lastIoErrno: 1236 }) }),
    };
    expect(tick(held.model, { facts: stillBroken }).model.hosts['db4']?.heldOut).toBeDefined();
    const r = tick(held.model);
    expect(r.model.hosts['db4']?.heldOut).toBeUndefined();
    expect(r.stateChanges).toMatchObject([{ host: 'db4', to: 'ONLINE' }]);
  });

  it('a blocked failover keeps the role orphaned until acknowledged; --promote is consumed once', () => {
    const b = blockFailover(
      model(cfg, { owners: { ...SEED_OWNERS, [WRITER_IP]: 'db2' } }),
      cfg,
      { kind: 'catchup-timeout', reason: 'slow', since: T0, hint: 'ack' },
      T0,
    );
    expect(owners(b.model)[WRITER_IP]).toBeUndefined();
    expect(b.events.map((e) => e.message)).toEqual(['Failover blocked (catchup-timeout): slow; ack']);
    expect(owners(tick(b.model).model)[WRITER_IP]).toBeUndefined();
    const m = { ...b.model, failover: { ...NO_FAILOVER, promoteOnce: true } };
    expect(consumePromoteOnce(m).failover?.promoteOnce).toBe(false);
    expect(consumePromoteOnce(b.model)).toBe(b.model);
  });

  it('does not judge errant transactions without the writer’s facts', () => {
    const r = tick(model(cfg, { owners: SEED_OWNERS }), { facts: { db3: replicaOf('db1', 3, '0-1-20', '0-3-9') } });
    expect(r.model.hosts['db3']?.heldOut).toBeUndefined();
  });
});
