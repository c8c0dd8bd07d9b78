// Issue 6, lab 66: the numbers for the closing note, not a pass/fail test. Runs only with
// MMM_FAILOVER_BENCH=1: 5 kill -9 failovers (alternating writer) and 5 switchovers, and prints the
// median/min/max of (a) detection (fault → recovery start), (b) recovery (start → new writer open),
// (c) fault → writer VIP on the new host and writable as seen from outside (20 ms polling), and the write
// pause of each switchover (old fenced → new open) as the monitor measured it.
//   MMM_FAILOVER_BENCH=1 npx vitest run --project serial test/integration/failover/bench.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailoverCluster, until } from './cluster.js';

const RUNS = 5;
const enabled = process.env['MMM_FAILOVER_BENCH'] === '1';
let c: FailoverCluster;

const stats = (xs: readonly number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 === 1 ? s[(s.length - 1) / 2] : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
  return `median ${Math.round(median ?? 0)} ms, min ${s[0] ?? 0} ms, max ${s.at(-1) ?? 0} ms (${xs.join(', ')})`;
};

describe.runIf(enabled)('failover and switchover figures (lab 66)', () => {
  beforeAll(async () => {
    c = await FailoverCluster.start({ id: 66, monitor: ['  anti_flap_window: 0'] });
  }, 240_000);

  afterAll(async () => {
    expect(await c.down()).toEqual([]);
  }, 120_000);

  it('kill -9 of the writer, 5 times', { timeout: 600_000 }, async () => {
    const detect: number[] = [];
    const recover: number[] = [];
    const seen: number[] = [];
    let writer: 'db1' | 'db2' = 'db1';
    for (let i = 0; i < RUNS; i++) {
      const next: 'db1' | 'db2' = writer === 'db1' ? 'db2' : 'db1';
      const before = c.history.length;
      await c.lab.kill(writer);
      const faultAt = Date.now();
      await until(`VIP on ${next}`, async () =>
        (await c.vipHolders(c.writerIp)).join() === next && (await c.readOnly(next)) === 0 ? true : undefined,
      );
      seen.push(Date.now() - faultAt);
      const rec = await until('recovery', () => c.history.slice(before).find((r) => r.outcome === 'done'));
      detect.push(rec.startedAt - faultAt);
      const open = rec.steps.find((s) => s.name === 'promote');
      recover.push(open === undefined ? rec.durationMs : open.startedAt + open.durationMs - rec.startedAt);
      // Bring the old writer back as a replica and ONLINE for the next round.
      await c.lab.restartDb(writer);
      const old = writer;
      await until(
        `${old} back`,
        async () => {
          const r = await c.command('set_online', old);
          return r.exitCode === 0 || r.text.includes('already ONLINE') ? true : undefined;
        },
        60_000,
      );
      await until(`${old} ONLINE`, () => (c.state(old) === 'ONLINE' ? true : undefined));
      await c.lab.sync({ from: next, hosts: [old, 'db3', 'db4'] });
      writer = next;
    }
    process.stderr.write(
      `kill -9 failover x${RUNS}:\n  detection: ${stats(detect)}\n  recovery (start to new writer open): ${stats(recover)}\n  fault to VIP+writable seen from outside: ${stats(seen)}\n`,
    );
  });

  it('switchover, 5 times', { timeout: 300_000 }, async () => {
    const pauses: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const owner = c.monitor?.daemon.model.roles.find((s) => s.role === 'writer')?.owner;
      const to = owner === 'db1' ? 'db2' : 'db1';
      await until(`${to} ONLINE`, () => (c.state(to) === 'ONLINE' ? true : undefined));
      const r = await c.command('move_role', 'writer', to);
      expect(r.exitCode).toBe(0);
      pauses.push((r.data as { writePauseMs: number }).writePauseMs);
      await until('back link', async () => {
        const s = await c.sourceOf(to);
        return s?.io === 'Yes' && s.sql === 'Yes' ? true : undefined;
      });
    }
    process.stderr.write(`switchover x${RUNS}: write pause ${stats(pauses)}\n`);
  });
});
