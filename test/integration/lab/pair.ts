// Two lab test files (ids 13 and 14) that must hold their labs at the same time, from two vitest workers.
// They meet through marker files: each brings its lab up, announces it, waits for the partner, checks both
// labs and their separation, announces it is done, waits for the partner to finish checking, tears down.
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { Lab, LAB_ROOT, hostIp, type Lab as LabT } from '../../lab/index.js';
import { query } from '../../lab/db.js';
import { isAlive, sleep } from '../../lab/proc.js';
import { expectNoLeftovers } from './support.js';

const DIR = `${LAB_ROOT}/pair-13-14`;
/** The partner may sit behind other test files in its worker's queue. */
const MEET_TIMEOUT_MS = 240_000;

const marker = (id: number, stage: 'up' | 'done'): string => `${DIR}/${id}.${stage}`;

async function waitForPartner(id: number, stage: 'up' | 'done'): Promise<number> {
  const deadline = Date.now() + MEET_TIMEOUT_MS;
  for (;;) {
    const pid = Number(
      (() => {
        try {
          return readFileSync(marker(id, stage), 'utf8');
        } catch {
          return '0';
        }
      })(),
    );
    if (pid > 0 && pid !== process.pid && (await isAlive(pid))) return pid;
    if (Date.now() > deadline)
      throw new Error(`lab ${id} (partner) did not reach '${stage}' within ${MEET_TIMEOUT_MS} ms`);
    await sleep(100);
  }
}

export function pairedLabTest(me: number, partner: number): void {
  it(
    `lab ${me} is up at the same time as lab ${partner} from another worker, and the two are separate`,
    async () => {
      mkdirSync(DIR, { recursive: true });
      rmSync(marker(me, 'up'), { force: true });
      rmSync(marker(me, 'done'), { force: true });
      let lab: LabT | undefined;
      try {
        lab = await Lab.up({ id: me, hosts: 2 });
        writeFileSync(marker(me, 'up'), String(process.pid));
        const partnerPid = await waitForPartner(partner, 'up');
        expect(partnerPid).not.toBe(process.pid); // another worker process

        // both labs answer at the same time
        await lab.waitHealthy();
        const theirs = await query(
          { kind: 'tcp', ip: hostIp(partner, 1), user: 'mmm_monitor' },
          'SELECT @@hostname AS h',
        );
        expect(theirs).toEqual([{ h: 'db1' }]);
        // but a lab host has no route into the other lab
        await expect(lab.exec('db1', ['ip', 'route', 'get', hostIp(partner, 1)])).rejects.toThrow(/unreachable/i);
        await lab.sql('db1', 'INSERT INTO app.t (v) VALUES (?)', { params: [`lab-${me}`] });
        await lab.sync();
        expect(await lab.sql('db2', 'SELECT v FROM app.t')).toEqual([{ v: `lab-${me}` }]);

        writeFileSync(marker(me, 'done'), String(process.pid));
        await waitForPartner(partner, 'done');
        expect((await lab.down()).leftovers).toEqual([]);
        lab = undefined;
        expectNoLeftovers(me);
      } finally {
        if (lab !== undefined) await lab.down();
        // the partner may still read our 'done' marker; it only checks that our PID is alive
      }
    },
    MEET_TIMEOUT_MS * 2 + 30_000,
  );
}
