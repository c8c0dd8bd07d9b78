// Issues 6 and 10, lab 67: the monitor loses db1 (every packet between the monitor's address and db1's own
// address dropped) while the replicas and the other agents still reach it. Corroboration keeps db1 ONLINE, and
// the lease relay (agent/lease.ts, monitor/lease-relay.ts) keeps its writer lease alive through the other
// agents: db1 stays the writer, never fenced, writes through the writer VIP keep being acknowledged. Control:
// with the monitor cut off, db1's mysqld is killed: the relay stops, the failover still happens, and the
// promotion waits writer_lease + lease_margin after the last relay (the old writer's relayed lease is over).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvariantSampler, WriterClient, verifyAcks } from '../../lab/workload.js';
import { FailoverCluster, until } from './cluster.js';

const LEASE_MS = 3000;
const MARGIN_MS = 1000;
const CUT_MS = 4 * LEASE_MS;

let c: FailoverCluster;
let writer: WriterClient;
let sampler: InvariantSampler;

/** Drops (or lets through again) only what flows between the monitor (bridge address) and db1's own address. */
async function cutMonitor(host: string, on: boolean): Promise<void> {
  const own = c.lab.host(host).ip;
  const mon = c.lab.bridgeIp;
  const script = on
    ? [
        'table ip mmm_monitor_cut {',
        '  chain input {',
        '    type filter hook input priority -10; policy accept;',
        `    iifname "eth0" ip saddr ${mon} ip daddr ${own} drop`,
        '  }',
        '  chain output {',
        '    type filter hook output priority -10; policy accept;',
        `    oifname "eth0" ip saddr ${own} ip daddr ${mon} drop`,
        '  }',
        '}',
      ].join('\n')
    : 'table ip mmm_monitor_cut\ndelete table ip mmm_monitor_cut';
  await c.lab.exec(host, ['nft', '-f', '-'], { input: `${script}\n` });
}

const agentLog = (h: string): string => readFileSync(join(c.dir, `${h}-agent.log`), 'utf8');
const count = (text: string, what: string): number => text.split(what).length - 1;

beforeAll(async () => {
  c = await FailoverCluster.start({ id: 67 });
  writer = new WriterClient({ host: c.writerIp });
  sampler = new InvariantSampler(c.lab, { vips: c.readerIps, writerVip: c.writerIp });
  await sampler.start();
  await writer.start();
  await sleep(1000);
}, 240_000);

afterAll(async () => {
  await writer.stop();
  await sampler.stop();
  await cutMonitor('db1', false).catch(() => undefined);
  expect(await c.down()).toEqual([]);
}, 120_000);

describe('monitor cut from the writer (lab 67)', () => {
  it('db1 stays the writer and writable through 4 leases without the monitor; all ONLINE after the heal', async () => {
    const before = c.history.length;
    const relaysBefore = count(agentLog('db1'), 'lease renewed by relay');
    const cutAt = performance.now();
    await cutMonitor('db1', true);
    const readOnly: (number | undefined)[] = [];
    const holders = new Set<string>();
    while (performance.now() < cutAt + CUT_MS) {
      readOnly.push(await c.readOnly('db1')); // over db1's socket: the cut does not hide it
      for (const h of await c.vipHolders(c.writerIp)) holders.add(h);
      await sleep(200);
    }
    const healAt = performance.now();
    // what the monitor thinks, still during the cut
    expect(c.state('db1')).toBe('ONLINE');
    expect(c.monitor?.daemon.model.hosts['db1']?.agentReachable).toBe(false);
    expect((await c.command('show')).text).toMatch(/db1\(\S+\) master\/ONLINE\. Roles: .*writer\(/);
    await cutMonitor('db1', false);

    expect(readOnly.length).toBeGreaterThan(20);
    expect(readOnly.filter((v) => v !== 0)).toEqual([]);
    expect([...holders]).toEqual(['db1']);
    expect(c.history.length).toBe(before);
    const gap = writer.maxGap(cutAt, healAt);
    const acked = writer.acks.filter((a) => a.atMs >= cutAt && a.atMs <= healAt).length;
    process.stdout.write(
      `monitor cut ${Math.round(healAt - cutAt)} ms: ${acked} acks, longest write gap ${Math.round(gap?.ms ?? 0)} ms\n`,
    );
    expect(gap?.ms ?? 0).toBeLessThan(2000);
    expect(writer.firstAckAfter(healAt - 1000)?.atMs ?? Infinity).toBeLessThan(healAt);
    const log = agentLog('db1');
    expect(count(log, 'lease renewed by relay')).toBeGreaterThan(relaysBefore);
    expect(log).not.toContain('fencing myself');

    // heal: the monitor reaches db1's agent again; nothing moves
    await until('db1 agent reachable again', () =>
      c.monitor?.daemon.model.hosts['db1']?.agentReachable === true ? true : undefined,
    );
    await sleep(2000);
    for (const h of ['db1', 'db2', 'db3', 'db4']) expect(c.state(h)).toBe('ONLINE');
    expect(await c.vipHolders(c.writerIp)).toEqual(['db1']);
    expect(await c.readOnly('db1')).toBe(0);
    expect(c.history.length).toBe(before);
    expect(sampler.violations.filter((v) => v.kind !== 'vip-twice')).toEqual([]);
    await c.lab.sync({ from: 'db1', hosts: ['db2', 'db3', 'db4'] });
    const missing = await verifyAcks(c.lab, writer.table, writer.ackedIds, ['db1', 'db2', 'db3', 'db4']);
    expect(Object.values(missing).flat()).toEqual([]);
  }, 90_000);

  it('control: cut again, then kill db1 mysqld: failover to db2 once the relayed lease is surely over', async () => {
    const relaysBefore = count(agentLog('db1'), 'lease renewed by relay');
    await cutMonitor('db1', true);
    await until('db1 lease kept by relay', () =>
      count(agentLog('db1'), 'lease renewed by relay') > relaysBefore ? true : undefined,
    );
    const killedAt = Date.now();
    await c.lab.kill('db1');
    await until('writer VIP on db2', async () =>
      (await c.vipHolders(c.writerIp)).join() === 'db2' ? true : undefined,
    );
    const rec = await until('recovery done', () =>
      c.history.find((r) => r.kind === 'failover' && r.outcome === 'done'),
    );
    expect(rec).toMatchObject({ from: ['db1'], to: 'db2', fencedBy: [{ host: 'db1', by: 'lease' }] });
    const promotedAt = rec.steps.find((s) => s.name === 'promote')?.startedAt ?? 0;
    // the relay went on until the kill: the promotion waited a lease + margin after it (generous bound)
    expect(promotedAt - killedAt).toBeGreaterThan(LEASE_MS + MARGIN_MS - 1500);
    expect(await c.readOnly('db2')).toBe(0);
    await cutMonitor('db1', false);
    await sleep(1000);
    expect(sampler.violations.filter((v) => v.kind !== 'vip-twice')).toEqual([]);
  }, 90_000);
});
