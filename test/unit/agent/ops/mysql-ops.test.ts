// The agent's MySQL operations on a scripted session: which SQL each flavor gets (only MariaDB runs on these
// machines, so the MySQL 8.0/8.4 paths are checked through the generated statements) and how the normalized
// replica status becomes the report's view.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../../common/config/secret.js';
import { MmmError } from '../../../../common/errors/index.js';
import { silentLogger } from '../../../../common/log/index.js';
import type { MysqlSession } from '../../../../common/mysql/connection.js';
import type { Query, Row, Statement } from '../../../../common/mysql/statement.js';
import { createMysqlOps, type SessionSource } from '../../../../agent/ops/mysql-ops.js';

function fixture(name: string): Row {
  const url = new URL(`../../../fixtures/replica-status/${name}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { row: Row }).row;
}

const VERSIONS = {
  mariadb: { version: '10.11.19-MariaDB-0+deb12u1-log', version_comment: 'Debian 12' },
  'mysql-8.0': { version: '8.0.36', version_comment: 'MySQL Community Server - GPL' },
  'mysql-8.4': { version: '8.4.0', version_comment: 'MySQL Community Server - GPL' },
} as const;
type Server = keyof typeof VERSIONS;

/** A server that answers by statement text and records everything it was sent. */
class Scripted {
  readonly sent: string[] = [];
  readOnly = 0;
  superReadOnly = 0;
  processes: Row[] = [];
  killed: number[] = [];
  replica: Row | undefined;
  /** STOPs of the receiver that leave it running (it restarted after a kill, between kill and STOP). */
  receiverRestarts = 0;
  readonly server: Server;
  constructor(server: Server) {
    this.server = server;
  }

  answer(stmt: Statement): Row[] {
    const sql = stmt.sql;
    this.sent.push(sql);
    const maria = this.server === 'mariadb';
    if (sql.startsWith('SELECT @@version')) return [VERSIONS[this.server]];
    if (sql.startsWith('SET SESSION sql_mode')) return [];
    if (sql === 'SET GLOBAL read_only=1') this.readOnly = 1;
    if (sql === 'SET GLOBAL super_read_only=1') [this.readOnly, this.superReadOnly] = [1, 1];
    if (sql === 'SET GLOBAL read_only=0') [this.readOnly, this.superReadOnly] = [0, 0];
    if (sql.startsWith('SELECT @@GLOBAL.read_only')) {
      return [maria ? { read_only: this.readOnly } : { read_only: this.readOnly, super_read_only: this.superReadOnly }];
    }
    if (sql.startsWith('SELECT @@GLOBAL.gtid_binlog_pos')) {
      return [
        {
          gtid_binlog_pos: '0-1-42',
          gtid_current_pos: '0-1-42',
          gtid_slave_pos: '0-1-40',
          gtid_binlog_state: '0-2-7,0-1-42',
          gtid_domain_id: 0,
          server_id: 3,
          gtid_strict_mode: 0,
        },
      ];
    }
    if (sql.startsWith('SELECT @@GLOBAL.gtid_executed')) {
      return [
        {
          gtid_executed: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-187',
          gtid_purged: '',
          server_uuid: '73f86016-978b-11ee-ade5-8d2a2a562feb',
          server_id: 3,
          gtid_mode: 'ON',
        },
      ];
    }
    if (sql === 'SHOW MASTER STATUS' || sql === 'SHOW BINARY LOG STATUS')
      return [{ File: 'binlog.000009', Position: 777 }];
    if (sql === 'SHOW SLAVE STATUS' || sql === 'SHOW REPLICA STATUS')
      return this.replica === undefined ? [] : [this.replica];
    if (sql.startsWith("SHOW GLOBAL STATUS LIKE 'Uptime'")) return [{ Variable_name: 'Uptime', Value: '1234' }];
    if (sql.includes('_net_timeout')) return [{ net_timeout: 5 }];
    if (sql === 'SHOW FULL PROCESSLIST') return this.processes.filter((p) => !this.killed.includes(p['Id'] as number));
    if (sql.startsWith('KILL CONNECTION ')) this.killed.push(Number(sql.slice('KILL CONNECTION '.length)));
    if (sql.startsWith('STOP SLAVE') && !sql.endsWith('SQL_THREAD') && this.replica !== undefined) {
      const io = this.receiverRestarts > 0 ? 'Connecting' : 'No';
      if (this.receiverRestarts > 0) this.receiverRestarts--;
      this.replica = { ...this.replica, Slave_IO_Running: io };
    }
    if (sql.includes('MASTER_GTID_WAIT') || sql.includes('WAIT_FOR_EXECUTED_GTID_SET')) return [{ result: 0 }];
    if (sql.includes('_POS_WAIT')) return [{ result: null }];
    return [];
  }

  session(threadId: number): MysqlSession {
    const query = (stmt: Statement): Promise<Row[]> => Promise.resolve(this.answer(stmt));
    return {
      label: 'scripted',
      threadId,
      closed: false,
      query,
      run: async <T>(q: Query<T>): Promise<T> => q.parse(await query(q)),
      close: () => Promise.resolve(),
      destroy: () => undefined,
    };
  }

  source(): SessionSource {
    const s = this.session(100);
    return {
      session: () => Promise.resolve(s),
      query: s.query,
      run: s.run,
      close: () => Promise.resolve(),
    };
  }
}

function ops(server: Server) {
  const srv = new Scripted(server);
  let extra = 200;
  const mysql = createMysqlOps({
    endpoint: { host: '198.18.30.13', port: 3306, user: 'mmm_agent', password: new Secret('pw') },
    timeouts: { connectTimeoutMs: 1000, queryTimeoutMs: 2000 },
    logger: silentLogger(),
    hostByIp: (ip) => (ip === '198.18.0.11' ? 'db1' : null),
    connection: srv.source(),
    openExtra: () => Promise.resolve(srv.session(extra++)),
  });
  return { srv, mysql };
}

const change = {
  host: '198.18.30.12',
  port: 3306,
  user: 'repl',
  password: new Secret('replpass'),
  position: { mode: 'gtid' as const },
  heartbeatPeriodS: 1,
  connectRetryS: 1,
};

describe('agent MySQL ops per flavor', () => {
  it('MariaDB: read_only, CHANGE MASTER with slave_pos, heartbeat and retry, MASTER_GTID_WAIT', async () => {
    const { srv, mysql } = ops('mariadb');
    await mysql.setReadOnly(true);
    await mysql.changeSource(change);
    await mysql.waitFor({ gtid: '0-1-42' }, 1500);
    const sent = srv.sent.filter((s) => !s.startsWith('SELECT @@version') && !s.startsWith('SET SESSION'));
    expect(sent).toEqual([
      'SET GLOBAL read_only=1',
      'SELECT @@GLOBAL.read_only AS read_only',
      'SELECT @@GLOBAL.slave_net_timeout AS net_timeout',
      'CHANGE MASTER TO MASTER_HOST=?, MASTER_PORT=3306, MASTER_USER=?, MASTER_PASSWORD=?, MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1',
      'SELECT MASTER_GTID_WAIT(?, 1.5) AS result',
    ]);
  });

  it('MySQL 8.4: super_read_only, CHANGE REPLICATION SOURCE with auto-position, REPLICA keywords, GTID set wait', async () => {
    const { srv, mysql } = ops('mysql-8.4');
    srv.replica = fixture('mysql-8.4.json');
    await mysql.setReadOnly(true);
    expect(srv.superReadOnly).toBe(1);
    await mysql.stopReplication();
    await mysql.changeSource({ ...change, position: { mode: 'coordinates', file: 'binlog.000003', pos: 48213 } });
    await mysql.startReplication();
    await mysql.resetReplication();
    await mysql.waitFor({ gtid: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-187' }, 1200);
    expect(await mysql.waitFor({ file: 'binlog.000003', pos: 48213 }, 1000)).toBe('not-replicating');
    const sent = srv.sent.filter(
      (s) => !s.startsWith('SELECT @@version') && !s.startsWith('SET SESSION') && s !== 'SHOW REPLICA STATUS',
    );
    expect(sent).toEqual([
      'SET GLOBAL super_read_only=1',
      'SELECT @@GLOBAL.read_only AS read_only, @@GLOBAL.super_read_only AS super_read_only',
      'STOP REPLICA',
      'SELECT @@GLOBAL.replica_net_timeout AS net_timeout',
      'CHANGE REPLICATION SOURCE TO SOURCE_HOST=?, SOURCE_PORT=3306, SOURCE_USER=?, SOURCE_PASSWORD=?, SOURCE_AUTO_POSITION=0, SOURCE_LOG_FILE=?, SOURCE_LOG_POS=48213, SOURCE_CONNECT_RETRY=1, SOURCE_HEARTBEAT_PERIOD=1',
      'START REPLICA',
      'RESET REPLICA ALL',
      'SELECT WAIT_FOR_EXECUTED_GTID_SET(?, 2) AS result',
      'SELECT SOURCE_POS_WAIT(?, 48213, 1) AS result',
    ]);
    await mysql.setReadOnly(false);
    expect([srv.readOnly, srv.superReadOnly]).toEqual([0, 0]);
  });

  it('MySQL 8.0: SHOW SLAVE STATUS naming, mapped into the report view', async () => {
    const { srv, mysql } = ops('mysql-8.0');
    srv.replica = fixture('mysql-8.0.json');
    const state = await mysql.state();
    expect(state).toMatchObject({
      flavor: 'mysql',
      version: '8.0.36',
      readOnly: false,
      superReadOnly: false,
      uptimeS: 1234,
      serverId: 3,
    });
    expect(state.gtid).toEqual({
      binlogPos: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-187',
      binlogState: null,
      slavePos: null,
      currentPos: null,
    });
    expect(state.binlog).toEqual({ file: 'binlog.000009', pos: 777 });
    expect(state.replication?.usingGtid).toBe('auto_position');
    expect(srv.sent).toContain('SHOW REPLICA STATUS');
  });

  it('MySQL 8.4 replica row → report view: GTID sets as positions, source mapped to its host', async () => {
    const { srv, mysql } = ops('mysql-8.4');
    srv.replica = fixture('mysql-8.4.json');
    expect(await mysql.replication()).toEqual({
      sourceHost: 'db1',
      sourceIp: '198.18.0.11',
      sourcePort: 3306,
      ioRunning: 'connecting',
      sqlRunning: true,
      secondsBehind: null,
      usingGtid: 'auto_position',
      received: { gtid: '3e11fa47-71ca-11e1-9e33-c80aa9429562:101-187', file: 'binlog.000003', pos: 48213 },
      executed: {
        gtid: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-187,\n73f86016-978b-11ee-ade5-8d2a2a562feb:1-3',
        file: 'binlog.000003',
        pos: 48213,
      },
      lastIoErrno: 2003,
      lastIoError:
        "Error reconnecting to source 'repl@198.18.0.11:3306'. This was attempt 3/86400, with a delay of 1 seconds between attempts. Message: Can't connect to MySQL server on '198.18.0.11:3306' (111)",
      lastSqlErrno: 0,
      lastSqlError: '',
    });
  });

  it('MariaDB replica row → executed GTID is gtid_slave_pos; state has all GTID variables', async () => {
    const { srv, mysql } = ops('mariadb');
    srv.replica = fixture('mariadb-10.11.json');
    const state = await mysql.state();
    expect(state.gtid).toEqual({
      binlogPos: '0-1-42',
      binlogState: '0-1-42,0-2-7', // canonical order of the dialect's formatter
      slavePos: '0-1-40',
      currentPos: '0-1-42',
    });
    expect(state.replication).toMatchObject({ usingGtid: 'slave_pos', ioRunning: 'yes', executed: { gtid: '0-1-40' } });
    expect(state.superReadOnly).toBeNull();
  });

  it('MariaDB: the receiver is killed before a STOP that stops it (a semi-sync receiver would wait on a frozen source)', async () => {
    const { srv, mysql } = ops('mariadb');
    srv.replica = fixture('mariadb-10.11.json');
    const thread = (Id: number, Command: string): Row => ({
      Id,
      User: 'system user',
      Host: '',
      db: null,
      Command,
      Time: 9,
      State: '',
      Info: null,
    });
    srv.processes = [thread(7, 'Slave_IO'), thread(8, 'Slave_SQL')];
    const order = (): string[] => srv.sent.filter((x) => x.startsWith('KILL') || x.startsWith('STOP'));
    await mysql.stopReplication();
    expect(order()).toEqual(['KILL CONNECTION 7', 'STOP SLAVE']); // the receiver only, never the applier
    srv.sent.length = 0;
    srv.killed = []; // it reconnected meanwhile (same id in this script)
    await mysql.stopReceiver();
    expect(order()).toEqual(['KILL CONNECTION 7', 'STOP SLAVE IO_THREAD']);
    srv.sent.length = 0;
    srv.killed = [];
    await mysql.stopReplication('sql');
    expect(order()).toEqual(['STOP SLAVE SQL_THREAD']);
  });

  it('MariaDB: a killed receiver that restarted before the STOP is stopped again', async () => {
    const { srv, mysql } = ops('mariadb');
    srv.replica = fixture('mariadb-10.11.json');
    srv.processes = [
      { Id: 7, User: 'system user', Host: '', db: null, Command: 'Slave_IO', Time: 9, State: '', Info: null },
    ];
    srv.receiverRestarts = 1;
    await mysql.stopReplication();
    expect(srv.sent.filter((x) => x.startsWith('KILL') || x.startsWith('STOP'))).toEqual([
      'KILL CONNECTION 7',
      'STOP SLAVE',
      'STOP SLAVE',
    ]);
    expect(srv.replica['Slave_IO_Running']).toBe('No');
  });

  it('MySQL: STOP REPLICA alone (its receiver is not recognisable in the process list)', async () => {
    const { srv, mysql } = ops('mysql-8.4');
    srv.replica = fixture('mysql-8.4.json');
    await mysql.stopReplication();
    expect(srv.sent.filter((x) => x.startsWith('KILL') || x.startsWith('STOP') || x.startsWith('SHOW FULL'))).toEqual([
      'STOP REPLICA',
    ]);
  });

  it('stop is a no-op and start is refused when replication is not configured', async () => {
    const { srv, mysql } = ops('mariadb');
    await mysql.stopReplication();
    expect(srv.sent).not.toContain('STOP SLAVE');
    await expect(mysql.startReplication()).rejects.toMatchObject({ code: 'MMM_REFUSED' });
  });

  it('kills client sessions only: not ourselves, replication, downstream replicas, agent or monitor', async () => {
    const { srv, mysql } = ops('mariadb');
    const p = (Id: number, User: string, Command: string): Row => ({
      Id,
      User,
      Host: 'x',
      db: null,
      Command,
      Time: 1,
      State: '',
      Info: null,
    });
    srv.processes = [
      p(100, 'mmm_agent', 'Query'),
      p(5, 'system user', 'Slave_IO'),
      p(6, 'system user', 'Slave_SQL'),
      p(7, 'repl', 'Binlog Dump'),
      p(8, 'mmm_monitor', 'Sleep'),
      p(9, 'event_scheduler', 'Daemon'),
      p(10, 'app', 'Sleep'),
      p(11, 'app', 'Query'),
      p(12, 'root', 'Sleep'),
    ];
    expect(await mysql.killClientSessions({ passes: 3, spareUsers: ['mmm_agent', 'mmm_monitor'] })).toBe(3);
    expect(srv.killed).toEqual([10, 11, 12]);
  });

  it('a read_only that does not take is an error', async () => {
    const { srv, mysql } = ops('mariadb');
    srv.answer = ((orig) => (stmt: Statement) => (stmt.sql === 'SET GLOBAL read_only=1' ? [] : orig.call(srv, stmt)))(
      srv.answer,
    );
    const e = await mysql.setReadOnly(true).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(MmmError);
    expect((e as MmmError).message).toBe('read_only is 0 after setting it to 1');
  });
});
