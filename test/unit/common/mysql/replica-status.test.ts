// Normalization of recorded SHOW SLAVE/REPLICA STATUS rows: MariaDB 10.11 (captured from a real server by
// test/integration/mysql/replication.test.ts), MySQL 5.7, 8.0 and 8.4 (written from the manuals' column lists).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeReplicaStatus, normalizeReplicaStatusRows } from '../../../../common/mysql/replica-status.js';
import type { Row } from '../../../../common/mysql/statement.js';

function fixture(name: string): Row {
  const url = new URL(`../../../fixtures/replica-status/${name}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { row: Row }).row;
}

describe('replica status normalization', () => {
  it('MariaDB 10.11, replicating by GTID (real row)', () => {
    const row = fixture('mariadb-10.11.json');
    expect(normalizeReplicaStatus(row)).toEqual({
      naming: 'slave',
      ioRunning: 'Yes',
      sqlRunning: 'Yes',
      ioState: 'Waiting for master to send event',
      sqlState: 'Slave has read all relay log; waiting for more updates',
      sourceHost: '127.0.0.1',
      sourcePort: row['Master_Port'],
      sourceUser: 'repl',
      sourceServerId: 1,
      sourceUuid: null,
      connectRetry: 1,
      secondsBehind: 0,
      lastIoErrno: 0,
      lastIoError: '',
      lastSqlErrno: 0,
      lastSqlError: '',
      gtidMode: 'slave_pos',
      usingGtid: true,
      gtidIoPos: row['Gtid_IO_Pos'],
      retrievedGtidSet: null,
      executedGtidSet: null,
      ioCoordinates: { file: row['Master_Log_File'], pos: row['Read_Master_Log_Pos'] },
      execCoordinates: { file: row['Relay_Master_Log_File'], pos: row['Exec_Master_Log_Pos'] },
      relayCoordinates: { file: row['Relay_Log_File'], pos: row['Relay_Log_Pos'] },
      sqlDelay: 0,
      channel: '',
    });
  });

  it('MariaDB 10.11, source killed: Connecting, errno 2003, no lag figure (real row)', () => {
    const s = normalizeReplicaStatus(fixture('mariadb-10.11-source-down.json'));
    expect(s).toMatchObject({
      ioRunning: 'Connecting',
      sqlRunning: 'Yes',
      secondsBehind: null,
      lastIoErrno: 2003,
      gtidMode: 'slave_pos',
    });
    expect(s.lastIoError).toMatch(/Can't connect to server on '127\.0\.0\.1' \(111 "Connection refused"\)/);
  });

  it('MySQL 8.4, Replica_/Source_ naming, source down', () => {
    expect(normalizeReplicaStatus(fixture('mysql-8.4.json'))).toEqual({
      naming: 'replica',
      ioRunning: 'Connecting',
      sqlRunning: 'Yes',
      ioState: 'Reconnecting after a failed source event read',
      sqlState: 'Replica has read all relay log; waiting for more updates',
      sourceHost: '198.18.0.11',
      sourcePort: 3306,
      sourceUser: 'repl',
      sourceServerId: 1,
      sourceUuid: '3e11fa47-71ca-11e1-9e33-c80aa9429562',
      connectRetry: 1,
      secondsBehind: null,
      lastIoErrno: 2003,
      lastIoError:
        "Error reconnecting to source 'repl@198.18.0.11:3306'. This was attempt 3/86400, with a delay of 1 seconds " +
        "between attempts. Message: Can't connect to MySQL server on '198.18.0.11:3306' (111)",
      lastSqlErrno: 0,
      lastSqlError: '',
      gtidMode: 'auto_position',
      usingGtid: true,
      gtidIoPos: null,
      retrievedGtidSet: '3e11fa47-71ca-11e1-9e33-c80aa9429562:101-187',
      executedGtidSet: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-187,\n73f86016-978b-11ee-ade5-8d2a2a562feb:1-3',
      ioCoordinates: { file: 'binlog.000003', pos: 48213 },
      execCoordinates: { file: 'binlog.000003', pos: 48213 },
      relayCoordinates: { file: 'relay-bin.000004', pos: 1877 },
      sqlDelay: 0,
      channel: '',
    });
  });

  it('MySQL 8.0 SHOW REPLICA STATUS, lagging', () => {
    expect(normalizeReplicaStatus(fixture('mysql-8.0.json'))).toMatchObject({
      naming: 'replica',
      ioRunning: 'Yes',
      sqlRunning: 'Yes',
      secondsBehind: 12,
      gtidMode: 'auto_position',
      ioCoordinates: { file: 'binlog.000012', pos: 99120 },
      execCoordinates: { file: 'binlog.000012', pos: 97004 },
      retrievedGtidSet: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5021',
      executedGtidSet: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5017',
    });
  });

  it('MySQL 5.7 SHOW SLAVE STATUS, SQL thread stopped on an error, file/position replication', () => {
    const s = normalizeReplicaStatus(fixture('mysql-5.7.json'));
    expect(s).toMatchObject({
      naming: 'slave',
      ioRunning: 'Yes',
      sqlRunning: 'No',
      sqlState: '',
      secondsBehind: null,
      lastSqlErrno: 1062,
      gtidMode: 'off',
      usingGtid: false,
      sourceUuid: '3e11fa47-71ca-11e1-9e33-c80aa9429562',
      retrievedGtidSet: '',
      executedGtidSet: '',
      gtidIoPos: null,
    });
    expect(s.lastSqlError).toMatch(/Duplicate entry '7'/);
  });

  it('accepts numbers as strings (supportBigNumbers beyond 2^53, text dumps)', () => {
    const row = { ...fixture('mariadb-10.11.json'), Read_Master_Log_Pos: '12345', Seconds_Behind_Master: '7' };
    expect(normalizeReplicaStatus(row)).toMatchObject({ secondsBehind: 7, ioCoordinates: { pos: 12345 } });
  });

  it('says which column is wrong', () => {
    const row = { ...fixture('mariadb-10.11.json'), Slave_IO_Running: 'Maybe' };
    expect(() => normalizeReplicaStatus(row)).toThrow(
      'replica status: column Slave_IO_Running: expected Yes|No|Connecting, got "Maybe"',
    );
    const noPort: Record<string, unknown> = { ...fixture('mariadb-10.11.json') };
    delete noPort['Master_Port'];
    expect(() => normalizeReplicaStatus(noPort)).toThrow(
      'replica status: column Master_Port/Source_Port: expected a number, no such column',
    );
  });

  it('returns null for no row (replication not configured) and picks the default channel', () => {
    expect(normalizeReplicaStatusRows([])).toBeNull();
    const def = fixture('mysql-8.4.json');
    const other = { ...def, Channel_Name: 'other', Source_Host: '198.18.0.99' };
    expect(normalizeReplicaStatusRows([other, def])?.sourceHost).toBe('198.18.0.11');
    expect(() => normalizeReplicaStatusRows([other, { ...other, Channel_Name: 'third' }])).toThrow(
      /multi-source replication is not supported/,
    );
  });
});
