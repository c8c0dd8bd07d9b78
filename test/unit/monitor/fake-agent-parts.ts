// Answers of a healthy fake agent, shared by the daemon's unit tests and the control goldens: a MariaDB
// mysql view with GTID facts (db1 replicates from db2, every other host from db1) and the failover
// operations' results, so the monitor's failover planning has what a real agent reports.
import type { CatchUpResult, FenceResult, MysqlView, PromoteResult, RepointResult } from '../../../common/api/agent.js';

export function fakeMysqlView(host: string): MysqlView {
  return {
    up: true,
    flavor: 'mariadb',
    version: '10.11.0-MariaDB',
    readOnly: host !== 'db1',
    superReadOnly: null,
    uptimeS: 1000,
    serverId: Number(host.replace(/\D/g, '')) || 1,
    gtid: { binlogPos: '0-1-5', binlogState: '0-1-5', slavePos: '0-1-5', currentPos: '0-1-5' },
    binlog: null,
    replication: {
      sourceHost: host === 'db1' ? 'db2' : 'db1',
      sourceIp: '',
      sourcePort: 3306,
      ioRunning: 'yes',
      sqlRunning: true,
      secondsBehind: 0,
      usingGtid: 'slave_pos',
      received: { gtid: '0-1-5', file: null, pos: null },
      executed: { gtid: '0-1-5', file: null, pos: null },
      lastIoErrno: 0,
      lastIoError: '',
      lastSqlErrno: 0,
      lastSqlError: '',
    },
  };
}

const POS = { gtid: '0-1-5', file: null, pos: null };

export const fakeFenced: FenceResult = {
  fenced: true,
  writesDenied: true,
  sessionsKilled: 0,
  vipsRemoved: [],
  steps: [],
  durationMs: 1,
};

export const fakeCaughtUp: CatchUpResult = { target: POS, reached: POS, waitedMs: 0, durationMs: 0 };

export const fakePromoted: PromoteResult = { writerIps: [], position: POS, steps: [], durationMs: 1 };

export function fakeRepointed(source: string): RepointResult {
  const view = fakeMysqlView('db3');
  if (!view.up || view.replication === null) throw new Error('unreachable');
  return { replication: { ...view.replication, sourceHost: source }, steps: [], durationMs: 1 };
}
