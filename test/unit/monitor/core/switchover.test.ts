import { describe, expect, it } from 'vitest';
import { applySwitchover } from '../../../../monitor/core/switchover.js';
import { SEED_OWNERS, T0, WRITER_IP, model, owners, seedConfig, type ModelSpec } from './fixtures.js';

const cfg = seedConfig();
const req = { role: 'writer', ip: WRITER_IP, from: 'db1', to: 'db2', force: false } as const;
const forced = { ...req, force: true } as const;
const seeded = (spec: ModelSpec = {}): ModelSpec => ({ owners: SEED_OWNERS, ...spec });

describe('applySwitchover', () => {
  it('commits a planned writer move with the push order old owner, slaves, new owner', () => {
    const r = applySwitchover(model(cfg, seeded()), cfg, req, T0);
    if (!r.ok) throw new Error(r.reason);
    expect(owners(r.model)[WRITER_IP]).toBe('db2');
    expect(r.roleMoves).toEqual([{ role: 'writer', ip: WRITER_IP, from: 'db1', to: 'db2', cause: 'admin' }]);
    expect(r.push).toEqual([
      { hosts: ['db1'], clearBadRoles: false },
      { hosts: ['db3', 'db4'], clearBadRoles: false },
      { hosts: ['db2'], clearBadRoles: false },
    ]);
    expect(r.stateChanges).toEqual([]);
  });

  it('refuses when the writer moved meanwhile or the target is no longer ONLINE', () => {
    expect(applySwitchover(model(cfg, { owners: { [WRITER_IP]: 'db2' } }), cfg, req, T0)).toEqual({
      ok: false,
      reason: "role 'writer' is on 'db2' now, not on 'db1'",
    });
    expect(applySwitchover(model(cfg), cfg, req, T0)).toEqual({
      ok: false,
      reason: "role 'writer' is on '' now, not on 'db1'",
    });
    expect(applySwitchover(model(cfg, seeded()), cfg, { ...req, from: undefined }, T0)).toEqual({
      ok: false,
      reason: "role 'writer' is on 'db1' now, not on ''",
    });
    expect(applySwitchover(model(cfg, seeded({ hosts: { db2: { state: 'HARD_OFFLINE' } } })), cfg, req, T0)).toEqual({
      ok: false,
      reason: "host 'db2' is HARD_OFFLINE now",
    });
    expect(applySwitchover(model(cfg), cfg, { ...req, from: undefined, to: 'db9' }, T0)).toEqual({
      ok: false,
      reason: "host 'db9' is unknown now",
    });
    expect(applySwitchover(model(cfg, seeded()), cfg, forced, T0)).toEqual({
      ok: false,
      reason: "host 'db2' is ONLINE now",
    });
  });

  it('forces the target ONLINE and demotes an old owner with broken replication (roles cleared in ACTIVE)', () => {
    const m = model(
      cfg,
      seeded({ hosts: { db2: { state: 'REPLICATION_FAIL' }, db1: { checks: { rep_threads: false } } } }),
    );
    const r = applySwitchover(m, cfg, forced, T0);
    if (!r.ok) throw new Error(r.reason);
    expect(r.model.hosts['db2']!.state).toBe('ONLINE');
    expect(r.model.hosts['db1']!.state).toBe('REPLICATION_FAIL');
    expect(Object.values(owners(r.model))).not.toContain('db1');
    expect(r.events.filter((e) => e.level === 'fatal').map((e) => e.message)).toEqual([
      "State of host 'db2' changed from REPLICATION_FAIL to ONLINE (because of move_role --force)",
      "State of host 'db1' changed from ONLINE to REPLICATION_FAIL (because of move_role --force)",
    ]);
    expect(r.model.hosts['db1']!.flap.count).toBe(1);
  });

  it('demotes a lagging old owner to REPLICATION_DELAY, keeping its roles in MANUAL mode', () => {
    const m = model(
      cfg,
      seeded({
        mode: 'MANUAL',
        hosts: { db2: { state: 'REPLICATION_DELAY' }, db1: { checks: { rep_backlog: false } } },
      }),
    );
    const r = applySwitchover(m, cfg, forced, T0);
    if (!r.ok) throw new Error(r.reason);
    expect(r.model.hosts['db1']!.state).toBe('REPLICATION_DELAY');
    expect(owners(r.model)['198.18.0.104']).toBe('db1');
  });

  it('leaves a healthy old owner ONLINE with its other roles', () => {
    const m = model(cfg, seeded({ hosts: { db2: { state: 'REPLICATION_DELAY' } } }));
    const r = applySwitchover(m, cfg, forced, T0);
    if (!r.ok) throw new Error(r.reason);
    expect(r.model.hosts['db1']!.state).toBe('ONLINE');
    expect(owners(r.model)['198.18.0.104']).toBe('db1');
    expect(r.stateChanges.map((c) => c.host)).toEqual(['db2']);
  });

  it('forces an orphaned writer onto the target; pushes nothing if the monitor went PASSIVE meanwhile', () => {
    const m = model(cfg, { mode: 'PASSIVE', hosts: { db2: { state: 'REPLICATION_FAIL' } } });
    const r = applySwitchover(m, cfg, { ...forced, from: undefined }, T0);
    if (!r.ok) throw new Error(r.reason);
    expect(owners(r.model)[WRITER_IP]).toBe('db2');
    expect(r.push).toEqual([]);
    const active = applySwitchover({ ...m, mode: 'ACTIVE' }, cfg, { ...forced, from: undefined }, T0);
    expect(active.ok && active.push).toEqual([
      { hosts: ['db3', 'db4'], clearBadRoles: false },
      { hosts: ['db2'], clearBadRoles: false },
    ]);
  });
});
