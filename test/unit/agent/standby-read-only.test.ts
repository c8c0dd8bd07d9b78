import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../common/log/index.js';
import type { MysqlSession } from '../../../common/mysql/connection.js';
import { statement } from '../../../common/mysql/statement.js';
import { StandbyReadOnly } from '../../../agent/ops/standby-read-only.js';

/** A session whose query stays pending until `finish` (a hung mysqld); records what was sent. */
function hungSession(threadId: number): MysqlSession & { sent: string[]; finish: (ok: boolean) => void } {
  let settle: ((ok: boolean) => void) | undefined;
  const s = {
    label: 'db1:3306',
    threadId,
    closed: false,
    sent: [] as string[],
    finish: (ok: boolean) => settle?.(ok),
    query: async (stmt: { sql: string }) => {
      s.sent.push(stmt.sql);
      return new Promise<[]>((resolve, reject) => {
        settle = (ok) => {
          if (ok) resolve([]);
          else reject(new Error('killed'));
        };
      });
    },
    run: async () => Promise.reject(new Error('unused')),
    close: async () => Promise.resolve(),
    destroy: () => {
      s.closed = true;
    },
  };
  return s;
}

const ro = statement('SET GLOBAL read_only=1');

describe('StandbyReadOnly', () => {
  it('arms nothing without a prepared session', () => {
    const sb = new StandbyReadOnly({
      open: async () => Promise.reject(new Error('down')),
      killThread: async () => Promise.resolve(),
      logger: silentLogger(),
    });
    expect(sb.arm(ro)).toBe(false);
  });

  it('sends the statement on the prepared session without waiting; it lands when mysqld resumes', async () => {
    const s = hungSession(41);
    const sb = new StandbyReadOnly({
      open: async () => Promise.resolve(s),
      killThread: async () => Promise.resolve(),
      logger: silentLogger(),
    });
    await sb.prepare();
    expect(sb.arm(ro)).toBe(true);
    expect(sb.arm(ro)).toBe(true); // once only
    expect(s.sent).toEqual(['SET GLOBAL read_only=1']);
    expect(sb.armed).toBe(true);
    s.finish(true);
    await sb.disarm();
    expect(sb.armed).toBe(false);
    expect(s.closed).toBe(true);
  });

  it('disarm kills the server thread of a statement still waiting, then returns', async () => {
    const s = hungSession(42);
    const killed: number[] = [];
    const sb = new StandbyReadOnly({
      open: async () => Promise.resolve(s),
      killThread: async (id) => {
        killed.push(id);
        s.finish(false); // the KILL ends the waiting statement
        return Promise.resolve();
      },
      logger: silentLogger(),
    });
    await sb.prepare();
    sb.arm(ro);
    await sb.disarm();
    expect(killed).toEqual([42]);
    expect(sb.armed).toBe(false);
  });

  it('disarm throws while the kill cannot be sent (mysqld still hung): writes must not be allowed then', async () => {
    const s = hungSession(43);
    const sb = new StandbyReadOnly({
      open: async () => Promise.resolve(s),
      killThread: async () => Promise.reject(new Error('connect ETIMEDOUT')),
      logger: silentLogger(),
    });
    await sb.prepare();
    sb.arm(ro);
    await expect(sb.disarm()).rejects.toThrow(/armed while mysqld was hung \(thread 43\) could not be cancelled/);
    expect(sb.armed).toBe(true);
  });
});
