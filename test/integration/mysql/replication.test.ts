// The dialect layer against two real throw-away mariadbd servers on loopback: flavor detection, replication
// set up only through dialect statements (GTID and binlog coordinates), the real SHOW SLAVE STATUS row
// normalized (and recorded as a fixture with MMM_RECORD_FIXTURES=1), GTID waits, errant-transaction
// detection from gtid_binlog_state, read_only, process list and KILL.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../common/config/secret.js';
import { ManagedConnection, openSession } from '../../../common/mysql/connection.js';
import { dialectFor, type Dialect, type GtidState } from '../../../common/mysql/dialect.js';
import { detectServerVersion, type ServerVersion } from '../../../common/mysql/flavor.js';
import {
  formatMariaPosition,
  formatMariaState,
  mariaPositionContains,
  mariaStateDifference,
} from '../../../common/mysql/gtid.js';
import { normalizeReplicaStatus, type ReplicaStatus } from '../../../common/mysql/replica-status.js';
import { statement, type Row } from '../../../common/mysql/statement.js';
import { APP, makeBaseDir, REPL, startMariadb, stopAll, type MariadbServer } from './server.js';

const FIXTURES = new URL('../../fixtures/replica-status/', import.meta.url);
const RECORD = process.env['MMM_RECORD_FIXTURES'] === '1';
const TIMEOUTS = { connectTimeoutMs: 3000, queryTimeoutMs: 10_000 };

let primary: MariadbServer;
let replica: MariadbServer;
let p: ManagedConnection;
let r: ManagedConnection;
let version: ServerVersion;
let d: Dialect;

function mariaState(g: GtidState): Extract<GtidState, { flavor: 'mariadb' }> {
  if (g.flavor !== 'mariadb') throw new Error('expected MariaDB GTID state');
  return g;
}

async function replicaStatus(): Promise<ReplicaStatus> {
  const s = await r.run(d.showReplicaStatus());
  if (s === null) throw new Error('replica has no replication configured');
  return s;
}

async function waitForStatus(pred: (s: ReplicaStatus) => boolean, ms = 15_000): Promise<ReplicaStatus> {
  let last: ReplicaStatus | undefined;
  for (const end = Date.now() + ms; Date.now() < end;) {
    last = await replicaStatus();
    if (pred(last)) return last;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`replica status never matched: ${JSON.stringify(last)}`);
}

/** Saves (record mode) or checks the recorded fixture: the live row must have exactly the recorded columns. */
function fixture(name: string, row: Row): void {
  const file = new URL(name, FIXTURES);
  if (RECORD) {
    const doc = {
      server: version.raw,
      statement: d.showReplicaStatus().sql,
      source: `Captured from a real mariadbd ${version.raw} by test/integration/mysql/replication.test.ts (MMM_RECORD_FIXTURES=1).`,
      row,
    };
    writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  }
  const recorded = JSON.parse(readFileSync(file, 'utf8')) as { row: Row };
  expect(Object.keys(row)).toEqual(Object.keys(recorded.row));
}

async function primaryBinlogPos(): Promise<string> {
  return formatMariaPosition(mariaState(await p.run(d.gtidState())).binlogPos);
}

async function writeOnPrimary(v: string): Promise<void> {
  await p.query(statement('INSERT INTO app.t (v) VALUES (?)', [v]));
}

async function countRows(c: ManagedConnection): Promise<number> {
  const rows = await c.query(statement('SELECT COUNT(*) AS n FROM app.t'));
  return Number(rows[0]?.['n']);
}

beforeAll(async () => {
  const base = makeBaseDir();
  [primary, replica] = await Promise.all([startMariadb(base, 1), startMariadb(base, 2)]);
  p = new ManagedConnection(primary.endpoint(), TIMEOUTS);
  r = new ManagedConnection(replica.endpoint(), TIMEOUTS);
  version = await detectServerVersion(p);
  d = dialectFor(version);
});

afterAll(async () => {
  await Promise.allSettled([p.close(), r.close()]);
  await stopAll();
});

describe('dialect against real MariaDB', () => {
  it('detects the flavor and version from @@version', () => {
    expect(version.flavor).toBe('mariadb');
    expect([version.major, version.minor]).toEqual([10, 11]);
    expect(version.raw).toMatch(/MariaDB/);
    expect(Object.values(d.features).every((f) => !f)).toBe(true);
  });

  it('sets up GTID replication with CHANGE MASTER from the dialect and normalizes the real row', async () => {
    await p.query(statement('CREATE DATABASE app'));
    await p.query(statement('CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64))'));
    const netTimeout = await r.run(d.replicaNetTimeout());
    await r.query(d.stopReplica());
    await r.query(
      d.changeSource({
        host: '127.0.0.1',
        port: primary.port,
        user: REPL.user,
        password: new Secret(REPL.password),
        position: { kind: 'gtid' },
        heartbeatPeriodSec: 0.5,
        connectRetrySec: 1,
        netTimeoutSec: netTimeout,
      }),
    );
    await r.query(d.startReplica());
    await writeOnPrimary('one');
    await writeOnPrimary('two');
    const target = await primaryBinlogPos();
    expect(await r.run(d.waitForGtid(target, 10))).toBe('reached');
    expect(await countRows(r)).toBe(2);

    const s = await waitForStatus((x) => x.ioRunning === 'Yes' && x.secondsBehind === 0);
    expect(s).toMatchObject({
      naming: 'slave',
      ioRunning: 'Yes',
      sqlRunning: 'Yes',
      sourceHost: '127.0.0.1',
      sourcePort: primary.port,
      sourceUser: REPL.user,
      sourceServerId: 1,
      sourceUuid: null,
      connectRetry: 1,
      secondsBehind: 0,
      lastIoErrno: 0,
      lastSqlErrno: 0,
      gtidMode: 'slave_pos',
      usingGtid: true,
      gtidIoPos: target,
      retrievedGtidSet: null,
      executedGtidSet: null,
    });
    expect(s.execCoordinates).toEqual(s.ioCoordinates);
    // The heartbeat was passed explicitly, so it is not reset to slave_net_timeout/2 (lab-facts §3).
    expect(await r.run(d.heartbeatPeriod())).toBe(0.5);

    const rows = await r.query(d.showReplicaStatus());
    expect(normalizeReplicaStatus(rows[0]!)).toEqual(s);
    fixture('mariadb-10.11.json', rows[0]!);
  });

  it('MASTER_GTID_WAIT times out in bounded time on a GTID that never comes', async () => {
    const t0 = Date.now();
    expect(await r.run(d.waitForGtid('0-1-999999', 1))).toBe('timeout');
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(6000);
  });

  it('repoints by exact binlog coordinates, MASTER_POS_WAIT reaches them, and GTID mode comes back', async () => {
    await r.query(d.stopReplica());
    const at = await p.run(d.showBinlogStatus());
    expect(at).not.toBeNull();
    await r.query(
      d.changeSource({
        host: '127.0.0.1',
        port: primary.port,
        position: { kind: 'file', file: at!.file, pos: at!.position },
        heartbeatPeriodSec: 0.5,
        connectRetrySec: 1,
      }),
    );
    await r.query(d.startReplica());
    await writeOnPrimary('three');
    const end = await p.run(d.showBinlogStatus());
    expect(await r.run(d.waitForPosition(end!.file, end!.position, 10))).toBe('reached');
    const s = await replicaStatus();
    expect(s.gtidMode).toBe('off');
    expect(s.usingGtid).toBe(false);
    expect(s.execCoordinates).toEqual({ file: end!.file, pos: end!.position });
    expect(await countRows(r)).toBe(3);

    // Back to GTID without credentials: the replica keeps them across CHANGE MASTER.
    await r.query(d.stopReplica());
    await r.query(
      d.changeSource({
        host: '127.0.0.1',
        port: primary.port,
        position: { kind: 'gtid' },
        heartbeatPeriodSec: 0.5,
        connectRetrySec: 1,
      }),
    );
    await r.query(d.startReplica());
    await writeOnPrimary('four');
    expect(await r.run(d.waitForGtid(await primaryBinlogPos(), 10))).toBe('reached');
    expect(await countRows(r)).toBe(4);
    expect((await replicaStatus()).gtidMode).toBe('slave_pos');
  });

  it('MASTER_POS_WAIT reports not-replicating while the SQL thread is stopped', async () => {
    await r.query(d.stopReplica('sql'));
    const s = await waitForStatus((x) => x.sqlRunning === 'No');
    expect(s.ioRunning).toBe('Yes');
    const at = await p.run(d.showBinlogStatus());
    expect(await r.run(d.waitForPosition(at!.file, at!.position + 1000, 2))).toBe('not-replicating');
    await r.query(d.startReplica());
    await waitForStatus((x) => x.sqlRunning === 'Yes');
  });

  it('finds an errant transaction with the gtid_binlog_state difference, where positions cannot', async () => {
    await r.query(statement('INSERT INTO app.t (v) VALUES (?)', ['written on the replica']));
    const onPrimary = mariaState(await p.run(d.gtidState()));
    const onReplica = mariaState(await r.run(d.gtidState()));
    expect(onReplica.serverId).toBe(2);
    const errant = mariaStateDifference(onReplica.binlogState, onPrimary.binlogState);
    expect(formatMariaState(errant)).toMatch(/^0-2-\d+$/);
    expect(mariaStateDifference(onPrimary.binlogState, onReplica.binlogState).size).toBe(0);
    // Per-domain position comparison sees the replica as simply "ahead": the documented limit of positions.
    expect(mariaPositionContains(onReplica.binlogPos, onPrimary.binlogPos)).toBe(true);
  });

  it('sets and reads read_only', async () => {
    await r.query(d.setReadOnly(true));
    expect(await r.run(d.readOnlyState())).toEqual({ readOnly: true, superReadOnly: null });
    await r.query(d.setReadOnly(false));
    expect(await r.run(d.readOnlyState())).toEqual({ readOnly: false, superReadOnly: null });
  });

  it('lists client sessions and kills one', async () => {
    const victim = await openSession(primary.endpoint(APP), TIMEOUTS);
    try {
      const list = await p.run(d.processList());
      const own = await p.run(d.connectionId());
      expect(list.find((x) => x.id === own)?.info).toBe('SHOW FULL PROCESSLIST');
      const target = list.find((x) => x.id === victim.threadId);
      expect(target).toMatchObject({ user: APP.user, command: 'Sleep', info: null });
      expect(list.some((x) => x.command === 'Binlog Dump')).toBe(true);
      await p.query(d.killConnection(victim.threadId));
      await expect(victim.query(statement('SELECT 1'))).rejects.toMatchObject({ code: 'MMM_MYSQL_UNREACHABLE' });
      expect(victim.closed).toBe(true);
    } finally {
      victim.destroy();
    }
  });

  it('shows a dead source as Connecting with errno 2003 (real row recorded)', async () => {
    await primary.stop();
    const s = await waitForStatus((x) => x.ioRunning === 'Connecting' && x.lastIoErrno === 2003);
    expect(s.sqlRunning).toBe('Yes');
    expect(s.secondsBehind).toBeNull();
    expect(s.lastIoError).toMatch(/Can't connect/);
    const rows = await r.query(d.showReplicaStatus());
    fixture('mariadb-10.11-source-down.json', rows[0]!);
  });

  it('RESET SLAVE ALL leaves no replica status', async () => {
    await r.query(d.stopReplica());
    await r.query(d.resetReplicaAll());
    expect(await r.run(d.showReplicaStatus())).toBeNull();
  });
});
