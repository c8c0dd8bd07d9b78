// set_active / set_manual / set_passive (spec §1.3, §5): answers, mode changes, cleanup on leaving PASSIVE.
import { describe, expect, it } from 'vitest';
import { SEED_OWNERS, WRITER_IP, command, model, owners, seedConfig } from '../fixtures.js';

const cfg = seedConfig();
const cleanup = [
  { hosts: ['db2'], clearBadRoles: true },
  { hosts: ['db3', 'db4'], clearBadRoles: true },
  { hosts: ['db1'], clearBadRoles: true },
];

const cleanupWithoutWriter = [
  { hosts: ['db1', 'db2'], clearBadRoles: true },
  { hosts: ['db3', 'db4'], clearBadRoles: true },
];

describe('set_active', () => {
  it('is a no-op in ACTIVE mode', () => {
    const out = command(model(cfg), ['set_active']);
    expect(out.response).toEqual({ ok: true, exitCode: 0, text: 'OK: Already in active mode.' });
    expect(out.changes.modeChange).toBeUndefined();
  });

  it('leaves PASSIVE with cleanup and send status (passive master, slaves, active master)', () => {
    const m = model(cfg, { mode: 'PASSIVE', owners: SEED_OWNERS });
    const out = command(m, ['set_active']);
    expect(out.response.text).toBe('OK: Switched into active mode.');
    expect(out.model).toMatchObject({ mode: 'ACTIVE', passiveCause: '' });
    expect(out.changes.modeChange).toEqual({ from: 'PASSIVE', to: 'ACTIVE' });
    expect(out.changes.events).toEqual([{ level: 'info', message: "Admin changed mode from 'PASSIVE' to 'ACTIVE'" }]);
    expect(out.changes.push).toEqual(cleanup);
    expect(out.changes.killIfUnreached).toEqual([]);
  });

  it('from PASSIVE also strips roles a failed host kept through MANUAL (MMM left them for ever)', () => {
    const m = model(cfg, { mode: 'PASSIVE', owners: SEED_OWNERS, hosts: { db1: { state: 'HARD_OFFLINE' } } });
    const out = command(m, ['set_active']);
    expect(Object.values(owners(out.model))).not.toContain('db1');
    expect(out.changes.push).toEqual([{ hosts: ['db1'], clearBadRoles: false }, ...cleanupWithoutWriter]);
    expect(out.changes.killIfUnreached).toEqual(['db1']);
  });

  it.each(['MANUAL', 'WAIT'] as const)(
    'from %s strips roles from hosts that are not ONLINE and fences them',
    (mode) => {
      const m = model(cfg, {
        mode,
        owners: SEED_OWNERS,
        hosts: { db1: { state: 'HARD_OFFLINE' }, db4: { state: 'REPLICATION_DELAY' } },
      });
      const out = command(m, ['set_active']);
      expect(out.response.text).toBe('OK: Switched into active mode.');
      expect(out.model.mode).toBe('ACTIVE');
      expect(owners(out.model)[WRITER_IP]).toBeUndefined();
      expect(Object.values(owners(out.model))).toEqual(['db2', 'db3']);
      expect(out.changes.push).toEqual([{ hosts: ['db1', 'db4'], clearBadRoles: false }]);
      expect(out.changes.killIfUnreached).toEqual(['db1', 'db4']);
      expect(out.changes.events[0]).toEqual({
        level: 'info',
        message: `Admin changed mode from '${mode}' to 'ACTIVE'`,
      });
    },
  );

  it('from MANUAL with every host ONLINE only switches', () => {
    const out = command(model(cfg, { mode: 'MANUAL', owners: SEED_OWNERS }), ['set_active']);
    expect(out.changes.push).toEqual([]);
    expect(out.model.roles).toEqual(model(cfg, { owners: SEED_OWNERS }).roles);
  });
});

describe('set_manual', () => {
  it('is a no-op in MANUAL mode', () => {
    expect(command(model(cfg, { mode: 'MANUAL' }), ['set_manual']).response.text).toBe('OK: Already in manual mode.');
  });

  it('switches WAIT to MANUAL (MMM answered "Already in manual mode.", spec §9.5)', () => {
    const out = command(model(cfg, { mode: 'WAIT' }), ['set_manual']);
    expect(out.response.text).toBe('OK: Switched into manual mode.');
    expect(out.changes.modeChange).toEqual({ from: 'WAIT', to: 'MANUAL' });
    expect(out.changes.events).toEqual([{ level: 'info', message: "Admin changed mode from 'WAIT' to 'MANUAL'" }]);
  });

  it('switches ACTIVE to MANUAL without touching roles', () => {
    const out = command(model(cfg, { owners: SEED_OWNERS }), ['set_manual']);
    expect(out.response.text).toBe('OK: Switched into manual mode.');
    expect(out.model.mode).toBe('MANUAL');
    expect(out.changes.push).toEqual([]);
  });

  it('leaves PASSIVE with cleanup and send status', () => {
    const out = command(model(cfg, { mode: 'PASSIVE', owners: SEED_OWNERS }), ['set_manual']);
    expect(out.model).toMatchObject({ mode: 'MANUAL', passiveCause: '' });
    expect(out.changes.push).toEqual(cleanup);
  });
});

describe('set_passive', () => {
  it('is a no-op in PASSIVE mode', () => {
    expect(command(model(cfg, { mode: 'PASSIVE' }), ['set_passive']).response.text).toBe(
      'OK: Already in passive mode.',
    );
  });

  it('switches into PASSIVE with the admin cause', () => {
    const out = command(model(cfg, { mode: 'MANUAL' }), ['set_passive']);
    expect(out.response).toEqual({ ok: true, exitCode: 0, text: 'OK: Switched into passive mode.' });
    expect(out.model).toMatchObject({ mode: 'PASSIVE', passiveCause: 'Admin switched to passive mode.' });
    expect(out.changes.events).toEqual([{ level: 'info', message: "Admin changed mode from 'MANUAL' to 'PASSIVE'" }]);
  });
});
