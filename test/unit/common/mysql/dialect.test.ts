// Golden SQL for every statement of the dialect, for each flavor/version boundary. `render` substitutes the
// parameters the way the connection layer does (mysql2's escaping, secrets revealed), so these strings are
// exactly what a server receives.
import { format } from 'mysql2';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../../common/config/secret.js';
import { dialectFor, type ChangeSourceOptions, type Dialect } from '../../../../common/mysql/dialect.js';
import { parseServerVersion } from '../../../../common/mysql/flavor.js';
import { describeStatement, type Statement } from '../../../../common/mysql/statement.js';

const V = {
  'MariaDB 10.11': '10.11.19-MariaDB-0+deb12u1-log',
  'MariaDB 11.4': '11.4.2-MariaDB',
  'MySQL 5.7': '5.7.44-log',
  'MySQL 8.0.21': '8.0.21',
  'MySQL 8.0.22': '8.0.22',
  'MySQL 8.0.23': '8.0.23',
  'MySQL 8.0.36': '8.0.36',
  'MySQL 8.4': '8.4.0',
  'MySQL 9.1': '9.1.0',
} as const;
type Label = keyof typeof V;
const LABELS = Object.keys(V) as Label[];

function dialect(label: Label): Dialect {
  return dialectFor(parseServerVersion(V[label]));
}

function render(s: Statement): string {
  return format(
    s.sql,
    s.params.map((p) => (p instanceof Secret ? p.reveal() : p)),
  );
}

/** Expected text per version: each entry applies to the listed labels. */
function golden(make: (d: Dialect) => Statement, table: [Label[], string][]): void {
  const covered = table.flatMap(([ls]) => ls);
  expect([...covered].sort()).toEqual([...LABELS].sort());
  for (const [labels, sql] of table) {
    for (const label of labels) expect(render(make(dialect(label))), label).toBe(sql);
  }
}

const MARIA: Label[] = ['MariaDB 10.11', 'MariaDB 11.4'];
const OLD_MYSQL: Label[] = ['MySQL 5.7', 'MySQL 8.0.21'];
const REPLICA_MYSQL: Label[] = ['MySQL 8.0.22', 'MySQL 8.0.23', 'MySQL 8.0.36', 'MySQL 8.4', 'MySQL 9.1'];

const base: ChangeSourceOptions = {
  host: '198.18.0.12',
  port: 3306,
  user: 'repl',
  password: new Secret('replpass'),
  position: { kind: 'gtid' },
  heartbeatPeriodSec: 1,
  connectRetrySec: 1,
};

describe('golden SQL per flavor and version', () => {
  it('SHOW SLAVE STATUS / SHOW REPLICA STATUS', () => {
    golden(
      (d) => d.showReplicaStatus(),
      [
        [[...MARIA, ...OLD_MYSQL], 'SHOW SLAVE STATUS'],
        [REPLICA_MYSQL, 'SHOW REPLICA STATUS'],
      ],
    );
  });

  it('SHOW MASTER STATUS / SHOW BINARY LOG STATUS', () => {
    golden(
      (d) => d.showBinlogStatus(),
      [
        [[...MARIA, ...OLD_MYSQL, 'MySQL 8.0.22', 'MySQL 8.0.23', 'MySQL 8.0.36'], 'SHOW MASTER STATUS'],
        [['MySQL 8.4', 'MySQL 9.1'], 'SHOW BINARY LOG STATUS'],
      ],
    );
  });

  it('START / STOP / RESET', () => {
    golden(
      (d) => d.startReplica(),
      [
        [[...MARIA, ...OLD_MYSQL], 'START SLAVE'],
        [REPLICA_MYSQL, 'START REPLICA'],
      ],
    );
    golden(
      (d) => d.stopReplica(),
      [
        [[...MARIA, ...OLD_MYSQL], 'STOP SLAVE'],
        [REPLICA_MYSQL, 'STOP REPLICA'],
      ],
    );
    golden(
      (d) => d.stopReplica('io'),
      [
        [[...MARIA, ...OLD_MYSQL], 'STOP SLAVE IO_THREAD'],
        [REPLICA_MYSQL, 'STOP REPLICA IO_THREAD'],
      ],
    );
    golden(
      (d) => d.stopReplica('sql'),
      [
        [[...MARIA, ...OLD_MYSQL], 'STOP SLAVE SQL_THREAD'],
        [REPLICA_MYSQL, 'STOP REPLICA SQL_THREAD'],
      ],
    );
    golden(
      (d) => d.resetReplicaAll(),
      [
        [[...MARIA, ...OLD_MYSQL], 'RESET SLAVE ALL'],
        [REPLICA_MYSQL, 'RESET REPLICA ALL'],
      ],
    );
  });

  it('change source by GTID, always with heartbeat and connect retry', () => {
    golden(
      (d) => d.changeSource(base),
      [
        [
          MARIA,
          "CHANGE MASTER TO MASTER_HOST='198.18.0.12', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='replpass', " +
            'MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1',
        ],
        [
          [...OLD_MYSQL, 'MySQL 8.0.22'],
          "CHANGE MASTER TO MASTER_HOST='198.18.0.12', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='replpass', " +
            'MASTER_AUTO_POSITION=1, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1',
        ],
        [
          ['MySQL 8.0.23', 'MySQL 8.0.36', 'MySQL 8.4', 'MySQL 9.1'],
          "CHANGE REPLICATION SOURCE TO SOURCE_HOST='198.18.0.12', SOURCE_PORT=3306, SOURCE_USER='repl', " +
            "SOURCE_PASSWORD='replpass', SOURCE_AUTO_POSITION=1, SOURCE_CONNECT_RETRY=1, SOURCE_HEARTBEAT_PERIOD=1",
        ],
      ],
    );
  });

  it('change source by exact coordinates, keeping the stored credentials', () => {
    const o: ChangeSourceOptions = {
      host: 'db2.example',
      port: 3307,
      position: { kind: 'file', file: 'mysql-bin.000007', pos: 5818 },
      heartbeatPeriodSec: 2.5,
      connectRetrySec: 10,
    };
    golden(
      (d) => d.changeSource(o),
      [
        [
          MARIA,
          "CHANGE MASTER TO MASTER_HOST='db2.example', MASTER_PORT=3307, MASTER_USE_GTID=no, " +
            "MASTER_LOG_FILE='mysql-bin.000007', MASTER_LOG_POS=5818, MASTER_CONNECT_RETRY=10, MASTER_HEARTBEAT_PERIOD=2.5",
        ],
        [
          [...OLD_MYSQL, 'MySQL 8.0.22'],
          "CHANGE MASTER TO MASTER_HOST='db2.example', MASTER_PORT=3307, MASTER_AUTO_POSITION=0, " +
            "MASTER_LOG_FILE='mysql-bin.000007', MASTER_LOG_POS=5818, MASTER_CONNECT_RETRY=10, MASTER_HEARTBEAT_PERIOD=2.5",
        ],
        [
          ['MySQL 8.0.23', 'MySQL 8.0.36', 'MySQL 8.4', 'MySQL 9.1'],
          "CHANGE REPLICATION SOURCE TO SOURCE_HOST='db2.example', SOURCE_PORT=3307, SOURCE_AUTO_POSITION=0, " +
            "SOURCE_LOG_FILE='mysql-bin.000007', SOURCE_LOG_POS=5818, SOURCE_CONNECT_RETRY=10, SOURCE_HEARTBEAT_PERIOD=2.5",
        ],
      ],
    );
  });

  it('GTID waits', () => {
    golden(
      (d) => d.waitForGtid(d.flavor === 'mariadb' ? '0-1-20' : '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-20', 2.5),
      [
        [MARIA, "SELECT MASTER_GTID_WAIT('0-1-20', 2.5) AS result"],
        [
          [...OLD_MYSQL, ...REPLICA_MYSQL],
          "SELECT WAIT_FOR_EXECUTED_GTID_SET('3e11fa47-71ca-11e1-9e33-c80aa9429562:1-20', 3) AS result",
        ],
      ],
    );
  });

  it('position waits', () => {
    golden(
      (d) => d.waitForPosition('mysql-bin.000002', 1307, 5),
      [
        [
          [...MARIA, ...OLD_MYSQL, 'MySQL 8.0.22', 'MySQL 8.0.23'],
          "SELECT MASTER_POS_WAIT('mysql-bin.000002', 1307, 5) AS result",
        ],
        [['MySQL 8.0.36', 'MySQL 8.4', 'MySQL 9.1'], "SELECT SOURCE_POS_WAIT('mysql-bin.000002', 1307, 5) AS result"],
      ],
    );
  });

  it('read_only and super_read_only', () => {
    const withSuper: Label[] = ['MySQL 5.7', 'MySQL 8.0.21', ...REPLICA_MYSQL];
    golden(
      (d) => d.setReadOnly(true),
      [
        [MARIA, 'SET GLOBAL read_only=1'],
        [withSuper, 'SET GLOBAL super_read_only=1'],
      ],
    );
    golden((d) => d.setReadOnly(false), [[LABELS, 'SET GLOBAL read_only=0']]);
    golden(
      (d) => d.readOnlyState(),
      [
        [MARIA, 'SELECT @@GLOBAL.read_only AS read_only'],
        [withSuper, 'SELECT @@GLOBAL.read_only AS read_only, @@GLOBAL.super_read_only AS super_read_only'],
      ],
    );
  });

  it('GTID state queries', () => {
    golden(
      (d) => d.gtidState(),
      [
        [
          MARIA,
          'SELECT @@GLOBAL.gtid_binlog_pos AS gtid_binlog_pos, @@GLOBAL.gtid_current_pos AS gtid_current_pos, ' +
            '@@GLOBAL.gtid_slave_pos AS gtid_slave_pos, @@GLOBAL.gtid_binlog_state AS gtid_binlog_state, ' +
            '@@GLOBAL.gtid_domain_id AS gtid_domain_id, @@GLOBAL.server_id AS server_id, ' +
            '@@GLOBAL.gtid_strict_mode AS gtid_strict_mode',
        ],
        [
          [...OLD_MYSQL, ...REPLICA_MYSQL],
          'SELECT @@GLOBAL.gtid_executed AS gtid_executed, @@GLOBAL.gtid_purged AS gtid_purged, ' +
            '@@GLOBAL.server_uuid AS server_uuid, @@GLOBAL.server_id AS server_id, @@GLOBAL.gtid_mode AS gtid_mode',
        ],
      ],
    );
  });

  it('net timeout and heartbeat period', () => {
    golden(
      (d) => d.replicaNetTimeout(),
      [
        [[...MARIA, ...OLD_MYSQL, 'MySQL 8.0.22', 'MySQL 8.0.23'], 'SELECT @@GLOBAL.slave_net_timeout AS net_timeout'],
        [['MySQL 8.0.36', 'MySQL 8.4', 'MySQL 9.1'], 'SELECT @@GLOBAL.replica_net_timeout AS net_timeout'],
      ],
    );
    golden(
      (d) => d.heartbeatPeriod(),
      [
        [MARIA, "SHOW GLOBAL STATUS LIKE 'Slave_heartbeat_period'"],
        [
          [...OLD_MYSQL, ...REPLICA_MYSQL],
          'SELECT HEARTBEAT_INTERVAL AS Value FROM performance_schema.replication_connection_configuration ' +
            "WHERE CHANNEL_NAME = ''",
        ],
      ],
    );
  });

  it('heartbeat counters: one round trip, parsed per flavor', () => {
    golden(
      (d) => d.heartbeatCounters(),
      [
        [MARIA, "SHOW GLOBAL STATUS WHERE Variable_name IN ('Slave_received_heartbeats', 'Slave_heartbeat_period')"],
        [
          [...OLD_MYSQL, ...REPLICA_MYSQL],
          'SELECT s.COUNT_RECEIVED_HEARTBEATS AS received, c.HEARTBEAT_INTERVAL AS period ' +
            'FROM performance_schema.replication_connection_status s ' +
            'JOIN performance_schema.replication_connection_configuration c USING (CHANNEL_NAME) ' +
            "WHERE s.CHANNEL_NAME = ''",
        ],
      ],
    );
    const maria = dialect('MariaDB 10.11').heartbeatCounters();
    expect(
      maria.parse([
        { Variable_name: 'Slave_heartbeat_period', Value: '1.000' },
        { Variable_name: 'Slave_received_heartbeats', Value: '42' },
      ]),
    ).toEqual({ received: 42, periodSec: 1 });
    expect(maria.parse([])).toEqual({ received: null, periodSec: null });
    const mysql = dialect('MySQL 8.4').heartbeatCounters();
    expect(mysql.parse([{ received: 7, period: '30.000' }])).toEqual({ received: 7, periodSec: 30 });
    expect(mysql.parse([])).toEqual({ received: null, periodSec: null });
  });

  it('process list, KILL and CONNECTION_ID', () => {
    golden((d) => d.processList(), [[LABELS, 'SHOW FULL PROCESSLIST']]);
    golden((d) => d.killConnection(4711), [[LABELS, 'KILL CONNECTION 4711']]);
    golden((d) => d.connectionId(), [[LABELS, 'SELECT CONNECTION_ID() AS id']]);
  });

  it('server uptime', () => {
    golden((d) => d.serverUptime(), [[LABELS, "SHOW GLOBAL STATUS LIKE 'Uptime'"]]);
    expect(
      dialect('MariaDB 10.11')
        .serverUptime()
        .parse([{ Variable_name: 'Uptime', Value: '4711' }]),
    ).toBe(4711);
  });

  it('storage paths: datadir and the binlog directory', () => {
    golden(
      (d) => d.storagePaths(),
      [[LABELS, 'SELECT @@GLOBAL.datadir AS datadir, @@GLOBAL.log_bin_basename AS binlog']],
    );
    const q = dialect('MariaDB 10.11').storagePaths();
    expect(q.parse([{ datadir: '/var/lib/mysql/', binlog: '/var/log/mysql/mysql-bin' }])).toEqual({
      datadir: '/var/lib/mysql/',
      binlogDir: '/var/log/mysql',
    });
    expect(q.parse([{ datadir: '/var/lib/mysql/', binlog: null }])).toEqual({
      datadir: '/var/lib/mysql/',
      binlogDir: null,
    });
  });
});

describe('values in SQL', () => {
  const d = dialect('MariaDB 10.11');

  it('escapes the replication password (MMM did not) and keeps it out of the statement text', () => {
    const nasty = `x', MASTER_HOST='evil\\' ? --`;
    const s = d.changeSource({ ...base, password: new Secret(nasty) });
    expect(s.sql).not.toContain('evil');
    expect(s.sql).toBe(
      'CHANGE MASTER TO MASTER_HOST=?, MASTER_PORT=3306, MASTER_USER=?, MASTER_PASSWORD=?, ' +
        'MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1',
    );
    expect(render(s)).toContain(`MASTER_PASSWORD='x\\', MASTER_HOST=\\'evil\\\\\\' ? --', MASTER_USE_GTID`);
    expect(describeStatement(s)).toBe(
      "CHANGE MASTER TO MASTER_HOST='198.18.0.12', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD=***, " +
        'MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1',
    );
    expect(JSON.stringify(s)).not.toContain('evil');
  });

  it('escapes hosts, users, file names and GTIDs too', () => {
    const s = d.changeSource({
      ...base,
      host: "h'1",
      user: 'u\\2',
      position: { kind: 'file', file: "f'3", pos: 4 },
    });
    expect(render(s)).toContain("MASTER_HOST='h\\'1'");
    expect(render(s)).toContain("MASTER_USER='u\\\\2'");
    expect(render(s)).toContain("MASTER_LOG_FILE='f\\'3'");
  });

  it('canonicalizes the GTID to wait for and marks the wait as blocking', () => {
    const s = d.waitForGtid(' 1-2-7 , 0-1-42 ', 0.25);
    expect(render(s)).toBe("SELECT MASTER_GTID_WAIT('0-1-42,1-2-7', 0.25) AS result");
    expect(s.blockingSeconds).toBe(0.25);
    expect(dialect('MySQL 8.4').waitForGtid('3e11fa47-71ca-11e1-9e33-c80aa9429562:5', 0.2).blockingSeconds).toBe(1);
  });

  it('passes MariaDB current_pos and MySQL GET_SOURCE_PUBLIC_KEY when asked', () => {
    expect(render(d.changeSource({ ...base, mariadbUseGtid: 'current_pos' }))).toContain('MASTER_USE_GTID=current_pos');
    expect(render(dialect('MySQL 8.4').changeSource({ ...base, getSourcePublicKey: true }))).toMatch(
      /SOURCE_HEARTBEAT_PERIOD=1, GET_SOURCE_PUBLIC_KEY=1$/,
    );
    expect(render(dialect('MySQL 8.0.22').changeSource({ ...base, getSourcePublicKey: true }))).toMatch(
      /MASTER_HEARTBEAT_PERIOD=1, GET_MASTER_PUBLIC_KEY=1$/,
    );
  });
});

describe('argument checks', () => {
  const d = dialect('MariaDB 10.11');

  it('refuses a heartbeat at or above slave_net_timeout', () => {
    expect(() => d.changeSource({ ...base, heartbeatPeriodSec: 5, netTimeoutSec: 5 })).toThrow(
      /heartbeat period 5s must be below slave_net_timeout 5s/,
    );
    expect(() => d.changeSource({ ...base, heartbeatPeriodSec: 4.999, netTimeoutSec: 5 })).not.toThrow();
  });

  it('refuses a zero, negative or too precise heartbeat', () => {
    expect(() => d.changeSource({ ...base, heartbeatPeriodSec: 0 })).toThrow(/heartbeat period must be/);
    expect(() => d.changeSource({ ...base, heartbeatPeriodSec: -1 })).toThrow(/heartbeat period must be/);
    expect(() => d.changeSource({ ...base, heartbeatPeriodSec: 0.0001 })).toThrow(/more than millisecond resolution/);
    expect(render(d.changeSource({ ...base, heartbeatPeriodSec: 0.1 }))).toMatch(/MASTER_HEARTBEAT_PERIOD=0\.1$/);
  });

  it('refuses bad ports, retries, positions, hosts, ids and waits with a clear message', () => {
    expect(() => d.changeSource({ ...base, port: 0 })).toThrow('source port must be an integer from 1 to 65535, got 0');
    expect(() => d.changeSource({ ...base, port: 3306.5 })).toThrow(/source port/);
    expect(() => d.changeSource({ ...base, connectRetrySec: 0 })).toThrow(/connect retry must be an integer/);
    expect(() => d.changeSource({ ...base, host: '' })).toThrow(/source host must be non-empty text/);
    expect(() => d.changeSource({ ...base, host: 'a\nb' })).toThrow(/without control characters/);
    expect(() => d.changeSource({ ...base, position: { kind: 'file', file: 'f', pos: 3 } })).toThrow(
      /binlog position must be an integer from 4/,
    );
    expect(() =>
      d.changeSource({ ...base, position: { kind: 'file', file: 'f', pos: 4 }, mariadbUseGtid: 'slave_pos' }),
    ).toThrow(/mariadbUseGtid applies to GTID positioning only/);
    expect(() => d.changeSource({ ...base, getSourcePublicKey: true })).toThrow(
      /GET_SOURCE_PUBLIC_KEY needs MySQL 8\.0\.4/,
    );
    expect(() => d.killConnection(0)).toThrow(/connection id/);
    expect(() => d.waitForGtid('0-1-5', 0)).toThrow(/wait timeout must be/);
    expect(() => d.waitForGtid('0-1-5', Infinity)).toThrow(/wait timeout must be/);
    expect(() => d.waitForGtid('garbage', 1)).toThrow(/invalid GTID position to wait for "garbage"/);
    expect(() => dialect('MySQL 8.4').waitForGtid('0-1-5', 1)).toThrow(/invalid GTID set to wait for "0-1-5"/);
  });
});

describe('features', () => {
  it('refuses servers the dialect cannot serve', () => {
    expect(() => dialectFor(parseServerVersion('5.6.51-log'))).toThrow(/MySQL 5\.7\.5 or newer is required/);
  });

  it('tracks the version boundaries', () => {
    const f = (l: Label): string =>
      Object.entries(dialect(l).features)
        .filter(([, on]) => on)
        .map(([k]) => k)
        .join(',');
    expect(f('MariaDB 11.4')).toBe('');
    expect(f('MySQL 5.7')).toBe('superReadOnly');
    expect(f('MySQL 8.0.21')).toBe('superReadOnly,getSourcePublicKey');
    expect(f('MySQL 8.0.36')).toBe(
      'replicaKeyword,changeReplicationSource,sourcePosWait,superReadOnly,getSourcePublicKey',
    );
    expect(f('MySQL 8.4')).toBe(
      'replicaKeyword,changeReplicationSource,sourcePosWait,binaryLogStatus,superReadOnly,getSourcePublicKey',
    );
  });
});

describe('result parsers', () => {
  const maria = dialect('MariaDB 10.11');
  const mysql = dialect('MySQL 8.4');

  it('reads wait results, including NULL as not-replicating (MMM took it for success)', () => {
    const gtidWait = maria.waitForGtid('0-1-1', 1);
    expect(gtidWait.parse([{ result: 0 }])).toBe('reached');
    expect(gtidWait.parse([{ result: -1 }])).toBe('timeout');
    expect(() => gtidWait.parse([{ result: 1 }])).toThrow(/MASTER_GTID_WAIT returned 1, expected 0 or -1/);
    const mysqlWait = mysql.waitForGtid('3e11fa47-71ca-11e1-9e33-c80aa9429562:1', 1);
    expect(mysqlWait.parse([{ result: 0 }])).toBe('reached');
    expect(mysqlWait.parse([{ result: 1 }])).toBe('timeout');
    const posWait = maria.waitForPosition('f', 4, 1);
    expect(posWait.parse([{ result: 3 }])).toBe('reached');
    expect(posWait.parse([{ result: '0' }])).toBe('reached');
    expect(posWait.parse([{ result: -1 }])).toBe('timeout');
    expect(posWait.parse([{ result: null }])).toBe('not-replicating');
    expect(() => posWait.parse([])).toThrow(/expected exactly one row, got 0/);
  });

  it('reads read_only state', () => {
    expect(maria.readOnlyState().parse([{ read_only: 1 }])).toEqual({ readOnly: true, superReadOnly: null });
    expect(mysql.readOnlyState().parse([{ read_only: 1, super_read_only: 0 }])).toEqual({
      readOnly: true,
      superReadOnly: false,
    });
    expect(() => maria.readOnlyState().parse([{ read_only: 'maybe' }])).toThrow(
      'read_only: column read_only: expected 0/1 or ON/OFF, got "maybe"',
    );
  });

  it('reads binlog status of both flavors, and none when binary logging is off', () => {
    expect(maria.showBinlogStatus().parse([{ File: 'mysql-bin.000001', Position: 5818, Binlog_Do_DB: '' }])).toEqual({
      file: 'mysql-bin.000001',
      position: 5818,
      executedGtidSet: null,
    });
    expect(
      mysql.showBinlogStatus().parse([{ File: 'binlog.000003', Position: '927', Executed_Gtid_Set: 'x' }]),
    ).toMatchObject({ position: 927, executedGtidSet: 'x' });
    expect(maria.showBinlogStatus().parse([])).toBeNull();
  });

  it('reads GTID state into parsed positions and sets', () => {
    const m = maria.gtidState().parse([
      {
        gtid_binlog_pos: '0-1-20',
        gtid_current_pos: '0-1-20',
        gtid_slave_pos: '0-1-19',
        gtid_binlog_state: '0-2-3,0-1-20',
        gtid_domain_id: 0,
        server_id: 1,
        gtid_strict_mode: 0,
      },
    ]);
    if (m.flavor !== 'mariadb') throw new Error('flavor');
    expect(m.binlogState.size).toBe(2);
    expect(m.slavePos.get(0)?.seq).toBe(19n);
    expect(m.strictMode).toBe(false);
    const y = mysql.gtidState().parse([
      {
        gtid_executed: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-187,\n73f86016-978b-11ee-ade5-8d2a2a562feb:1-3',
        gtid_purged: '',
        server_uuid: '73f86016-978b-11ee-ade5-8d2a2a562feb',
        server_id: 2,
        gtid_mode: 'ON',
      },
    ]);
    if (y.flavor !== 'mysql') throw new Error('flavor');
    expect(y.executed.size).toBe(2);
    expect(y.purged.size).toBe(0);
    expect(() => maria.gtidState().parse([{ gtid_binlog_pos: 'x' }])).toThrow(/invalid gtid_binlog_pos "x"/);
  });

  it('reads the process list', () => {
    const rows = [
      { Id: 5, User: 'system user', Host: '', db: null, Command: 'Slave_IO', Time: 100, State: 'Waiting', Info: null },
      {
        Id: 9,
        User: 'app',
        Host: '198.18.0.1:51234',
        db: 'app',
        Command: 'Query',
        Time: 2,
        State: 'Updating',
        Info: 'UPDATE t SET v=1',
        Progress: 0,
      },
    ];
    expect(maria.processList().parse(rows)).toEqual([
      {
        id: 5,
        user: 'system user',
        host: '',
        db: null,
        command: 'Slave_IO',
        timeSec: 100,
        state: 'Waiting',
        info: null,
      },
      {
        id: 9,
        user: 'app',
        host: '198.18.0.1:51234',
        db: 'app',
        command: 'Query',
        timeSec: 2,
        state: 'Updating',
        info: 'UPDATE t SET v=1',
      },
    ]);
  });

  it('reads net timeout, heartbeat and connection id', () => {
    expect(maria.replicaNetTimeout().parse([{ net_timeout: 60 }])).toBe(60);
    expect(maria.heartbeatPeriod().parse([{ Variable_name: 'Slave_heartbeat_period', Value: '0.500' }])).toBe(0.5);
    expect(mysql.heartbeatPeriod().parse([])).toBeNull();
    expect(maria.connectionId().parse([{ id: 42 }])).toBe(42);
  });
});
