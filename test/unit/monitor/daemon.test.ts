// The daemon shell with fake agents, checks and network: pushes in order with the epoch and a growing seq,
// the writer gate (promote only after the old writer is fenced or its lease is over), kill_host_bin, the
// status file and the start epoch.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  AgentStatusReport,
  CatchUpResult,
  DesiredState,
  DesiredStateResult,
  FenceResult,
  PromoteResult,
  RepointResult,
} from '../../../common/api/agent.js';
import type { Config } from '../../../common/config/types.js';
import { MmmError } from '../../../common/errors/index.js';
import { silentLogger } from '../../../common/log/index.js';
import type { AgentPort } from '../../../monitor/agent-link.js';
import type { CheckStatusView, ChecksMetrics } from '../../../monitor/checks/index.js';
import { MonitorDaemon, type ChecksPort, type NetworkPort } from '../../../monitor/daemon.js';
import { seedConfig, T0 } from './core/fixtures.js';
import { fakeFenced, fakeMysqlView } from './fake-agent-parts.js';

const HOSTS = ['db1', 'db2', 'db3', 'db4'];

class FakeAgents implements AgentPort {
  readonly log: string[] = [];
  readonly pushes: DesiredState[] = [];
  readonly down = new Set<string>();
  readonly silent = new Set<string>();
  /** Hosts whose status and desired-state calls hang (an agent stuck behind its frozen mysqld). */
  readonly hung = new Set<string>();
  readonly #release: (() => void)[] = [];

  #hang<T>(host: string): Promise<T> {
    this.log.push(`hang ${host}`);
    return new Promise<T>((_resolve, reject) => {
      this.#release.push(() => {
        reject(new MmmError('MMM_TIMEOUT', `agent ${host}: no answer within 2000 ms`));
      });
    });
  }

  /** Ends every hung call with a timeout. */
  release(): void {
    for (const r of this.#release.splice(0)) r();
  }
  readonly holding = new Map<string, 'none' | 'open' | 'pending-promote'>();
  stampEpoch: number | null = null;

  #check(host: string): void {
    if (this.down.has(host)) throw new MmmError('MMM_AGENT_UNREACHABLE', `agent ${host}: ECONNREFUSED`);
    if (this.silent.has(host)) throw new MmmError('MMM_TIMEOUT', `agent ${host}: no answer within 2000 ms`);
  }

  async status(host: string): Promise<AgentStatusReport> {
    if (this.hung.has(host)) return this.#hang(host);
    this.#check(host);
    return Promise.resolve({
      host,
      osUptimeS: 1000,
      hostState: 'UNKNOWN',
      roles: [],
      activeMaster: null,
      stamp: this.stampEpoch === null ? null : { epoch: this.stampEpoch, seq: 3 },
      vips: { bound: [], error: null },
      mysql: fakeMysqlView(host),
      writer: { holding: this.holding.get(host) ?? 'none' },
    } as unknown as AgentStatusReport);
  }

  async push(d: DesiredState): Promise<DesiredStateResult> {
    if (this.hung.has(d.host)) return this.#hang(d.host);
    this.#check(d.host);
    this.pushes.push(d);
    this.log.push(`push ${d.host}`);
    const wantsWriter = d.roles.some((r) => r.role === 'writer');
    const was = this.holding.get(d.host) ?? 'none';
    const holding = !wantsWriter ? 'none' : was === 'open' ? 'open' : 'pending-promote';
    this.holding.set(d.host, holding);
    return Promise.resolve({ steps: [], writer: { holding } } as unknown as DesiredStateResult);
  }

  async fence(host: string): Promise<FenceResult> {
    if (this.hung.has(host)) throw new MmmError('MMM_TIMEOUT', `agent ${host}: no answer within 3000 ms`);
    this.#check(host);
    this.log.push(`fence ${host}`);
    this.holding.set(host, 'none');
    return Promise.resolve(fakeFenced);
  }

  async promote(host: string, epoch: number, replication = 'keep'): Promise<PromoteResult> {
    this.#check(host);
    this.log.push(`promote ${host} epoch ${epoch} ${replication}`);
    this.holding.set(host, 'open');
    return Promise.resolve({
      writerIps: [],
      position: { gtid: '0-1-5', file: null, pos: null },
    } as unknown as PromoteResult);
  }

  async catchUp(host: string): Promise<CatchUpResult> {
    this.#check(host);
    this.log.push(`catch-up ${host}`);
    const pos = { gtid: '0-1-5', file: null, pos: null };
    return Promise.resolve({ target: pos, reached: pos, waitedMs: 0, durationMs: 0 });
  }

  async repoint(host: string, _epoch: number, source: { host: string }): Promise<RepointResult> {
    this.#check(host);
    this.log.push(`repoint ${host} ${source.host}`);
    return Promise.resolve({ replication: { sourceHost: source.host, ioRunning: 'yes' } } as unknown as RepointResult);
  }

  close(): void {
    this.log.push('close');
  }
}

class FakeChecks implements ChecksPort {
  readonly failed = new Set<string>();
  /** Liveness verdict per host (default alive). */
  readonly verdicts = new Map<string, string>();

  getObservation(host: string): { liveness: { value: { verdict: string } } } {
    return { liveness: { value: { verdict: this.verdicts.get(host) ?? 'alive' } } };
  }

  async start(): Promise<void> {
    return Promise.resolve();
  }
  async stop(): Promise<void> {
    return Promise.resolve();
  }
  getStatuses(host: string): Readonly<Record<string, CheckStatusView>> {
    const view = (ok: boolean): CheckStatusView => ({
      result: ok ? 'ok' : 'failed',
      message: ok ? 'OK' : 'ERROR: Could not ping',
      lastChange: T0,
      lastRunAt: T0,
      latencyMs: 1,
      lastRaw: undefined,
    });
    const down = this.failed.has(host);
    return { ping: view(!down), mysql: view(!down), rep_threads: view(true), rep_backlog: view(true) };
  }
  onChange(): () => void {
    return () => undefined;
  }
  metrics(): ChecksMetrics {
    return { hosts: {} };
  }
}

const net: NetworkPort = {
  haveNet: true,
  waitUntilReachable: async () => Promise.resolve(),
  start: () => undefined,
  stop: async () => Promise.resolve(),
};

let dir: string;
let now: number;
let agents: FakeAgents;
let checks: FakeChecks;
let kills: string[];
let killWorks: boolean;
let daemon: MonitorDaemon;

function makeDaemon(config: Config): MonitorDaemon {
  return new MonitorDaemon({
    config,
    logger: silentLogger(),
    agents,
    checks,
    network: net,
    now: () => now,
    autoTick: false, // every tick is a tickNow() of the test: none slips in between its steps
    runKill: async (bin, host, pingOk) => {
      kills.push(`${bin} ${host} ${pingOk ? 1 : 0}`);
      return killWorks ? Promise.resolve() : Promise.reject(new Error('kill_host failed'));
    },
    // Time passes after everything already under way had its turn (an agent answer beats a lease wait).
    sleep: async (ms, signal) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (signal.aborted) throw new Error('aborted');
      now += ms;
    },
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mond-daemon-'));
  now = T0;
  agents = new FakeAgents();
  checks = new FakeChecks();
  kills = [];
  killWorks = true;
});

afterEach(async () => {
  await daemon.stop();
  rmSync(dir, { recursive: true, force: true });
});

const config = (): Config =>
  seedConfig({ monitor: { statusPath: join(dir, 'status'), killHostBin: '/usr/local/bin/kill_host', tick: 60 } });
/** Without kill_host_bin: the writer lease is what fences an unreachable old writer. */
const leaseOnly = (): Config => seedConfig({ monitor: { statusPath: join(dir, 'status'), tick: 60 } });

async function allOnline(): Promise<void> {
  for (const h of HOSTS) expect((await daemon.command(['set_online', h])).exitCode).toBe(0);
  await daemon.tickNow();
}

describe('MonitorDaemon', () => {
  it('first start: epoch 1, every host ONLINE after set_online, db1 promoted once after its push', async () => {
    daemon = makeDaemon(config());
    await daemon.start();
    expect(daemon.epoch).toBe(1);
    expect(readFileSync(join(dir, 'status.epoch'), 'utf8')).toBe('1\n');
    await allOnline();
    expect(Object.values(daemon.model.hosts).map((h) => h.state)).toEqual(HOSTS.map(() => 'ONLINE'));
    const promotes = agents.log.filter((l) => l.startsWith('promote'));
    expect(promotes).toEqual(['promote db1 epoch 1 stop']);
    expect(agents.log.indexOf('push db1')).toBeLessThan(agents.log.indexOf('promote db1 epoch 1 stop'));
    expect(daemon.history.map((r) => [r.kind, r.outcome, r.to])).toEqual([['initial', 'done', 'db1']]);
    const seqs = agents.pushes.map((p) => p.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(agents.pushes.every((p) => p.epoch === 1)).toBe(true);
    const status = readFileSync(join(dir, 'status'), 'utf8');
    expect(status).toMatch(/^db1\|ONLINE\|.*writer\(198\.18\.0\.100\)/m);
    expect(status.split('\n').filter((l) => l !== '')).toHaveLength(4);
  });

  it('starts above the stored epoch and every epoch an agent reports', async () => {
    writeFileSync(join(dir, 'status.epoch'), '3\n');
    agents.stampEpoch = 7;
    daemon = makeDaemon(config());
    await daemon.start();
    expect(daemon.epoch).toBe(8);
  });

  it('fails over from an unreachable db1 once kill_host_bin confirmed: catch-up, promote with replication cut, repoint', async () => {
    daemon = makeDaemon(config());
    await daemon.start();
    await allOnline();
    agents.log.length = 0;
    agents.down.add('db1');
    checks.failed.add('db1');
    now += 1000;
    await daemon.tickNow();
    expect(daemon.model.hosts['db1']?.state).toBe('HARD_OFFLINE');
    expect(kills).toEqual(['/usr/local/bin/kill_host db1 0']);
    const ops = agents.log.filter((l) => !l.startsWith('push'));
    expect(ops).toEqual(['catch-up db2', 'promote db2 epoch 1 stop', 'repoint db3 db2', 'repoint db4 db2']);
    const rec = daemon.history.at(-1);
    expect(rec).toMatchObject({
      kind: 'failover',
      from: ['db1'],
      to: 'db2',
      outcome: 'done',
      fencedBy: [{ host: 'db1', by: 'kill_host_bin' }],
    });
    expect(rec?.steps.map((s) => `${s.name} ${s.host ?? ''} ${s.outcome}`)).toEqual([
      'fence db1 failed',
      'kill_host_bin db1 ok',
      'catch-up db2 ok',
      'promote db2 ok',
      'repoint db3 ok',
      'repoint db4 ok',
    ]);
    expect((await daemon.command(['history'])).text).toContain(`${rec?.id ?? ''}: failover db1 -> db2 DONE`);
  });

  it('an agent stuck behind its hung mysqld holds no tick: renewals and status reads run in the background', async () => {
    daemon = makeDaemon(config());
    await daemon.start();
    await allOnline();
    agents.log.length = 0;
    agents.hung.add('db1');
    now += 1000;
    await daemon.tickNow(); // returns although db1 answers neither its status nor its desired state
    await daemon.tickNow(); // no second call to db1 while the first ones hang
    expect(agents.log.filter((l) => l === 'hang db1')).toHaveLength(2); // one status read, one renewal
    expect(agents.log.filter((l) => l === 'push db2').length).toBeGreaterThanOrEqual(2);
    checks.failed.add('db1');
    now += 1000;
    await daemon.tickNow();
    expect(daemon.model.hosts['db1']?.state).toBe('HARD_OFFLINE');
    expect(daemon.history.at(-1)).toMatchObject({ kind: 'failover', to: 'db2', outcome: 'done' });
    agents.release();
  });

  it('without kill_host_bin, promotes only after writer_lease + lease_margin since db1 last answered', async () => {
    daemon = makeDaemon(leaseOnly());
    await daemon.start();
    await allOnline();
    agents.log.length = 0;
    agents.down.add('db1');
    checks.failed.add('db1');
    now += 1000;
    await daemon.tickNow();
    // writer_lease 10 s + lease_margin 1 s after the last answer of db1 (at T0, during allOnline).
    expect(now).toBe(T0 + 11_000);
    expect(agents.log.filter((l) => l.startsWith('promote'))).toEqual(['promote db2 epoch 1 stop']);
    expect(daemon.history.at(-1)?.fencedBy).toEqual([{ host: 'db1', by: 'lease' }]);
  });

  it('with kill_host_bin configured, the lease alone never lets a promotion go on: a failed kill blocks it', async () => {
    killWorks = false;
    daemon = makeDaemon(config());
    await daemon.start();
    await allOnline();
    agents.log.length = 0;
    agents.down.add('db1');
    checks.failed.add('db1');
    now += 1000;
    await daemon.tickNow();
    now += 60_000; // far past writer_lease + lease_margin
    await daemon.tickNow();
    expect(agents.log.filter((l) => l.startsWith('promote'))).toEqual([]);
    expect(kills).toEqual(['/usr/local/bin/kill_host db1 0']);
    const last = daemon.history.at(-1);
    expect(last).toMatchObject({ kind: 'failover', outcome: 'blocked' });
    expect(last?.reason).toMatch(
      /could not fence db1: .*kill_host_bin did not confirm .*the writer lease alone is not trusted/,
    );
  });

  it('an agent that may have got the fence request renews its lease: the wait counts from that request', async () => {
    daemon = makeDaemon(leaseOnly());
    await daemon.start();
    await allOnline();
    agents.silent.add('db1');
    checks.failed.add('db1');
    now += 1000;
    await daemon.tickNow();
    expect(now).toBe(T0 + 12_000);
    expect(daemon.history.at(-1)).toMatchObject({ outcome: 'done', fencedBy: [{ host: 'db1', by: 'lease' }] });
  });

  it('relays db1 lease through the other agents while only the monitor lost it; a failover then waits lease + margin after the last relay', async () => {
    daemon = makeDaemon(leaseOnly());
    await daemon.start();
    await allOnline();
    agents.pushes.length = 0;
    agents.down.add('db1');
    checks.verdicts.set('db1', 'reachable-by-replicas');
    now += 1000;
    await daemon.tickNow(); // the push to db1 fails: its agent is flagged unreachable by the next tick
    expect(agents.pushes.filter((p) => p.leaseRelay !== undefined)).toEqual([]);
    now += 1000;
    await daemon.tickNow();
    const lastRelay = now;
    expect(daemon.model.hosts['db1']?.state).toBe('ONLINE');
    expect(
      agents.pushes
        .filter((p) => p.leaseRelay === 'db1')
        .map((p) => p.host)
        .sort(),
    ).toEqual(['db2', 'db3', 'db4']);
    // replicas lost db1 too: dead, failover; the relay stops at once (the desired states carry none)
    agents.pushes.length = 0;
    checks.verdicts.set('db1', 'dead');
    checks.failed.add('db1');
    now += 1000;
    await daemon.tickNow();
    expect(agents.pushes.filter((p) => p.leaseRelay !== undefined)).toEqual([]);
    // writer_lease 10 s + lease_margin 1 s after the last relaying push ended (db1's own answer was at T0)
    expect(now).toBe(lastRelay + 11_000);
    expect(daemon.history.at(-1)).toMatchObject({
      outcome: 'done',
      to: 'db2',
      fencedBy: [{ host: 'db1', by: 'lease' }],
    });
  });

  it('no relay while the liveness verdict is not reachable-by-replicas', async () => {
    daemon = makeDaemon(config());
    await daemon.start();
    await allOnline();
    agents.pushes.length = 0;
    agents.down.add('db1');
    for (const verdict of ['alive', 'unknown']) {
      checks.verdicts.set('db1', verdict);
      now += 1000;
      await daemon.tickNow();
      now += 1000;
      await daemon.tickNow();
    }
    expect(agents.pushes.filter((p) => p.leaseRelay !== undefined)).toEqual([]);
  });

  it('move_role writer db2: fence db1, catch-up to its position, promote db2, report the write pause', async () => {
    daemon = makeDaemon(config());
    await daemon.start();
    await allOnline();
    agents.log.length = 0;
    const r = await daemon.command(['move_role', 'writer', 'db2']);
    expect(r.text).toBe(
      "OK: Role 'writer' has been moved from 'db1' to 'db2'. Now you can wait some time and check new roles info!",
    );
    expect(r.data).toMatchObject({ writePauseMs: 0, recovery: { kind: 'switchover', outcome: 'done' } });
    expect(agents.log.filter((l) => !l.startsWith('push'))).toEqual([
      'fence db1',
      'catch-up db2',
      'promote db2 epoch 1 stop',
      'repoint db3 db2',
      'repoint db4 db2',
    ]);
    expect(daemon.model.roles.find((s) => s.role === 'writer')?.owner).toBe('db2');
  });

  it('a switchover whose target cannot catch up is rolled back: the old writer is opened again', async () => {
    daemon = makeDaemon(config());
    await daemon.start();
    await allOnline();
    agents.log.length = 0;
    agents.catchUp = async () => Promise.reject(new MmmError('MMM_CATCHUP_TIMEOUT', 'relay log not applied'));
    const r = await daemon.command(['move_role', 'writer', 'db2']);
    expect(r.exitCode).toBe(1);
    expect(r.text).toBe(
      'ERROR: db2 did not apply everything within switchover_timeout: relay log not applied; db1 is the writer again',
    );
    expect(agents.log.filter((l) => !l.startsWith('push'))).toEqual(['fence db1', 'promote db1 epoch 1 keep']);
    expect(daemon.model.roles.find((s) => s.role === 'writer')?.owner).toBe('db1');
  });

  it('answers commands with MMM text and refuses unknown hosts', async () => {
    daemon = makeDaemon(config());
    await daemon.start();
    const r = await daemon.command(['set_online', 'db9']);
    expect(r.exitCode).toBe(1);
    expect(r.text).toBe("ERROR: Unknown host name 'db9'!");
    expect((await daemon.command(['mode'])).text).toBe('ACTIVE');
  });
});
