// Connection bounds and error codes against a real throw-away mariadbd on loopback: refused port, wrong
// password, Too many connections, and the connect and query timeouts firing on a SIGSTOPped server (kernel
// still accepts TCP, server never answers) with a code and without hanging. Bounds are generous on purpose.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../common/config/secret.js';
import {
  isTooManyConnections,
  ManagedConnection,
  mysqlErrno,
  openSession,
  type MysqlSession,
} from '../../../common/mysql/connection.js';
import { dialectFor, type Dialect } from '../../../common/mysql/dialect.js';
import { detectServerVersion } from '../../../common/mysql/flavor.js';
import { MmmError } from '../../../common/errors/index.js';
import { statement } from '../../../common/mysql/statement.js';
import { ADMIN, APP, freePort, makeBaseDir, startMariadb, stopAll, type MariadbServer } from './server.js';

let server: MariadbServer;
let d: Dialect;

async function rejection(p: Promise<unknown>): Promise<{ error: MmmError; ms: number }> {
  const t0 = Date.now();
  try {
    await p;
  } catch (e) {
    if (!(e instanceof MmmError)) throw e;
    return { error: e, ms: Date.now() - t0 };
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  server = await startMariadb(makeBaseDir(), 1);
  const c = new ManagedConnection(server.endpoint(), { connectTimeoutMs: 3000, queryTimeoutMs: 5000 });
  d = dialectFor(await detectServerVersion(c));
  await c.close();
});

afterAll(async () => {
  await stopAll(); // SIGCONT before SIGKILL, also when a test left the server stopped
});

/** Waits until the kernel shows every thread of `pid` stopped (state T), so the next query meets a frozen server. */
async function stoppedState(pid: number): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'T') return;
    if (Date.now() > deadline) throw new Error(`mariadbd ${pid} is in state ${state}, not stopped, 5 s after SIGSTOP`);
    await sleep(10);
  }
}

describe('connection bounds against real MariaDB', () => {
  it('maps a refused port to MMM_MYSQL_UNREACHABLE at once', async () => {
    const closedPort = { ...server.endpoint(), port: await freePort() };
    const { error, ms } = await rejection(openSession(closedPort, { connectTimeoutMs: 3000, queryTimeoutMs: 1000 }));
    expect(error.code).toBe('MMM_MYSQL_UNREACHABLE');
    expect(error.message).toMatch(/127\.0\.0\.1:\d+: cannot connect: .*ECONNREFUSED/);
    expect(ms).toBeLessThan(2000);
  });

  it('maps a wrong password to MMM_MYSQL_ERROR 1045 and never shows the password', async () => {
    const password = "wr'ong-s3cret";
    const { error } = await rejection(
      openSession(
        { ...server.endpoint(), password: new Secret(password) },
        { connectTimeoutMs: 3000, queryTimeoutMs: 1000 },
      ),
    );
    expect(error.code).toBe('MMM_MYSQL_ERROR');
    expect(mysqlErrno(error)).toBe(1045);
    expect(error.message).toMatch(/Access denied for user 'mmm_admin'/);
    expect(JSON.stringify(error)).not.toContain('s3cret');
    expect(error.message).not.toContain('s3cret');
  });

  it('recognises Too many connections (1040)', async () => {
    const admin = await openSession(server.endpoint(), { connectTimeoutMs: 3000, queryTimeoutMs: 5000 });
    const sessions: MysqlSession[] = [];
    try {
      await admin.query(statement('SET GLOBAL max_connections = 10'));
      let error: MmmError | undefined;
      for (let i = 0; i < 15 && error === undefined; i++) {
        try {
          sessions.push(await openSession(server.endpoint(APP), { connectTimeoutMs: 3000, queryTimeoutMs: 1000 }));
        } catch (e) {
          if (!(e instanceof MmmError)) throw e;
          error = e;
        }
      }
      expect(error?.code).toBe('MMM_MYSQL_ERROR');
      expect(isTooManyConnections(error)).toBe(true);
      expect(error?.message).toMatch(/Too many connections/);
    } finally {
      for (const s of sessions) s.destroy();
      await admin.query(statement('SET GLOBAL max_connections = 30'));
      await admin.close();
    }
  });

  it('adds a statement’s own wait time to the query timeout', async () => {
    const s = await openSession(server.endpoint(), { connectTimeoutMs: 3000, queryTimeoutMs: 300 });
    try {
      expect(await s.run(d.waitForGtid('0-1-999999', 1))).toBe('timeout');
      expect(s.closed).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('fires the query timeout and then the connect timeout on a SIGSTOPped server, then recovers', async () => {
    const timeouts = { connectTimeoutMs: 1000, queryTimeoutMs: 700 };
    const m = new ManagedConnection(server.endpoint(), timeouts);
    const bare = await openSession(server.endpoint(), timeouts);
    try {
      expect(await m.run(d.readOnlyState())).toEqual({ readOnly: false, superReadOnly: null });
      expect(m.connected).toBe(true);
      server.pause();
      await stoppedState(server.pid);

      // Query timeout: MMM_TIMEOUT, and the session is destroyed rather than reused.
      const q = await rejection(m.run(d.showReplicaStatus()));
      expect(q.error.code).toBe('MMM_TIMEOUT');
      expect(q.error.message).toMatch(/query timed out after 700 ms \(SHOW SLAVE STATUS\)/);
      expect(q.ms).toBeGreaterThanOrEqual(600);
      expect(q.ms).toBeLessThan(5000);
      expect(m.connected).toBe(false);

      // Two queries queued on one hung session: both end (mysql2 alone would only time the first).
      const both = await Promise.all([rejection(bare.query(d.gtidState())), rejection(bare.query(d.gtidState()))]);
      for (const b of both) {
        expect(['MMM_TIMEOUT', 'MMM_MYSQL_UNREACHABLE']).toContain(b.error.code);
        expect(b.ms).toBeLessThan(5000);
      }
      expect(both[0].error.code).toBe('MMM_TIMEOUT');
      expect(bare.closed).toBe(true);
      const reuse = await rejection(bare.query(d.gtidState()));
      expect(reuse.error.message).toMatch(/session is closed \(destroyed after a query timeout\)/);
      expect(reuse.ms).toBeLessThan(100);

      // Reconnect: TCP connects through the kernel backlog, the greeting never comes: connect timeout.
      const c = await rejection(m.run(d.readOnlyState()));
      expect(c.error.code).toBe('MMM_MYSQL_UNREACHABLE');
      expect(c.error.message).toMatch(/connect timed out after 1000 ms/);
      expect(c.error.details).toMatchObject({ timeout: true });
      expect(c.ms).toBeGreaterThanOrEqual(900);
      expect(c.ms).toBeLessThan(5000);

      server.resume();
      expect(await m.run(d.readOnlyState())).toEqual({ readOnly: false, superReadOnly: null });
      expect(m.connected).toBe(true);
    } finally {
      server.resume();
      bare.destroy();
      await m.close();
    }
  });

  it('keeps the session after a plain server error', async () => {
    const s = await openSession(server.endpoint(ADMIN), { connectTimeoutMs: 3000, queryTimeoutMs: 3000 });
    try {
      const { error } = await rejection(s.query(statement('SELECT * FROM no_such_db.t')));
      expect(error.code).toBe('MMM_MYSQL_ERROR');
      expect(mysqlErrno(error)).toBe(1146); // ER_NO_SUCH_TABLE
      expect(s.closed).toBe(false);
      expect(await s.run(d.connectionId())).toBe(s.threadId);
    } finally {
      await s.close();
    }
  });
});
