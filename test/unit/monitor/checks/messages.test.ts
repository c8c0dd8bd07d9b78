// MMM 2.2.1's exact result texts (spec §3.2) and the rules that pick them.
import { describe, expect, it } from 'vitest';
import { MmmError } from '../../../../common/errors/index.js';
import { toFailure } from '../../../../monitor/checks/connection.js';
import {
  classify,
  couldNotPing,
  errorOccurred,
  evaluateRepBacklog,
  evaluateRepThreads,
  formatAge,
  fpingCouldNotReach,
  logCheckFailed,
  logCheckOk,
  logCheckUnknown,
  mysqlFailure,
  replicationFailure,
  type MysqlFailure,
} from '../../../../monitor/checks/messages.js';
import { replica } from './fixtures.js';

const target = { ip: '198.18.40.11', port: 3306, user: 'mmm_monitor' };

function failure(over: Partial<MysqlFailure>): MysqlFailure {
  return { phase: 'query', code: 'MMM_MYSQL_ERROR', errno: undefined, errstr: 'boom', ...over };
}

describe('classify', () => {
  it('follows MMM: /^OK/, /^ERROR/, everything else is unknown', () => {
    expect(classify('OK')).toBe('ok');
    expect(classify('OK: Backlog is null')).toBe('ok');
    expect(classify('ERROR: Timeout')).toBe('error');
    expect(classify('UNKNOWN: Too many connections! x')).toBe('unknown');
    expect(classify('')).toBe('unknown');
  });
});

describe('ping texts', () => {
  it("are MMM's", () => {
    expect(couldNotPing('198.18.40.12').message).toBe('ERROR: Could not ping 198.18.40.12');
    expect(fpingCouldNotReach('198.18.40.12').message).toBe('ERROR: fping could not reach 198.18.40.12');
  });
});

describe('mysql check failures', () => {
  it('connect failures are ERROR with host, port and user', () => {
    const r = mysqlFailure(
      target,
      failure({ phase: 'connect', code: 'MMM_MYSQL_UNREACHABLE', errstr: 'connect ECONNREFUSED 198.18.40.11:3306' }),
    );
    expect(r).toEqual({
      kind: 'error',
      message:
        'ERROR: Connect error (host = 198.18.40.11:3306, user = mmm_monitor)! connect ECONNREFUSED 198.18.40.11:3306',
    });
    const denied = mysqlFailure(
      target,
      failure({ phase: 'connect', errno: 1045, errstr: 'Access denied (errno 1045)' }),
    );
    expect(denied.message).toBe(
      'ERROR: Connect error (host = 198.18.40.11:3306, user = mmm_monitor)! Access denied (errno 1045)',
    );
  });

  it('"Too many connections" (1040) is UNKNOWN, at connect or later', () => {
    for (const phase of ['connect', 'query'] as const) {
      const r = mysqlFailure(target, failure({ phase, errno: 1040, errstr: 'Too many connections (errno 1040)' }));
      expect(r).toEqual({
        kind: 'unknown',
        message: 'UNKNOWN: Too many connections! Too many connections (errno 1040)',
      });
    }
  });

  it('query errors are "SQL Query Error", timeouts "Timeout", anything else UNKNOWN', () => {
    expect(mysqlFailure(target, failure({ errstr: 'Unknown column (errno 1054)' })).message).toBe(
      'ERROR: SQL Query Error: Unknown column (errno 1054)',
    );
    expect(mysqlFailure(target, failure({ code: 'MMM_TIMEOUT' }))).toEqual({
      kind: 'error',
      message: 'ERROR: Timeout',
    });
    expect(mysqlFailure(target, failure({ phase: 'connect', code: 'MMM_TIMEOUT' })).message).toBe('ERROR: Timeout');
    expect(mysqlFailure(target, failure({ code: 'MMM_MYSQL_UNSUPPORTED', errstr: 'bad version' }))).toEqual({
      kind: 'unknown',
      message: 'UNKNOWN: Error occurred: bad version',
    });
  });
});

describe('replication check failures', () => {
  it("a connect failure is UNKNOWN (reachability is the mysql check's business)", () => {
    const r = replicationFailure(
      target,
      failure({ phase: 'connect', code: 'MMM_MYSQL_UNREACHABLE', errstr: 'refused' }),
    );
    expect(r).toEqual({
      kind: 'unknown',
      message: 'UNKNOWN: Connect error (host = 198.18.40.11:3306, user = mmm_monitor)! refused',
    });
  });

  it('a missing privilege (1227) is an ERROR naming the monitor user', () => {
    const r = replicationFailure(target, failure({ errno: 1227, errstr: 'Access denied; you need SLAVE MONITOR' }));
    expect(r).toEqual({
      kind: 'error',
      message:
        "ERROR: The monitor user 'mmm_monitor' doesn't have the required REPLICATION CLIENT privilege! " +
        'Access denied; you need SLAVE MONITOR',
    });
  });

  it('other execute errors are UNKNOWN, timeouts ERROR', () => {
    expect(replicationFailure(target, failure({ errno: 1064, errstr: 'syntax' })).message).toBe(
      'UNKNOWN: Unknown state. Execute error: syntax',
    );
    expect(replicationFailure(target, failure({ code: 'MMM_TIMEOUT' })).message).toBe('ERROR: Timeout');
    expect(replicationFailure(target, failure({ code: 'MMM_INTERNAL', errstr: 'closed' })).message).toBe(
      'UNKNOWN: Error occurred: closed',
    );
  });
});

describe('rep_threads', () => {
  it('is broken only when a thread says exactly No', () => {
    expect(evaluateRepThreads(replica()).message).toBe('OK');
    expect(evaluateRepThreads(replica({ Slave_IO_Running: 'Connecting' })).message).toBe('OK');
    expect(evaluateRepThreads(replica({ Slave_SQL_Running: 'No' }))).toEqual({
      kind: 'error',
      message: 'ERROR: Replication is broken',
    });
    expect(evaluateRepThreads(replica({ Slave_IO_Running: 'No' })).message).toBe('ERROR: Replication is broken');
  });

  it('a host without replication configured fails, as in MMM', () => {
    expect(evaluateRepThreads(null)).toEqual({ kind: 'error', message: 'ERROR: Replication is not set up' });
  });
});

describe('rep_backlog', () => {
  it('NULL and 0 are "OK: Backlog is null", up to max_backlog OK, above it too big', () => {
    expect(evaluateRepBacklog(replica({ Seconds_Behind_Master: null }), 60)).toEqual({
      kind: 'ok',
      message: 'OK: Backlog is null',
    });
    expect(evaluateRepBacklog(replica({ Seconds_Behind_Master: 0 }), 60).message).toBe('OK: Backlog is null');
    expect(evaluateRepBacklog(replica({ Seconds_Behind_Master: 1 }), 60).message).toBe('OK');
    expect(evaluateRepBacklog(replica({ Seconds_Behind_Master: 60 }), 60).message).toBe('OK');
    expect(evaluateRepBacklog(replica({ Seconds_Behind_Master: 61 }), 60)).toEqual({
      kind: 'error',
      message: 'ERROR: Backlog is too big',
    });
  });

  it('stopped threads report a NULL backlog, which is OK (rep_threads catches them)', () => {
    const stopped = replica({ Slave_SQL_Running: 'No', Seconds_Behind_Master: null });
    expect(evaluateRepBacklog(stopped, 60).message).toBe('OK: Backlog is null');
  });

  it('a host without replication configured fails, as in MMM', () => {
    expect(evaluateRepBacklog(null, 60).message).toBe('ERROR: Replication is not set up');
  });
});

describe('log lines', () => {
  it("are MMM's", () => {
    expect(logCheckOk('rep_threads', 'db3')).toBe("Check 'rep_threads' on 'db3' is ok!");
    expect(logCheckUnknown('rep_backlog', 'db1', 'UNKNOWN: x')).toBe(
      "Check 'rep_backlog' on 'db1' is in unknown state! Message: UNKNOWN: x",
    );
    expect(logCheckFailed('mysql', 'db1', 10_400, 'ERROR: Timeout')).toBe(
      "Check 'mysql' on 'db1' has failed for 10 seconds! Message: ERROR: Timeout",
    );
  });

  it("formats the failure age as MMM's whole seconds, keeping a fraction only below one second", () => {
    expect(formatAge(0)).toBe('0');
    expect(formatAge(500)).toBe('0.5');
    expect(formatAge(1000)).toBe('1');
    expect(formatAge(10_999)).toBe('10');
    expect(formatAge(-3)).toBe('0');
  });
});

describe('toFailure', () => {
  it('keeps the driver\'s words and drops our "MySQL host:port:" prefix', () => {
    const refused = new MmmError(
      'MMM_MYSQL_UNREACHABLE',
      'MySQL 198.18.40.11:3306: cannot connect: connect ECONNREFUSED 198.18.40.11:3306',
    );
    expect(toFailure('connect', refused, '198.18.40.11:3306')).toEqual({
      phase: 'connect',
      code: 'MMM_MYSQL_UNREACHABLE',
      errno: undefined,
      errstr: 'connect ECONNREFUSED 198.18.40.11:3306',
    });
    const full = new MmmError('MMM_MYSQL_ERROR', 'MySQL 198.18.40.11:3306: Too many connections (errno 1040)', {
      details: { errno: 1040 },
    });
    expect(toFailure('connect', full, '198.18.40.11:3306')).toMatchObject({ errno: 1040 });
    expect(toFailure('query', new Error('weird'), 'x')).toEqual({
      phase: 'query',
      code: 'MMM_INTERNAL',
      errno: undefined,
      errstr: 'weird',
    });
  });

  it('errorOccurred wraps anything unexpected as UNKNOWN', () => {
    expect(errorOccurred('bug')).toEqual({ kind: 'unknown', message: 'UNKNOWN: Error occurred: bug' });
  });
});
