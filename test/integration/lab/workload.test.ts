// The lab workload against a real 4-host lab with semi-sync (id 100): the writer client writes through a VIP
// bound by hand on db1, db1's mysqld is killed mid-run, and afterwards every acknowledged id is on db2; the
// invariant sampler sees db1 as the only writer, and sees the two-writer and double-VIP states we create.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvariantSampler,
  Lab,
  WriterClient,
  formatWorkloadSummary,
  labVip,
  verifyAcks,
  waitConverged,
  writableHosts,
} from '../../lab/index.js';
import { expectNoLeftovers } from './support.js';

const ID = 100;
const VIP = labVip(ID, 0);

function vip(lab: Lab, host: string, op: 'add' | 'del'): void {
  execFileSync('ip', ['-n', lab.host(host).ns, 'addr', op, `${VIP}/32`, 'dev', 'eth0']);
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('workload: writer client, invariant sampler, ack verification', () => {
  let lab: Lab;
  let client: WriterClient | undefined;
  let sampler: InvariantSampler | undefined;

  beforeAll(async () => {
    lab = await Lab.up({ id: ID, semiSync: true });
    vip(lab, 'db1', 'add');
  });

  afterAll(async () => {
    await client?.stop();
    await sampler?.stop();
    await Lab.down(ID);
  });

  it('writes through the VIP, survives a killed writer, loses no acked write, and sees violations', async () => {
    sampler = new InvariantSampler(lab, { writerVip: VIP });
    client = new WriterClient({ host: VIP });
    await sampler.start();
    await client.start();
    const t0 = performance.now();

    // Phase 1: one writer, the VIP on db1 only.
    await until('200 acks', () => (client!.acks.length >= 200 ? true : undefined), 10_000);
    const t1 = performance.now();
    const phase1 = sampler.samplesBetween(t0, t1).filter((s) => s.endMs < t1);
    expect(phase1.length).toBeGreaterThan(3);
    // a probe that timed out under load reads 'unknown' (never 0): only db1 may ever read writable, and it
    // must read writable in most samples
    for (const s of phase1) expect(writableHosts(s).filter((h) => h !== 'db1')).toEqual([]);
    const db1Writable = phase1.filter((s) => writableHosts(s).includes('db1')).length;
    expect(db1Writable).toBeGreaterThan(phase1.length / 2);
    expect(sampler.violations).toEqual([]);
    expect(client.errors).toEqual([]);

    // Phase 2: deliberate violations — db2 writable next to db1, and the writer VIP on db2 as well.
    await lab.sql('db2', 'SET GLOBAL read_only = 0');
    vip(lab, 'db2', 'add');
    const seen = await until('both violations', () => {
      const kinds = new Set(sampler!.violations.map((v) => v.kind));
      return kinds.has('two-writable') && kinds.has('writer-vip-twice') ? kinds : undefined;
    });
    vip(lab, 'db2', 'del');
    await lab.sql('db2', 'SET GLOBAL read_only = 1');
    expect([...seen].sort()).toEqual(['two-writable', 'writer-vip-twice']);
    expect(sampler.violations.find((v) => v.kind === 'two-writable')?.hosts).toEqual(['db1', 'db2']);
    expect(sampler.violations.find((v) => v.kind === 'writer-vip-twice')).toMatchObject({ vip: VIP });

    // Phase 2b: read_only=1 waiting for a running write on db2 reads 0, but the host takes no new write
    // (ReadOnlyState 'closing'): the sampler says 'closing', not writable.
    await lab.sql('db2', 'CREATE TABLE IF NOT EXISTS app.closing_probe (i INT)');
    await lab.sql('db2', 'SET GLOBAL read_only = 0');
    const running = lab.sql('db2', 'INSERT INTO app.closing_probe SELECT SLEEP(2)', { timeoutMs: 10_000 });
    await sleep(300);
    const closing = lab.sql('db2', 'SET GLOBAL read_only = 1', { timeoutMs: 10_000 });
    const closingSeen = await until('db2 closing', () =>
      sampler!.samples.at(-1)?.hosts.find((h) => h.host === 'db2')?.readOnly === 'closing' ? true : undefined,
    );
    await Promise.all([running, closing]);
    expect(closingSeen).toBe(true);

    // Phase 3: kill db1 under writes; nothing takes over (no monitor here), so the client only errs.
    const acksBefore = client.acks.length;
    const killAt = performance.now();
    await lab.kill('db1');
    await until('20 errors after the kill', () =>
      client!.errors.filter((e) => e.atMs > killAt).length >= 20 ? true : undefined,
    );
    await client.stop();
    await sampler.stop();
    vip(lab, 'db1', 'del');

    expect(acksBefore).toBeGreaterThan(200);
    expect(client.lastAckBefore(killAt)).toBeDefined();
    expect(client.firstAckAfter(performance.now())).toBeUndefined();
    const ids = client.ackedIds;
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const afterKill = client.errors.filter((e) => e.atMs > killAt);
    expect(afterKill.some((e) => e.phase === 'connect')).toBe(true);
    // Every id sent ends in exactly one place: acked, or an insert error (failed or uncertain).
    const insertErrIds = client.errors.flatMap((e) => (e.id === undefined ? [] : [e.id]));
    expect(insertErrIds.filter((id) => ids.includes(id))).toEqual([]);
    // After the kill, db1 is unknown to the sampler, never writable.
    const late = sampler.samples.filter((s) => s.startMs > killAt + 100);
    expect(late.length).toBeGreaterThan(0);
    for (const s of late) expect(s.hosts.find((h) => h.host === 'db1')?.readOnly).toBe('unknown');

    // Semi-sync: every acked id reached a replica; once they applied their relay logs, none is missing.
    await waitConverged(lab, { hosts: ['db2', 'db3', 'db4'] });
    const missing = await verifyAcks(lab, client.table, ids, ['db2', 'db3', 'db4']);
    const summary = {
      acks: client.acks,
      errors: client.errors,
      faultAtMs: killAt,
      sampler: sampler.summary(),
      missing,
    };
    process.stdout.write(`${formatWorkloadSummary(summary)}\n`);
    expect(missing['db2']).toEqual([]);
  });

  it('tears the lab down without leftovers', async () => {
    expect((await Lab.down(ID)).leftovers).toEqual([]);
    expectNoLeftovers(ID);
  });
});
