// The pure parts of the connection layer: error mapping, secret scrubbing, argument checks. The real
// timeouts are exercised against a real server in test/integration/mysql/timeouts.test.ts.
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../../common/config/secret.js';
import { MmmError } from '../../../../common/errors/index.js';
import {
  isTooManyConnections,
  ManagedConnection,
  mapMysqlError,
  mysqlErrno,
  openSession,
  scrubSecrets,
  type ErrorContext,
} from '../../../../common/mysql/connection.js';
import { describeStatement, statement } from '../../../../common/mysql/statement.js';

const secret = new Secret("pa'ss\\word");
const ctx: ErrorContext = { label: '198.18.0.11:3306', phase: 'query', timeoutMs: 1000, secrets: [secret] };
const endpoint = { host: '127.0.0.1', port: 1, user: 'u', password: secret };

function serverError(errno: number, code: string, message: string): Error {
  return Object.assign(new Error(message), { errno, code, sqlState: 'HY000', sqlMessage: message });
}

describe('mapMysqlError', () => {
  it('maps a query timeout to MMM_TIMEOUT naming the statement', () => {
    const e = mapMysqlError(
      Object.assign(new Error('Query inactivity timeout'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }),
      {
        ...ctx,
        sql: 'SHOW SLAVE STATUS',
      },
    );
    expect(e.code).toBe('MMM_TIMEOUT');
    expect(e.message).toBe('MySQL 198.18.0.11:3306: query timed out after 1000 ms (SHOW SLAVE STATUS)');
    expect(e.retryable).toBe(true);
  });

  it('maps connect failures to MMM_MYSQL_UNREACHABLE', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 198.18.0.11:3306'), {
      code: 'ECONNREFUSED',
      errno: -111,
    });
    expect(mapMysqlError(refused, { ...ctx, phase: 'connect' })).toMatchObject({
      code: 'MMM_MYSQL_UNREACHABLE',
      message: 'MySQL 198.18.0.11:3306: cannot connect: connect ECONNREFUSED 198.18.0.11:3306',
      details: { errorCode: 'ECONNREFUSED' },
    });
    const timedOut = Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' });
    expect(mapMysqlError(timedOut, { ...ctx, phase: 'connect' })).toMatchObject({
      code: 'MMM_MYSQL_UNREACHABLE',
      message: 'MySQL 198.18.0.11:3306: connect timed out after 1000 ms',
      details: { timeout: true },
    });
    for (const code of ['EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']) {
      expect(mapMysqlError(Object.assign(new Error(code), { code }), { ...ctx, phase: 'connect' }).code).toBe(
        'MMM_MYSQL_UNREACHABLE',
      );
    }
  });

  it('maps a lost link during a query to MMM_MYSQL_UNREACHABLE', () => {
    const lost = Object.assign(new Error('Connection lost: The server closed the connection.'), {
      code: 'PROTOCOL_CONNECTION_LOST',
      fatal: true,
    });
    expect(mapMysqlError(lost, ctx)).toMatchObject({
      code: 'MMM_MYSQL_UNREACHABLE',
      message: 'MySQL 198.18.0.11:3306: connection lost: Connection lost: The server closed the connection.',
    });
    expect(mapMysqlError(new Error("Can't add new command when connection is in closed state"), ctx).code).toBe(
      'MMM_MYSQL_UNREACHABLE',
    );
  });

  it('maps server errors to MMM_MYSQL_ERROR with errno; 1040 is recognisable', () => {
    const full = mapMysqlError(serverError(1040, 'ER_CON_COUNT_ERROR', 'Too many connections'), {
      ...ctx,
      phase: 'connect',
    });
    expect(full).toMatchObject({
      code: 'MMM_MYSQL_ERROR',
      message: 'MySQL 198.18.0.11:3306: Too many connections (errno 1040)',
      details: { errno: 1040, sqlState: 'HY000', mysqlCode: 'ER_CON_COUNT_ERROR' },
    });
    expect(isTooManyConnections(full)).toBe(true);
    const priv = mapMysqlError(
      serverError(1227, 'ER_SPECIFIC_ACCESS_DENIED_ERROR', 'Access denied; you need ...'),
      ctx,
    );
    expect(mysqlErrno(priv)).toBe(1227);
    expect(isTooManyConnections(priv)).toBe(false);
    expect(mysqlErrno(new Error('x'))).toBeUndefined();
  });

  it('never lets a secret through, raw or escaped, and drops mysql2 error objects (their sql holds values)', () => {
    const e = mapMysqlError(
      Object.assign(serverError(1064, 'ER_PARSE_ERROR', "You have an error near 'pa\\'ss\\\\word' at line 1"), {
        sql: "CHANGE MASTER TO MASTER_PASSWORD='pa\\'ss\\\\word'",
      }),
      ctx,
    );
    expect(e.message).toBe("MySQL 198.18.0.11:3306: You have an error near '***' at line 1 (errno 1064)");
    expect(e.cause).toBeUndefined();
    expect(JSON.stringify(e)).not.toContain('word');
    const raw = mapMysqlError(new Error("Access denied for pa'ss\\word"), { ...ctx, phase: 'connect' });
    expect(raw.message).toBe('MySQL 198.18.0.11:3306: cannot connect: Access denied for ***');
  });

  it('passes MmmErrors through and wraps foreign throwables', () => {
    const own = new MmmError('MMM_TIMEOUT', 'x');
    expect(mapMysqlError(own, ctx)).toBe(own);
    expect(mapMysqlError('weird', ctx)).toMatchObject({
      code: 'MMM_MYSQL_ERROR',
      message: 'MySQL 198.18.0.11:3306: weird',
    });
  });
});

describe('scrubSecrets', () => {
  it('ignores empty secrets and replaces every occurrence', () => {
    expect(scrubSecrets('a b a', [new Secret(''), new Secret('a')])).toBe('*** b ***');
  });
});

describe('argument checks', () => {
  it('refuses to open a session without positive timeouts', async () => {
    await expect(openSession(endpoint, { connectTimeoutMs: 0, queryTimeoutMs: 1000 })).rejects.toThrow(
      'connectTimeoutMs must be a positive number of milliseconds, got 0',
    );
    await expect(openSession(endpoint, { connectTimeoutMs: 1000, queryTimeoutMs: NaN })).rejects.toThrow(
      /queryTimeoutMs must be a positive number/,
    );
    expect(() => new ManagedConnection(endpoint, { connectTimeoutMs: 1000, queryTimeoutMs: -1 })).toThrow(
      /queryTimeoutMs/,
    );
  });

  it('a closed managed connection refuses work without connecting', async () => {
    const m = new ManagedConnection(endpoint, { connectTimeoutMs: 1000, queryTimeoutMs: 1000 });
    await m.close();
    await expect(m.query(statement('SELECT 1'))).rejects.toThrow('MySQL 127.0.0.1:1: managed connection is closed');
    expect(m.connected).toBe(false);
  });
});

describe('statements', () => {
  it('count placeholders against parameters', () => {
    expect(() => statement('SELECT ?', [])).toThrow(/1 placeholder\(s\) but 0 parameter\(s\)/);
  });

  it('describe themselves with values and masked secrets', () => {
    expect(describeStatement(statement('SET a=?, b=?, c=?', ["it's", 5, secret]))).toBe("SET a='it\\'s', b=5, c=***");
  });
});
