// set_online / set_offline: every answer of spec §1.3, byte for byte, and what each success changes.
import { describe, expect, it } from 'vitest';
import { SEED_OWNERS, WRITER_IP, command, model, owners, seedConfig } from '../fixtures.js';

const cfg = seedConfig();
const flapping = { flapping: true, windowStart: undefined, count: 4 } as const;

describe('set_online', () => {
  it.each([
    ['unknown host', {}, 'db9', "ERROR: Unknown host name 'db9'!"],
    ['already ONLINE', {}, 'db1', 'OK: This host is already ONLINE. Skipping command.'],
    [
      'HARD_OFFLINE',
      { hosts: { db1: { state: 'HARD_OFFLINE' } } },
      'db1',
      "ERROR: Host 'db1' is 'HARD_OFFLINE' at the moment. It can't be switched to ONLINE.",
    ],
    [
      'REPLICATION_FAIL',
      { hosts: { db3: { state: 'REPLICATION_FAIL' } } },
      'db3',
      "ERROR: Host 'db3' is 'REPLICATION_FAIL' at the moment. It can't be switched to ONLINE.",
    ],
    [
      'ping failed',
      { hosts: { db1: { state: 'AWAITING_RECOVERY', checks: { ping: false } } } },
      'db1',
      "ERROR: Checks ping and/or mysql are not ok for host 'db1'. It can't be switched to ONLINE.",
    ],
    [
      'mysql unknown',
      { hosts: { db1: { state: 'AWAITING_RECOVERY', checks: { mysql: 'unknown' } } } },
      'db1',
      "ERROR: Checks ping and/or mysql are not ok for host 'db1'. It can't be switched to ONLINE.",
    ],
    [
      'peer ONLINE with a failed rep_backlog',
      { hosts: { db1: { state: 'AWAITING_RECOVERY' }, db2: { checks: { rep_backlog: false } } } },
      'db1',
      "ERROR: Some replication checks failed on peer 'db2'. We can't set 'db1' online now. Please, wait some time.",
    ],
    [
      'peer ONLINE with failed rep_threads',
      { hosts: { db2: { state: 'ADMIN_OFFLINE' }, db1: { checks: { rep_threads: false } } } },
      'db2',
      "ERROR: Some replication checks failed on peer 'db1'. We can't set 'db2' online now. Please, wait some time.",
    ],
  ] as const)('%s', (_name, spec, host, text) => {
    const m = model(cfg, spec);
    const out = command(m, ['set_online', host]);
    expect(out.response.text).toBe(text);
    expect(out.response.exitCode).toBe(text.startsWith('OK') ? 0 : 1);
    expect(out.model).toEqual(m);
  });

  it('refuses when the agent did not answer', () => {
    const m = model(cfg, { hosts: { db3: { state: 'AWAITING_RECOVERY' } } });
    expect(command(m, ['set_online', 'db3'], { unreachable: ['db3'] }).response.text).toBe(
      "ERROR: Can't reach agent daemon on 'db3'! Can't switch its state!",
    );
  });

  it('accepts a host whose ONLINE peer replicates fine', () => {
    const m = model(cfg, { hosts: { db1: { state: 'AWAITING_RECOVERY' } } });
    expect(command(m, ['set_online', 'db1']).response.exitCode).toBe(0);
  });

  it("ignores the host's own replication checks and a peer that is not ONLINE", () => {
    const m = model(cfg, {
      hosts: {
        db1: { state: 'AWAITING_RECOVERY', checks: { rep_threads: false } },
        db2: { state: 'HARD_OFFLINE', checks: { rep_threads: false } },
      },
    });
    expect(command(m, ['set_online', 'db1']).response.exitCode).toBe(0);
  });

  it('switches AWAITING_RECOVERY to ONLINE, clears the flapping flag and pushes that host', () => {
    const m = model(cfg, { hosts: { db3: { state: 'AWAITING_RECOVERY', flap: flapping } } });
    const out = command(m, ['set_online', 'db3']);
    expect(out.response).toEqual({
      ok: true,
      exitCode: 0,
      text: "OK: State of 'db3' changed to ONLINE. Now you can wait some time and check its new roles!",
    });
    expect(out.model.hosts['db3']).toMatchObject({ state: 'ONLINE', flap: { flapping: false } });
    expect(out.changes.stateChanges).toMatchObject([
      { host: 'db3', from: 'AWAITING_RECOVERY', to: 'ONLINE', rule: 'admin_set_online' },
    ]);
    expect(out.changes.events).toEqual([
      { level: 'fatal', message: "Admin changed state of 'db3' from AWAITING_RECOVERY to ONLINE", host: 'db3' },
    ]);
    expect(out.changes.push).toEqual([{ hosts: ['db3'], clearBadRoles: false }]);
  });

  it('brings back an ADMIN_OFFLINE host; in PASSIVE mode only in memory', () => {
    const m = model(cfg, { mode: 'PASSIVE', hosts: { db4: { state: 'ADMIN_OFFLINE' } } });
    const out = command(m, ['set_online', 'db4']);
    expect(out.response.text).toBe(
      "OK: State of 'db4' changed to ONLINE. Now you can wait some time and check its new roles!",
    );
    expect(out.model.hosts['db4']!.state).toBe('ONLINE');
    expect(out.changes.push).toEqual([]);
  });
});

describe('set_offline', () => {
  it.each([
    ['unknown host', {}, 'db9', "ERROR: Unknown host name 'db9'!"],
    [
      'already ADMIN_OFFLINE',
      { hosts: { db4: { state: 'ADMIN_OFFLINE' } } },
      'db4',
      'OK: This host is already ADMIN_OFFLINE. Skipping command.',
    ],
    [
      'HARD_OFFLINE',
      { hosts: { db1: { state: 'HARD_OFFLINE' } } },
      'db1',
      "ERROR: Host 'db1' is 'HARD_OFFLINE' at the moment. It can't be switched to ADMIN_OFFLINE.",
    ],
    [
      'AWAITING_RECOVERY',
      { hosts: { db1: { state: 'AWAITING_RECOVERY' } } },
      'db1',
      "ERROR: Host 'db1' is 'AWAITING_RECOVERY' at the moment. It can't be switched to ADMIN_OFFLINE.",
    ],
  ] as const)('%s', (_name, spec, host, text) => {
    const m = model(cfg, spec);
    const out = command(m, ['set_offline', host]);
    expect(out.response.text).toBe(text);
    expect(out.model).toEqual(m);
  });

  it('refuses when the agent did not answer', () => {
    expect(command(model(cfg), ['set_offline', 'db4'], { unreachable: ['db4'] }).response.text).toBe(
      "ERROR: Can't reach agent daemon on 'db4'! Can't switch its state!",
    );
  });

  it.each(['ONLINE', 'REPLICATION_FAIL', 'REPLICATION_DELAY'] as const)(
    'takes a %s host offline and clears all its roles, in MANUAL mode too',
    (state) => {
      const m = model(cfg, { mode: 'MANUAL', owners: SEED_OWNERS, hosts: { db1: { state } } });
      const out = command(m, ['set_offline', 'db1']);
      expect(out.response).toEqual({
        ok: true,
        exitCode: 0,
        text: "OK: State of 'db1' changed to ADMIN_OFFLINE. Now you can wait some time and check all roles!",
      });
      expect(out.model.hosts['db1']!.state).toBe('ADMIN_OFFLINE');
      expect(Object.values(owners(out.model))).not.toContain('db1');
      expect(owners(out.model)[WRITER_IP]).toBeUndefined();
      expect(out.changes.events[0]).toEqual({
        level: 'fatal',
        message: `Admin changed state of 'db1' from ${state} to ADMIN_OFFLINE`,
        host: 'db1',
      });
      expect(out.changes.push).toEqual([{ hosts: ['db1'], clearBadRoles: false }]);
    },
  );

  it('does not count ONLINE→ADMIN_OFFLINE as a flap', () => {
    const out = command(model(cfg), ['set_offline', 'db3']);
    expect(out.model.hosts['db3']!.flap.count).toBe(0);
  });
});
