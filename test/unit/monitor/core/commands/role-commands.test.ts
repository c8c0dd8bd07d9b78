// move_role, move_role --force, set_ip: every answer of spec §1.3 byte for byte, and their effects.
import { describe, expect, it } from 'vitest';
import {
  READER_IPS,
  SEED_OWNERS,
  WRITER_IP,
  command,
  model,
  owners,
  role,
  seedConfig,
  type ModelSpec,
} from '../fixtures.js';

const cfg = seedConfig();
const preferDb1 = seedConfig({
  roles: [
    role('writer', 'exclusive', ['db1', 'db2'], [WRITER_IP], 'db1'),
    role('reader', 'balanced', ['db1', 'db2', 'db3', 'db4'], READER_IPS),
  ],
});
const withVip = seedConfig({
  roles: [...cfg.roles, role('backup', 'exclusive', ['db3', 'db4'], ['198.18.0.120'])],
});
const noIp = seedConfig({
  roles: [
    role('writer', 'exclusive', ['db1', 'db2'], []),
    role('reader', 'balanced', ['db1', 'db2', 'db3', 'db4'], READER_IPS),
  ],
});
const seeded = (spec: ModelSpec = {}): ModelSpec => ({ owners: SEED_OWNERS, ...spec });

describe('move_role', () => {
  it.each([
    [
      'PASSIVE',
      cfg,
      seeded({ mode: 'PASSIVE' }),
      ['writer', 'db2'],
      'ERROR: This command is not allowed in passive mode',
    ],
    ['unknown role', cfg, seeded(), ['foo', 'db2'], "ERROR: Unknown role name 'foo'!"],
    ['unknown host', cfg, seeded(), ['writer', 'db9'], "ERROR: Unknown host name 'db9'!"],
    [
      'target not ONLINE',
      cfg,
      seeded({ hosts: { db1: { state: 'HARD_OFFLINE' } } }),
      ['writer', 'db1'],
      "ERROR: Can't move role to host with state HARD_OFFLINE.",
    ],
    [
      'target cannot hold the role',
      cfg,
      seeded(),
      ['writer', 'db3'],
      "ERROR: Host 'db3' can't handle role 'writer'. Only following hosts could: db1, db2",
    ],
    ['already there', cfg, seeded(), ['writer', 'db1'], "OK: Role is on 'db1' already. Skipping command."],
    [
      'ACTIVE, role on its preferred host',
      preferDb1,
      seeded(),
      ['writer', 'db2'],
      "ERROR: Role 'writer' is assigned to preferred host 'db1'. Can't move it!",
    ],
    ['role without IP', noIp, { owners: {} }, ['writer', 'db2'], 'Error: Role writer has no IP.'],
  ] as const)('%s', (_name, config, spec, args, text) => {
    const m = model(config, spec);
    const out = command(m, ['move_role', ...args], { cfg: config });
    expect(out.response.text).toBe(text);
    expect(out.response.exitCode).toBe(text.startsWith('OK') ? 0 : 1);
    expect(out.model).toEqual(m);
    expect(out.changes.switchover).toBeUndefined();
  });

  it('refuses when the target agent did not answer', () => {
    expect(command(model(cfg, seeded()), ['move_role', 'writer', 'db2'], { unreachable: ['db2'] }).response.text).toBe(
      "ERROR: Can't reach agent daemon on 'db2'! Can't move roles there!",
    );
  });

  it('requests a switchover for the writer and answers as MMM; the table waits for the executor', () => {
    const m = model(cfg, seeded());
    const out = command(m, ['move_role', 'writer', 'db2']);
    expect(out.response).toEqual({
      ok: true,
      exitCode: 0,
      text: "OK: Role 'writer' has been moved from 'db1' to 'db2'. Now you can wait some time and check new roles info!",
    });
    expect(out.changes.switchover).toEqual({ role: 'writer', ip: WRITER_IP, from: 'db1', to: 'db2', force: false });
    expect(out.model.roles).toEqual(m.roles);
    expect(out.changes.events).toEqual([
      { level: 'fatal', message: "Admin moved role 'writer' from 'db1' to 'db2'", host: 'db2' },
    ]);
    expect(out.changes.push).toEqual([]);
  });

  it('moves the writer away from its preferred host in MANUAL mode and with failback off', () => {
    const m = model(preferDb1, seeded({ mode: 'MANUAL' }));
    expect(command(m, ['move_role', 'writer', 'db2'], { cfg: preferDb1 }).changes.switchover?.to).toBe('db2');
    const a = model(preferDb1, seeded());
    expect(command(a, ['move_role', 'writer', 'db2'], { cfg: preferDb1, failback: false }).response.exitCode).toBe(0);
  });

  it('moves an orphaned writer (from nobody)', () => {
    const out = command(model(cfg), ['move_role', 'writer', 'db2']);
    expect(out.response.text).toBe(
      "OK: Role 'writer' has been moved from '' to 'db2'. Now you can wait some time and check new roles info!",
    );
    expect(out.changes.switchover).toMatchObject({ from: undefined, to: 'db2' });
  });

  it('moves another exclusive role at once: old owner pushed first, then the new one', () => {
    const m = model(withVip, { owners: { ...SEED_OWNERS, '198.18.0.120': 'db3' } });
    const out = command(m, ['move_role', 'backup', 'db4'], { cfg: withVip });
    expect(out.response.text).toBe(
      "OK: Role 'backup' has been moved from 'db3' to 'db4'. Now you can wait some time and check new roles info!",
    );
    expect(owners(out.model)['198.18.0.120']).toBe('db4');
    expect(out.changes.push).toEqual([
      { hosts: ['db3'], clearBadRoles: false },
      { hosts: ['db4'], clearBadRoles: false },
    ]);
    const orphan = command(model(withVip, { owners: SEED_OWNERS }), ['move_role', 'backup', 'db4'], { cfg: withVip });
    expect(orphan.changes.push).toEqual([{ hosts: ['db4'], clearBadRoles: false }]);
  });

  it('removes a balanced role from a host and places the IP on another host at once (fix of spec §9.5)', () => {
    const m = model(cfg, seeded());
    const out = command(m, ['move_role', 'reader', 'db3']);
    expect(out.response).toEqual({
      ok: true,
      exitCode: 0,
      text: "OK: Balanced role reader has been removed from host 'db3'. Now you can wait some time and check new roles info!",
    });
    expect(owners(out.model)['198.18.0.102']).toBe('db2');
    expect(out.changes.events.map((e) => e.message)).toEqual([
      "Removing balanced role reader from host 'db3':",
      "    Removed role 'reader(198.18.0.102)' from host 'db3'",
      "Orphaned role 'reader(198.18.0.102)' has been assigned to 'db2'",
    ]);
    expect(out.changes.push).toEqual([
      { hosts: ['db3'], clearBadRoles: false },
      { hosts: ['db2'], clearBadRoles: false },
    ]);
  });

  it('pushes each new holder once when several IPs land on the same host', () => {
    const m = model(cfg, {
      owners: { '198.18.0.101': 'db3', '198.18.0.102': 'db3' },
      state: 'HARD_OFFLINE',
      hosts: { db3: { state: 'ONLINE' }, db4: { state: 'ONLINE' } },
    });
    const out = command(m, ['move_role', 'reader', 'db3']);
    expect(owners(out.model)).toEqual({ '198.18.0.101': 'db4', '198.18.0.102': 'db4' });
    expect(out.changes.push).toEqual([
      { hosts: ['db3'], clearBadRoles: false },
      { hosts: ['db4'], clearBadRoles: false },
    ]);
  });

  it('leaves the removed balanced IPs orphaned when no other host is eligible; works on any state', () => {
    const m = model(cfg, { owners: { '198.18.0.101': 'db3' }, state: 'HARD_OFFLINE' });
    const out = command(m, ['move_role', 'reader', 'db3']);
    expect(out.response.exitCode).toBe(0);
    expect(owners(out.model)).toEqual({});
    expect(out.changes.push).toEqual([{ hosts: ['db3'], clearBadRoles: false }]);
  });
});

describe('move_role --force', () => {
  const repFail = (spec: ModelSpec = {}): ModelSpec =>
    seeded({ hosts: { db2: { state: 'REPLICATION_FAIL' } }, ...spec });
  it.each([
    [
      'PASSIVE',
      cfg,
      repFail({ mode: 'PASSIVE' }),
      ['writer', 'db2'],
      'ERROR: This command is not allowed in passive mode',
    ],
    ['unknown role', cfg, repFail(), ['foo', 'db2'], "ERROR: Unknown role name 'foo'!"],
    ['unknown host', cfg, repFail(), ['writer', 'db9'], "ERROR: Unknown host name 'db9'!"],
    [
      'not the active master role',
      cfg,
      repFail(),
      ['reader', 'db2'],
      'ERROR: move_role --forced may be used for the active master role only!',
    ],
    ['target ONLINE', cfg, seeded(), ['writer', 'db2'], "ERROR: Can't force move of role to host with state ONLINE."],
    [
      'target cannot hold the role',
      cfg,
      seeded({ hosts: { db3: { state: 'REPLICATION_DELAY' } } }),
      ['writer', 'db3'],
      "ERROR: Host 'db3' can't handle role 'writer'. Only following hosts could: db1, db2",
    ],
    [
      'already there (MANUAL keeps the writer on a REPLICATION_FAIL host)',
      cfg,
      seeded({ mode: 'MANUAL', hosts: { db1: { state: 'REPLICATION_FAIL' } } }),
      ['writer', 'db1'],
      "OK: Role is on 'db1' already. Skipping command.",
    ],
    [
      'role without IP',
      noIp,
      { hosts: { db2: { state: 'REPLICATION_DELAY' } } },
      ['writer', 'db2'],
      'Error: Role writer has no IP.',
    ],
  ] as const)('%s', (_name, config, spec, args, text) => {
    const out = command(model(config, spec), ['move_role', '--force', ...args], { cfg: config });
    expect(out.response.text).toBe(text);
    expect(out.changes.switchover).toBeUndefined();
  });

  it('refuses when the target agent did not answer', () => {
    expect(
      command(model(cfg, repFail()), ['move_role', '--force', 'writer', 'db2'], { unreachable: ['db2'] }).response.text,
    ).toBe("ERROR: Can't reach agent daemon on 'db2'! Can't move roles there!");
  });

  it('requests a forced switchover with no preference check', () => {
    const out = command(model(preferDb1, repFail()), ['move_role', '--force', 'writer', 'db2'], { cfg: preferDb1 });
    expect(out.response).toEqual({
      ok: true,
      exitCode: 0,
      text: "OK: Role 'writer' has been moved from 'db1' to 'db2' enforcedly. Now you can wait some time and check new roles info!",
    });
    expect(out.changes.switchover).toEqual({ role: 'writer', ip: WRITER_IP, from: 'db1', to: 'db2', force: true });
    expect(out.changes.events).toEqual([
      { level: 'fatal', message: "Admin forced move of role 'writer' from 'db1' to 'db2'", host: 'db2' },
    ]);
  });

  it('forces an orphaned writer', () => {
    const out = command(model(cfg, { hosts: { db2: { state: 'REPLICATION_DELAY' } } }), [
      'move_role',
      '--force',
      'writer',
      'db2',
    ]);
    expect(out.response.text).toBe(
      "OK: Role 'writer' has been moved from '' to 'db2' enforcedly. Now you can wait some time and check new roles info!",
    );
  });
});

describe('set_ip', () => {
  const passive = (spec: ModelSpec = {}): ModelSpec => seeded({ mode: 'PASSIVE', ...spec });
  it.each([
    ['not PASSIVE', seeded(), ['198.18.0.100', 'db2'], 'ERROR: This command is only allowed in passive mode'],
    ['unknown ip', passive(), ['1.2.3.4', 'db2'], "ERROR: Unknown ip '1.2.3.4'!"],
    ['unknown host', passive(), ['198.18.0.100', 'db9'], "ERROR: Unknown host name 'db9'!"],
    [
      'host cannot hold the role',
      passive(),
      ['198.18.0.100', 'db3'],
      "ERROR: Host 'db3' can't handle role 'writer'. Following hosts could: db1, db2",
    ],
    [
      'host not ONLINE',
      passive({ hosts: { db2: { state: 'HARD_OFFLINE' } } }),
      ['198.18.0.100', 'db2'],
      "ERROR: Host 'db2' is 'HARD_OFFLINE' at the moment. Can't move role with ip '198.18.0.100' there.",
    ],
  ] as const)('%s', (_name, spec, args, text) => {
    const out = command(model(cfg, spec), ['set_ip', ...args]);
    expect(out.response.text).toBe(text);
    expect(out.response.exitCode).toBe(1);
  });

  it('sets the role IP in the table and pushes nothing', () => {
    const out = command(model(cfg, passive()), ['set_ip', '198.18.0.100', 'db2']);
    expect(out.response).toEqual({ ok: true, exitCode: 0, text: "OK: Set role 'writer(198.18.0.100)' to host 'db2'." });
    expect(owners(out.model)[WRITER_IP]).toBe('db2');
    expect(out.changes.events).toEqual([
      { level: 'fatal', message: "Admin set role 'writer(198.18.0.100)' to host 'db2'", host: 'db2' },
    ]);
    expect(out.changes.push).toEqual([]);
    expect(command(model(cfg, passive()), ['set_ip', '198.18.0.103', 'db1']).response.text).toBe(
      "OK: Set role 'reader(198.18.0.103)' to host 'db1'.",
    );
  });
});
