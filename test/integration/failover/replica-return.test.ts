// Lab 69: a replica cut off from the network, then back, under writes through the writer VIP (semi-sync on).
// Without the agent's dump reaper (agent/dump-reaper.ts) MariaDB 10.11 holds every new connection to the writer
// when the replica reconnects, until the old dump socket's retransmission reaches the replica (measured here: 3 s
// after an 8 s cut). With it, db1's agent closes db3's dead dump connection while db3 is away, and clients
// connecting to the writer as db3 returns see no stall.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_USERS } from '../../lab/index.js';
import { FailoverCluster, until } from './cluster.js';

let c: FailoverCluster;

beforeAll(async () => {
  c = await FailoverCluster.start({ id: 69 });
}, 240_000);

afterAll(async () => {
  await c.lab.heal('db3').catch(() => undefined);
  expect(await c.down()).toEqual([]);
}, 120_000);

/** One write on a new connection through the writer VIP; its duration in ms (connect + insert). */
async function write(v: string): Promise<number> {
  const t = performance.now();
  const conn = await createConnection({
    host: c.writerIp,
    user: LAB_USERS.app.user,
    password: LAB_USERS.app.password,
    database: 'app',
    connectTimeout: 10_000,
  });
  try {
    await conn.query('INSERT INTO app.t (v) VALUES (?)', [v]);
  } finally {
    await conn.end();
  }
  return performance.now() - t;
}

/** Writes every 100 ms until `stop` is set; the slowest write and the count. */
function writer(tag: string): { stop: () => Promise<{ maxMs: number; n: number }> } {
  const state = { stopped: false };
  let maxMs = 0;
  let n = 0;
  const loop = (async () => {
    while (!state.stopped) {
      maxMs = Math.max(maxMs, await write(`${tag}-${n}`));
      n++;
      await sleep(100);
    }
  })();
  return {
    stop: async () => {
      state.stopped = true;
      await loop;
      return { maxMs, n };
    },
  };
}

describe('replica returns (lab 69)', () => {
  it(
    'db3 cut off 8 s then back: db1 agent closed its dead dump connection; new connections to the writer never stall',
    { timeout: 120_000 },
    async () => {
      const away = writer('away');
      const cutAt = Date.now();
      await c.lab.isolate('db3');
      const log = join(c.dir, 'db1-agent.log');
      await until(
        'db1 agent closes the dump connection of db3',
        () => (readFileSync(log, 'utf8').includes('closed the binlog dump connection of db3') ? true : undefined),
        20_000,
      );
      const dumps = await c.lab.sql(
        'db1',
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%' AND HOST LIKE ?",
        {
          params: [`${c.lab.host('db3').ip}:%`],
        },
      );
      expect(Number(dumps[0]?.['n'])).toBe(0);
      // Away long enough for TCP's backoff to matter (the next retransmission would be seconds away).
      await sleep(Math.max(0, 8_000 - (Date.now() - cutAt)));
      const before = await away.stop();
      expect(before.n).toBeGreaterThan(20);

      const back = writer('back');
      await c.lab.heal('db3');
      await until('db3 replicates from db1 again', async () => {
        const s = await c.sourceOf('db3');
        return s?.source === 'db1' && s.io === 'Yes' && s.sql === 'Yes' ? true : undefined;
      });
      await sleep(5_000);
      const after = await back.stop();
      process.stderr.write(`writes while db3 returned: ${after.n}, slowest ${after.maxMs.toFixed(0)} ms\n`);
      expect(after.maxMs).toBeLessThan(1_000);
      await c.lab.sync({ from: 'db1', hosts: ['db3'] });
      const rows = await c.lab.sql('db3', "SELECT COUNT(*) AS n FROM app.t WHERE v LIKE 'back-%' OR v LIKE 'away-%'");
      expect(Number(rows[0]?.['n'])).toBe(before.n + after.n);
    },
  );
});
