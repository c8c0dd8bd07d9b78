import { describe, expect, it } from 'vitest';
import type { DesiredState, RoleIp } from '../../../common/api/agent.js';
import { MmmError } from '../../../common/errors/index.js';
import { FakeMysql, FakeNetwork, READER_IPS, WRITER_IP, rig, unreachable, type Rig } from './fakes.js';

const R1 = READER_IPS[0];
const reader = (ip: string = R1): RoleIp => ({ role: 'reader', ip });
const writer: RoleIp = { role: 'writer', ip: WRITER_IP };

function desired(over: Partial<DesiredState> = {}): DesiredState {
  return { host: 'db1', epoch: 1, seq: 1, state: 'ONLINE', roles: [], activeMaster: 'db1', ...over };
}

async function rejection(p: Promise<unknown>): Promise<MmmError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MmmError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

/** Makes db1 the open writer through the monitor's sequence: desired state naming it, then promote. */
async function openWriter(r: Rig, epoch = 1): Promise<void> {
  await r.agent.applyDesired(desired({ epoch, seq: 1, roles: [writer] }));
  await r.agent.promote({ host: 'db1', epoch, replication: 'keep' });
}

describe('desired state', () => {
  it('binds and announces a reader VIP, then does nothing when the same state comes again', async () => {
    const r = await rig();
    const first = await r.agent.applyDesired(desired({ roles: [reader()] }));
    expect(first.changed).toBe(true);
    expect(first.steps.map((s) => [s.action, s.target, s.ok])).toEqual([['add-vip', R1, true]]);
    expect(r.network.announced).toEqual([R1]);

    const again = await r.agent.applyDesired(desired({ seq: 2, roles: [reader()] }));
    expect(again.changed).toBe(false);
    expect(again.steps).toEqual([]);
    const same = await r.agent.applyDesired(desired({ seq: 2, roles: [reader()] }));
    expect(same.changed).toBe(false);
    expect(r.network.calls).toEqual([`add ${R1}`]);
    expect(r.store.current.stamp).toEqual({ epoch: 1, seq: 2 });
  });

  it('refuses an older epoch or sequence with 409 and changes nothing', async () => {
    const r = await rig();
    await r.agent.applyDesired(desired({ epoch: 5, seq: 3, roles: [reader()] }));
    for (const stale of [desired({ epoch: 5, seq: 2 }), desired({ epoch: 4, seq: 99 })]) {
      const e = await rejection(r.agent.applyDesired(stale));
      expect(e.code).toBe('MMM_STALE_EPOCH');
      expect(e.status).toBe(409);
      expect(e.message).toContain('epoch 5 (seq 3) was already accepted');
    }
    expect(r.network.calls).toEqual([`add ${R1}`]);
    expect(r.store.current.stamp).toEqual({ epoch: 5, seq: 3 });
    expect(r.store.current.roles).toEqual([reader()]);
  });

  it('a restarted agent still refuses the older monitor (epoch persisted)', async () => {
    const first = await rig();
    await first.agent.applyDesired(desired({ epoch: 7, seq: 1 }));
    const restarted = await rig({ memory: first.store.current });
    const e = await rejection(restarted.agent.applyDesired(desired({ epoch: 6, seq: 50 })));
    expect(e.code).toBe('MMM_STALE_EPOCH');
    await restarted.agent.applyDesired(desired({ epoch: 8, seq: 1 }));
    expect(restarted.store.current.stamp).toEqual({ epoch: 8, seq: 1 });
  });

  it.each([
    [{ roles: [{ role: 'reader', ip: '198.18.30.99' }] }, 'MMM_UNKNOWN_ROLE_IP', '198.18.30.99 is not an IP of role'],
    [{ roles: [{ role: 'backup', ip: R1 }] }, 'MMM_UNKNOWN_ROLE_IP', "there is no role 'backup'"],
    [{ roles: [reader(), reader()] }, 'MMM_BAD_REQUEST', 'listed twice'],
    [{ host: 'db3' }, 'MMM_REFUSED', 'this agent is db1; the request is for host db3'],
    [{ activeMaster: 'db9' }, 'MMM_BAD_REQUEST', "activeMaster 'db9' is not a configured host"],
  ] as const)('refuses %j (%s) and changes nothing', async (over, code, text) => {
    const r = await rig();
    const e = await rejection(r.agent.applyDesired(desired(over)));
    expect(e.code).toBe(code);
    expect(e.message).toContain(text);
    expect(r.network.calls).toEqual([]);
    expect(r.store.current.stamp).toBeNull();
  });

  it('refuses the writer role on a host that may not hold it', async () => {
    const r = await rig({ self: 'db3' });
    const e = await rejection(r.agent.applyDesired(desired({ host: 'db3', roles: [writer] })));
    expect(e.code).toBe('MMM_UNKNOWN_ROLE_IP');
    expect(e.message).toContain("host db3 may not hold role 'writer'");
  });

  it('names the host writer without opening it until promote', async () => {
    const r = await rig();
    const res = await r.agent.applyDesired(desired({ roles: [writer] }));
    expect(res.steps).toEqual([]);
    expect(res.writer.holding).toBe('pending-promote');
    expect(r.mysql.readOnly).toBe(true);
    expect(r.network.bound.has(WRITER_IP)).toBe(false);
  });

  it('losing the writer role: read_only, kill, then VIP removal', async () => {
    const r = await rig();
    await openWriter(r);
    expect(r.mysql.readOnly).toBe(false);
    r.mysql.clientSessions = 3;
    r.mysql.calls.length = 0;
    r.network.calls.length = 0;
    const res = await r.agent.applyDesired(desired({ seq: 2, roles: [reader()], activeMaster: 'db2' }));
    expect(res.steps.map((s) => s.action)).toEqual([
      'deny-writes',
      'kill-sessions',
      'remove-vip',
      'revoke-writer',
      'add-vip',
    ]);
    expect(r.mysql.calls).toEqual(['read_only=1', 'kill']);
    expect(r.network.calls).toEqual([`del ${WRITER_IP}`, `add ${R1}`]);
    expect(res.writer.holding).toBe('none');
    expect(r.mysql.lastKill).toEqual({ passes: 11, spareUsers: ['mmm_agent', 'mmm_monitor'] });
  });

  it('with MySQL down, the writer VIP still goes and the steps say what failed', async () => {
    const r = await rig();
    await openWriter(r);
    r.mysql.down = unreachable();
    const res = await r.agent.applyDesired(desired({ seq: 2 }));
    // the probe already found MySQL unreachable: its steps are skipped, not each waited for
    expect(res.steps.map((s) => [s.action, s.ok, s.skipped ?? false])).toEqual([
      ['deny-writes', false, true],
      ['kill-sessions', false, true],
      ['remove-vip', true, false],
      ['revoke-writer', true, false],
    ]);
    expect(r.network.bound.has(WRITER_IP)).toBe(false);
    expect(r.mysql.calls).toEqual(['read_only=0']); // from promote; nothing tried while down
  });

  it('ADMIN_OFFLINE stops replication; leaving it starts it again, retrying while MySQL is down', async () => {
    const r = await rig({ self: 'db3' });
    const d = (seq: number, state: DesiredState['state']): DesiredState => desired({ host: 'db3', seq, state });
    expect((await r.agent.applyDesired(d(1, 'ADMIN_OFFLINE'))).steps.map((s) => s.action)).toEqual([
      'stop-replication',
    ]);
    expect((await r.agent.applyDesired(d(2, 'ADMIN_OFFLINE'))).steps).toEqual([]);
    r.mysql.down = unreachable();
    expect((await r.agent.applyDesired(d(3, 'ONLINE'))).steps).toEqual([]);
    r.mysql.down = undefined;
    expect((await r.agent.applyDesired(d(4, 'ONLINE'))).steps.map((s) => s.action)).toEqual(['start-replication']);
    expect((await r.agent.applyDesired(d(5, 'ONLINE'))).steps).toEqual([]);
    expect(r.mysql.calls).toEqual(['stop', 'start']);
  });

  it('answers an error when the interface cannot be read, and has persisted the stamp', async () => {
    const r = await rig();
    r.network.failList = new MmmError('MMM_NO_PRIVILEGE', "'ip' was refused: the agent needs CAP_NET_ADMIN");
    const e = await rejection(r.agent.applyDesired(desired({ epoch: 3 })));
    expect(e.code).toBe('MMM_NO_PRIVILEGE');
    expect(r.store.current.stamp).toEqual({ epoch: 3, seq: 1 });
  });
});

describe('failover operations', () => {
  it('promote: stop and reset replication, grant, bind and announce the VIP, then allow writes', async () => {
    const r = await rig();
    const res = await r.agent.promote({ host: 'db1', epoch: 2, replication: 'reset' });
    expect(res.steps.map((s) => s.action)).toEqual([
      'stop-replication',
      'reset-replication',
      'grant-writer',
      'add-vip',
      'allow-writes',
    ]);
    expect(r.mysql.calls).toEqual(['stop', 'reset', 'read_only=0']);
    expect(r.network.announced).toEqual([WRITER_IP]);
    expect(res.writerIps).toEqual([WRITER_IP]);
    expect(res.position).toEqual({ gtid: '0-1-10', file: 'mysql-bin.000001', pos: 1000 });
    expect(r.store.current.writerGrant).toBe(true);
    expect(r.store.current.stamp).toEqual({ epoch: 2, seq: 0 });
  });

  it('promote with replication stop: the applier stops first; a receiver stuck on a hung source does not hold it up', async () => {
    const r = await rig();
    r.mysql.stopReceiver = async () => new Promise(() => undefined); // STOP SLAVE IO_THREAD waits for the hung source
    const res = await r.agent.promote({ host: 'db1', epoch: 2, replication: 'stop' });
    expect(res.steps.map((s) => [s.action, s.target, s.ok])).toEqual([
      ['stop-replication', 'SQL thread', true],
      ['stop-replication', 'IO thread', false],
      ['grant-writer', undefined, true],
      ['add-vip', WRITER_IP, true],
      ['allow-writes', undefined, true],
    ]);
    expect(res.steps[1]?.detail).toBe('still stopping (the source does not answer); nothing it receives is applied');
    expect(r.mysql.calls).toEqual(['stop sql', 'read_only=0']);
    const ok = await rig();
    const res2 = await ok.agent.promote({ host: 'db1', epoch: 2, replication: 'stop' });
    expect(res2.steps[1]).toMatchObject({ target: 'IO thread', ok: true, detail: 'stopped' });
    expect(ok.mysql.calls).toEqual(['stop sql', 'stop io', 'read_only=0']);
  });

  it('promote stops at the first failure and says where', async () => {
    const r = await rig();
    r.network.failAdd = new MmmError('MMM_NO_PRIVILEGE', 'needs CAP_NET_ADMIN');
    const e = await rejection(r.agent.promote({ host: 'db1', epoch: 1, replication: 'keep' }));
    expect(e.code).toBe('MMM_NO_PRIVILEGE');
    expect(e.message).toBe(`promote stopped at add-vip ${WRITER_IP}: needs CAP_NET_ADMIN`);
    expect(r.mysql.readOnly).toBe(true);
    expect((e.details?.['steps'] as unknown[]).length).toBe(2);
  });

  it('promote is refused on a host that may not be the writer', async () => {
    const r = await rig({ self: 'db3' });
    const e = await rejection(r.agent.promote({ host: 'db3', epoch: 1, replication: 'keep' }));
    expect(e.code).toBe('MMM_REFUSED');
    expect(r.mysql.calls).toEqual([]);
  });

  it('fence: read_only, sessions killed, VIP gone, reported', async () => {
    const r = await rig();
    await openWriter(r);
    r.mysql.clientSessions = 4;
    const res = await r.agent.fence({ host: 'db1', epoch: 1, reason: 'switchover' });
    expect(res).toMatchObject({ fenced: true, writesDenied: true, sessionsKilled: 4, vipsRemoved: [WRITER_IP] });
    expect(r.mysql.readOnly).toBe(true);
    expect(r.network.bound.has(WRITER_IP)).toBe(false);
    expect(r.store.current.writerGrant).toBe(false);
  });

  it('fence with MySQL down: VIP removed, writes unknown, not fenced; the other MySQL steps skipped', async () => {
    const r = await rig();
    await openWriter(r);
    r.mysql.down = unreachable();
    const res = await r.agent.fence({ host: 'db1', epoch: 1 });
    expect(res).toMatchObject({ fenced: false, writesDenied: null, sessionsKilled: 0, vipsRemoved: [WRITER_IP] });
    expect(res.steps.map((s) => [s.action, s.ok, s.skipped ?? false])).toEqual([
      ['deny-writes', false, false],
      ['kill-sessions', false, true],
      ['remove-vip', true, false],
      ['revoke-writer', true, false],
    ]);
  });

  it('keeps retrying a fence that could not reach mysqld, and denies writes as soon as it answers again', async () => {
    const r = await rig();
    await openWriter(r);
    r.mysql.down = unreachable();
    const res = await r.agent.fence({ host: 'db1', epoch: 1 });
    expect(res.writesDenied).toBeNull();
    expect(r.agent.fencePending).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(r.mysql.readOnly).toBe(false);
    r.mysql.down = undefined; // SIGCONT
    for (let i = 0; i < 50 && r.agent.fencePending; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(r.agent.fencePending).toBe(false);
    expect(r.mysql.readOnly).toBe(true);
    // A later promote opens the host again and nothing closes it behind the monitor's back.
    await r.agent.promote({ host: 'db1', epoch: 1, replication: 'keep' });
    expect(r.mysql.readOnly).toBe(false);
    await r.agent.stop();
  });

  it('restarted with the writer VIP bound and MySQL dead: drops the VIP at once and denies writes once it is back', async () => {
    const network = new FakeNetwork();
    network.bound.add(WRITER_IP);
    const mysql = new FakeMysql();
    mysql.readOnly = false;
    mysql.down = unreachable();
    const r = await rig({ network, mysql });
    expect(r.network.bound.has(WRITER_IP)).toBe(false);
    expect(r.agent.fencePending).toBe(true);
    r.mysql.down = undefined; // systemd started mysqld again
    for (let i = 0; i < 50 && r.agent.fencePending; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(r.mysql.readOnly).toBe(true);
    await r.agent.stop();
  });

  it('restarted with the writer VIP bound and MySQL answering: keeps it (the monitor gets its lease)', async () => {
    const network = new FakeNetwork();
    network.bound.add(WRITER_IP);
    const mysql = new FakeMysql();
    mysql.readOnly = false;
    const r = await rig({ network, mysql });
    expect(r.network.bound.has(WRITER_IP)).toBe(true);
    expect(r.mysql.readOnly).toBe(false);
    expect(r.agent.fencePending).toBe(false);
  });

  it('operations from an older epoch are refused; a newer epoch becomes the accepted one', async () => {
    const r = await rig();
    await r.agent.applyDesired(desired({ epoch: 4, seq: 9 }));
    const e = await rejection(r.agent.fence({ host: 'db1', epoch: 3 }));
    expect(e.code).toBe('MMM_STALE_EPOCH');
    expect(r.mysql.calls).toEqual([]);
    await r.agent.fence({ host: 'db1', epoch: 5 });
    expect(r.store.current.stamp).toEqual({ epoch: 5, seq: 0 });
    expect((await rejection(r.agent.applyDesired(desired({ epoch: 4, seq: 10 })))).code).toBe('MMM_STALE_EPOCH');
  });

  it('catch-up waits for what the IO thread received, in GTID mode', async () => {
    const r = await rig({ self: 'db2' });
    const res = await r.agent.catchUp({ host: 'db2', epoch: 1, timeoutMs: 2000 });
    expect(r.mysql.waits).toEqual([{ target: { gtid: '0-1-10' }, timeoutMs: 2000 }]);
    expect(res.target).toEqual({ gtid: '0-1-10', file: null, pos: null });
    expect(res.reached.gtid).toBe('0-1-10');
  });

  it('catch-up: timeout and stopped SQL thread are errors with their code, never a hang', async () => {
    const r = await rig({ self: 'db2' });
    r.mysql.waitResult = 'timeout';
    r.mysql.sql = false;
    const t = await rejection(r.agent.catchUp({ host: 'db2', epoch: 1, timeoutMs: 500 }));
    expect(t.code).toBe('MMM_CATCHUP_TIMEOUT');
    expect(t.message).toBe('relay log not applied within 500 ms (SQL thread not running)');
    r.mysql.waitResult = 'not-replicating';
    expect((await rejection(r.agent.catchUp({ host: 'db2', epoch: 1, timeoutMs: 500 }))).code).toBe(
      'MMM_REPLICATION_BROKEN',
    );
    r.mysql.replicationConfigured = false;
    expect((await rejection(r.agent.catchUp({ host: 'db2', epoch: 1, timeoutMs: 500 }))).code).toBe('MMM_REFUSED');
  });

  it('repoint: credentials of the new source, heartbeat always set, threads verified', async () => {
    const r = await rig({ self: 'db3' });
    const res = await r.agent.repoint({
      host: 'db3',
      epoch: 1,
      source: { host: 'db2', ip: '198.18.30.12', port: 3306 },
      position: { mode: 'gtid' },
    });
    expect(r.mysql.calls).toEqual(['stop sql', 'stop', 'change 198.18.30.12', 'start']);
    const change = r.mysql.changes[0]!;
    expect(change).toMatchObject({
      host: '198.18.30.12',
      port: 3306,
      user: 'repl',
      position: { mode: 'gtid' },
      heartbeatPeriodS: 1,
      connectRetryS: 1,
    });
    expect(change.password.reveal()).toBe('replpass');
    expect(res.steps.map((s) => s.action)).toEqual([
      'stop-replication',
      'stop-replication',
      'change-source',
      'start-replication',
      'verify-replication',
    ]);
    expect(res.replication.ioRunning).toBe('yes');
  });

  it('repoint reports a source that cannot be followed (1236) as broken replication', async () => {
    const r = await rig({ self: 'db3' });
    r.mysql.afterStart = { ioRunning: 'no', lastIoErrno: 1236, lastIoError: 'GTID 0-1-2 not in the master binlog' };
    const e = await rejection(
      r.agent.repoint({
        host: 'db3',
        epoch: 1,
        source: { host: 'db2', ip: '198.18.30.12', port: 3306 },
        position: { mode: 'gtid' },
      }),
    );
    expect(e.code).toBe('MMM_REPLICATION_BROKEN');
    expect(e.message).toContain('1236 GTID 0-1-2 not in the master binlog');
  });

  it.each([
    [{ host: 'db2', ip: '198.18.30.99', port: 3306 }, 'the request says 198.18.30.99:3306'],
    [{ host: 'db3', ip: '198.18.30.13', port: 3306 }, 'cannot replicate from itself'],
    [{ host: 'dbX', ip: '198.18.30.12', port: 3306 }, 'source host dbX is not configured'],
  ])('repoint refuses source %j', async (source, text) => {
    const r = await rig({ self: 'db3' });
    const e = await rejection(r.agent.repoint({ host: 'db3', epoch: 1, source, position: { mode: 'gtid' } }));
    expect(e.code).toBe('MMM_REFUSED');
    expect(e.message).toContain(text);
    expect(r.mysql.calls).toEqual([]);
  });
});

describe('disk report', () => {
  const MiB = 1024 * 1024;
  /** A FakeMysql whose storagePaths answers `paths`, and the count of those reads. */
  const withPaths = (datadir: string, binlogDir: string): { mysql: FakeMysql; reads: () => number } => {
    const mysql = new FakeMysql();
    let n = 0;
    mysql.storagePaths = () => {
      n++;
      return Promise.resolve({ datadir, binlogDir });
    };
    return { mysql, reads: () => n };
  };

  it('statfs of the datadir and the binlog directory, read once from mysqld; still reported while mysqld is down', async () => {
    const { mysql, reads } = withPaths('/var/lib/mysql/', '/var/log/mysql');
    const asked: string[] = [];
    const r = await rig({
      mysql,
      diskUsage: (path) => {
        asked.push(path);
        return Promise.resolve({ freeBytes: path === '/var/lib/mysql' ? 0 : 50 * MiB, totalBytes: 100 * MiB });
      },
    });
    expect((await r.agent.status()).disks).toEqual([
      { path: '/var/lib/mysql', holds: ['datadir'], freeBytes: 0, totalBytes: 100 * MiB },
      { path: '/var/log/mysql', holds: ['binlog'], freeBytes: 50 * MiB, totalBytes: 100 * MiB },
    ]);
    await r.agent.status();
    expect(reads()).toBe(1);
    expect(asked).toEqual(['/var/lib/mysql', '/var/log/mysql', '/var/lib/mysql', '/var/log/mysql']);
    // mysqld down or stuck: the paths are known, statfs needs no MySQL
    mysql.down = unreachable();
    expect((await r.agent.status()).disks).toHaveLength(2);
  });

  it('one entry when the binlog lives in the datadir; an unreadable filesystem is not reported, paths read again', async () => {
    const { mysql, reads } = withPaths('/data', '/data');
    let fail = false;
    const r = await rig({
      mysql,
      diskUsage: () => (fail ? Promise.reject(new Error('EACCES')) : Promise.resolve({ freeBytes: 1, totalBytes: 2 })),
    });
    expect((await r.agent.status()).disks).toEqual([
      { path: '/data', holds: ['datadir', 'binlog'], freeBytes: 1, totalBytes: 2 },
    ]);
    fail = true;
    expect((await r.agent.status()).disks).toEqual([]);
    fail = false;
    await r.agent.status();
    expect(reads()).toBe(2);
  });
});

/** writer_lease 3 s (fakes.ts): a held writer waits a third of it for a restarted monitor. */
const LEASE_GRACE_MS = 1000;

describe('writer lease', () => {
  it('fences itself when a peer still hears the monitor, within the lease', async () => {
    const r = await rig();
    await openWriter(r);
    r.peers = [{ host: 'db2', lastMonitorContactAgoMs: 200 }];
    r.clock.advance(2900);
    await r.agent.leaseTick();
    expect(r.mysql.readOnly).toBe(false);
    r.clock.advance(200);
    await r.agent.leaseTick();
    expect(r.mysql.readOnly).toBe(true);
    expect(r.network.bound.has(WRITER_IP)).toBe(false);
    const report = await r.agent.status();
    expect(report.writer.lease.state).toBe('self-fenced');
    expect(report.writer.lease.message).toContain('but peers still hear from it (db2 0.2 s ago)');
    expect(report.writer.holding).toBe('none');
  });

  it('holds when every answering peer lost the monitor too (monitor down, not a partition)', async () => {
    const r = await rig();
    await openWriter(r);
    r.peers = [
      { host: 'db2', lastMonitorContactAgoMs: 9000 },
      { host: 'db3', lastMonitorContactAgoMs: 'unreachable' },
    ];
    r.clock.advance(5000);
    await r.agent.leaseTick();
    expect(r.mysql.readOnly).toBe(false);
    expect(r.network.bound.has(WRITER_IP)).toBe(true);
    const view = (await r.agent.status()).writer.lease;
    expect(view.state).toBe('held');
    expect(view.message).toBe('lease held: monitor silent to all reachable agents (db2); no answer from db3');
    // Later a peer hears the monitor again while we do not: after the re-check period, a third of the lease
    // of grace (a restarted monitor reaches the writer last), then fence: a partition.
    r.peers = [{ host: 'db2', lastMonitorContactAgoMs: 100 }];
    await r.agent.leaseTick();
    expect(r.mysql.readOnly).toBe(false);
    r.clock.advance(1000);
    await r.agent.leaseTick();
    expect(r.mysql.readOnly).toBe(false);
    expect((await r.agent.status()).writer.lease.state).toBe('held');
    r.clock.advance(LEASE_GRACE_MS - 1);
    await r.agent.leaseTick();
    expect(r.mysql.readOnly).toBe(false);
    r.clock.advance(1);
    await r.agent.leaseTick();
    expect(r.mysql.readOnly).toBe(true);
  });

  it('held, then the restarted monitor reaches a peer first and this host within the grace: stays open', async () => {
    const r = await rig();
    await openWriter(r);
    r.peers = [{ host: 'db2', lastMonitorContactAgoMs: 9000 }];
    r.clock.advance(5000);
    await r.agent.leaseTick();
    expect((await r.agent.status()).writer.lease.state).toBe('held');
    r.peers = [{ host: 'db2', lastMonitorContactAgoMs: 50 }];
    r.clock.advance(1000);
    await r.agent.leaseTick();
    r.clock.advance(LEASE_GRACE_MS / 2);
    await openWriter(r); // the new monitor's desired state (and promote) reach this host
    r.clock.advance(LEASE_GRACE_MS);
    await r.agent.leaseTick();
    expect(r.mysql.readOnly).toBe(false);
    expect((await r.agent.status()).writer.lease.state).toBe('ok');
  });

  it('fences when no peer answers', async () => {
    const r = await rig();
    await openWriter(r);
    r.peers = [{ host: 'db2', lastMonitorContactAgoMs: 'unreachable' }];
    r.clock.advance(3000);
    await r.agent.leaseTick();
    expect(r.mysql.readOnly).toBe(true);
  });

  it('without the peer check it fences without asking', async () => {
    const r = await rig({ agent: { leasePeerCheck: false } });
    await openWriter(r);
    r.clock.advance(3000);
    await r.agent.leaseTick();
    expect(r.peerAsks).toBe(0);
    expect(r.mysql.readOnly).toBe(true);
  });

  it('writer_lease 0 disables it; a non-writer never fences', async () => {
    const off = await rig({ agent: { writerLease: 0 } });
    await openWriter(off);
    off.clock.advance(60_000);
    await off.agent.leaseTick();
    expect(off.mysql.readOnly).toBe(false);
    const reader = await rig();
    reader.clock.advance(60_000);
    await reader.agent.leaseTick();
    expect(reader.mysql.calls).toEqual([]);
    expect(reader.peerAsks).toBe(0);
  });

  it('desired states keep the lease; after a self-fence only promote reopens', async () => {
    const r = await rig();
    await openWriter(r);
    for (let seq = 2; seq < 6; seq++) {
      r.clock.advance(2000);
      await r.agent.applyDesired(desired({ seq, roles: [writer] }));
      await r.agent.leaseTick();
    }
    expect(r.mysql.readOnly).toBe(false);
    r.clock.advance(3500);
    await r.agent.leaseTick();
    expect(r.mysql.readOnly).toBe(true);
    const back = await r.agent.applyDesired(desired({ seq: 9, roles: [writer] }));
    expect(back.steps).toEqual([]);
    expect(back.writer.holding).toBe('pending-promote');
    expect(back.writer.lease.state).toBe('ok');
    expect(back.writer.lease.lastSelfFence?.message).toContain('writer lease expired');
    await r.agent.promote({ host: 'db1', epoch: 1, replication: 'keep' });
    expect(r.mysql.readOnly).toBe(false);
  });

  it('an open writer found at first contact (never promoted) stays open, and the lease covers it', async () => {
    const r = await rig();
    r.mysql.readOnly = false; // e.g. taken over from MMM 2.2.1
    const res = await r.agent.applyDesired(desired({ roles: [writer] }));
    expect(res.steps).toEqual([]);
    expect(r.mysql.readOnly).toBe(false);
    r.clock.advance(3000);
    await r.agent.leaseTick();
    expect(r.mysql.readOnly).toBe(true);
  });

  it('a writer restarted from its state file gets one lease from its start', async () => {
    const first = await rig();
    await openWriter(first);
    const restarted = await rig({ memory: first.store.current, network: first.network, mysql: first.mysql });
    restarted.clock.advance(2500);
    await restarted.agent.leaseTick();
    expect(first.mysql.readOnly).toBe(false);
    restarted.clock.advance(600);
    await restarted.agent.leaseTick();
    expect(first.mysql.readOnly).toBe(true);
  });

  it('answers peers with its last monitor contact', async () => {
    const r = await rig();
    const none = { relayFor: null, relayAgoMs: null, relayEpoch: null };
    expect(r.agent.leaseAnswer()).toEqual({ host: 'db1', epoch: null, lastMonitorContactAgoMs: null, ...none });
    await r.agent.applyDesired(desired({ epoch: 3 }));
    r.clock.advance(1234);
    expect(r.agent.leaseAnswer()).toEqual({ host: 'db1', epoch: 3, lastMonitorContactAgoMs: 1234, ...none });
  });

  it('answers peers with the lease relay of its newest desired state, cleared by one without it', async () => {
    const r = await rig();
    await r.agent.applyDesired(desired({ epoch: 4, seq: 1, activeMaster: 'db2', leaseRelay: 'db2' }));
    r.clock.advance(700);
    expect(r.agent.leaseAnswer()).toMatchObject({ relayFor: 'db2', relayAgoMs: 700, relayEpoch: 4 });
    await r.agent.applyDesired(desired({ epoch: 4, seq: 2, activeMaster: 'db2', leaseRelay: 'db2' }));
    expect(r.agent.leaseAnswer()).toMatchObject({ relayFor: 'db2', relayAgoMs: 0 });
    // a stale desired state is refused and does not touch the relay
    await rejection(r.agent.applyDesired(desired({ epoch: 4, seq: 1, leaseRelay: null })));
    expect(r.agent.leaseAnswer().relayFor).toBe('db2');
    await r.agent.applyDesired(desired({ epoch: 4, seq: 3, activeMaster: 'db2' }));
    expect(r.agent.leaseAnswer()).toMatchObject({ relayFor: null, relayAgoMs: null, relayEpoch: null });
    // a relay naming this very host means nothing here
    await r.agent.applyDesired(desired({ epoch: 4, seq: 4, leaseRelay: 'db1' }));
    expect(r.agent.leaseAnswer().relayFor).toBeNull();
  });
});

describe('writer lease relay', () => {
  const relaying = (agoMs: number, epoch = 1) => ({
    host: 'db3',
    lastMonitorContactAgoMs: agoMs,
    relay: { forHost: 'db1', agoMs, epoch },
  });

  it('a peer relaying the monitor keeps the writer open past its lease, asked before the expiry', async () => {
    const r = await rig();
    await openWriter(r);
    r.peers = [relaying(300)];
    r.clock.advance(1900);
    await r.agent.leaseTick();
    expect(r.peerAsks).toBe(0); // before the ask-ahead window (lease 3 s, 1 s ahead)
    r.clock.advance(200);
    await r.agent.leaseTick();
    expect(r.peerAsks).toBe(1); // renewed before the expiry: lease now started 0.3 s ago
    expect((await r.agent.status()).writer.lease).toMatchObject({
      state: 'relayed',
      message: 'lease renewed by relay: the monitor vouched for this writer through db3 0.3 s ago',
    });
    for (let i = 0; i < 20; i++) {
      r.clock.advance(500);
      await r.agent.leaseTick();
    }
    expect(r.mysql.readOnly).toBe(false);
    expect(r.network.bound.has(WRITER_IP)).toBe(true);
    // the relay is still reported as direct contact nowhere: peers must not take it for the monitor's word
    expect(r.agent.leaseAnswer().lastMonitorContactAgoMs).toBeGreaterThanOrEqual(12_000);
  });

  it('once the relay stops the writer fences one lease after the last relay, reader VIPs included', async () => {
    const r = await rig();
    await r.agent.applyDesired(desired({ seq: 1, roles: [writer, reader()] }));
    await r.agent.promote({ host: 'db1', epoch: 1, replication: 'keep' });
    expect(r.network.bound.has(R1)).toBe(true);
    r.peers = [relaying(0)];
    r.clock.advance(2500);
    await r.agent.leaseTick(); // renewed as of now
    r.peers = [{ host: 'db3', lastMonitorContactAgoMs: 100 }];
    r.clock.advance(2900);
    await r.agent.leaseTick();
    expect(r.mysql.readOnly).toBe(false);
    r.clock.advance(200);
    await r.agent.leaseTick();
    expect(r.mysql.readOnly).toBe(true);
    expect(r.network.bound.has(WRITER_IP)).toBe(false);
    expect(r.network.bound.has(R1)).toBe(false);
    expect((await r.agent.status()).writer.lease.state).toBe('self-fenced');
  });

  it('a relay from an older monitor epoch does not count', async () => {
    const r = await rig();
    await openWriter(r, 5);
    r.peers = [relaying(100, 4)];
    r.clock.advance(3100);
    await r.agent.leaseTick();
    expect(r.mysql.readOnly).toBe(true);
  });
});

describe('status report', () => {
  it('says MySQL is down and still reports the VIPs and memory', async () => {
    const r = await rig();
    await r.agent.applyDesired(desired({ epoch: 2, roles: [reader()] }));
    r.mysql.down = unreachable();
    const report = await r.agent.status();
    expect(report.mysql).toEqual({
      up: false,
      error: { code: 'MMM_MYSQL_UNREACHABLE', message: 'MySQL 198.18.30.11:3306: cannot connect: ECONNREFUSED' },
    });
    expect(report.vips).toEqual({ bound: [reader()], error: null });
    expect(report).toMatchObject({
      host: 'db1',
      interface: 'eth0',
      hostState: 'ONLINE',
      stamp: { epoch: 2, seq: 1 },
      apiVersion: 1,
    });
  });

  it('reports MySQL facts when it is up', async () => {
    const r = await rig();
    const report = await r.agent.status();
    expect(report.mysql).toMatchObject({
      up: true,
      flavor: 'mariadb',
      readOnly: true,
      replication: { sourceHost: 'db1' },
    });
    expect(report.hostState).toBe('UNKNOWN');
  });
});
