// Fakes for the agent's ports (network, MySQL, peers, clock) and a small cluster config, for unit tests of the
// agent core and its HTTP layer. Every fake records the calls that change something, so a test can assert
// that a refused request changed nothing.
import type { ReplicationView } from '../../../common/api/agent.js';
import { Secret } from '../../../common/config/secret.js';
import type { Config, HostConfig, RoleConfig } from '../../../common/config/types.js';
import { MmmError } from '../../../common/errors/index.js';
import { silentLogger } from '../../../common/log/index.js';
import { Agent } from '../../../agent/agent.js';
import type { PeerAnswer } from '../../../agent/lease.js';
import type {
  ChangeSourceRequest,
  KillOptions,
  MysqlOps,
  MysqlState,
  WaitOutcome,
  WaitTarget,
} from '../../../agent/ops/mysql.js';
import type { NetworkOps } from '../../../agent/ops/network.js';
import { agentSetup } from '../../../agent/setup.js';
import { memoryStateStore, type AgentMemory } from '../../../agent/state-file.js';

export const WRITER_IP = '198.18.30.250';
export const READER_IPS = ['198.18.30.221', '198.18.30.222', '198.18.30.223'] as const;

function host(n: number, mode: 'master' | 'slave'): HostConfig {
  return {
    name: `db${n}`,
    ip: `198.18.30.${10 + n}`,
    mode,
    peer: mode === 'master' ? `db${n === 1 ? 2 : 1}` : undefined,
    agentPort: 9989,
    mysqlPort: 3306,
    clusterInterface: 'eth0',
    agentUser: 'mmm_agent',
    agentPassword: new Secret('agentpass'),
    monitorUser: 'mmm_monitor',
    monitorPassword: new Secret('monpass'),
    replicationUser: 'repl',
    replicationPassword: new Secret('replpass'),
    pidPath: undefined,
    binPath: undefined,
  };
}

export function testConfig(self = 'db1', agent: Partial<Config['agent']> = {}): Config {
  const roles: RoleConfig[] = [
    { name: 'writer', mode: 'exclusive', hosts: ['db1', 'db2'], ips: [WRITER_IP], prefer: undefined },
    { name: 'reader', mode: 'balanced', hosts: ['db1', 'db2', 'db3', 'db4'], ips: [...READER_IPS], prefer: undefined },
  ];
  const check = { checkPeriod: 5, trapPeriod: 10, timeout: 2, restartAfter: 10000, maxBacklog: 60 };
  return {
    source: { format: 'yaml', files: ['test.yaml'] },
    cluster: undefined,
    this: self,
    debug: false,
    activeMasterRole: 'writer',
    hosts: [host(1, 'master'), host(2, 'master'), host(3, 'slave'), host(4, 'slave')],
    roles,
    checks: {
      ping: { name: 'ping', ...check },
      mysql: { name: 'mysql', ...check },
      rep_threads: { name: 'rep_threads', ...check },
      rep_backlog: { name: 'rep_backlog', ...check },
    },
    monitor: undefined,
    socket: {
      type: 'token',
      token: new Secret('s3cret-token'),
      tokenFile: undefined,
      certFile: undefined,
      keyFile: undefined,
      caFile: undefined,
    },
    agent: { writerLease: 3, maxKillRetries: 10, ...agent },
    warnings: [],
  };
}

export class FakeNetwork implements NetworkOps {
  readonly bound = new Set<string>();
  readonly calls: string[] = [];
  readonly announced: string[] = [];
  failList: MmmError | undefined;
  failAdd: MmmError | undefined;
  lastAnnounceError: MmmError | undefined;

  listAddresses(): Promise<ReadonlySet<string>> {
    if (this.failList !== undefined) return Promise.reject(this.failList);
    return Promise.resolve(new Set(['198.18.30.11', ...this.bound]));
  }

  addVip(ip: string): Promise<void> {
    this.calls.push(`add ${ip}`);
    if (this.failAdd !== undefined) return Promise.reject(this.failAdd);
    this.bound.add(ip);
    return Promise.resolve();
  }

  removeVip(ip: string): Promise<void> {
    this.calls.push(`del ${ip}`);
    this.bound.delete(ip);
    return Promise.resolve();
  }

  announce(ip: string): void {
    this.announced.push(ip);
  }
}

export function replicationView(over: Partial<ReplicationView> = {}): ReplicationView {
  return {
    sourceHost: 'db1',
    sourceIp: '198.18.30.11',
    sourcePort: 3306,
    ioRunning: 'yes',
    sqlRunning: true,
    secondsBehind: 0,
    usingGtid: 'slave_pos',
    received: { gtid: '0-1-10', file: 'mysql-bin.000001', pos: 1000 },
    executed: { gtid: '0-1-10', file: 'mysql-bin.000001', pos: 1000 },
    lastIoErrno: 0,
    lastIoError: '',
    lastSqlErrno: 0,
    lastSqlError: '',
    ...over,
  };
}

/** A MySQL server in memory: read_only, replication threads, sessions; `down` makes every call fail. */
export class FakeMysql implements MysqlOps {
  readOnly = true;
  replicationConfigured = true;
  io: ReplicationView['ioRunning'] = 'yes';
  sql = true;
  clientSessions = 0;
  down: MmmError | undefined;
  waitResult: WaitOutcome = 'reached';
  /** Replication fields after the next START (e.g. an IO error 1236). */
  afterStart: Partial<ReplicationView> = {};
  #extra: Partial<ReplicationView> = {};
  readonly calls: string[] = [];
  readonly changes: ChangeSourceRequest[] = [];
  readonly waits: { target: WaitTarget; timeoutMs: number }[] = [];
  lastKill: KillOptions | undefined;
  /** Where mysqld writes (the disk report); undefined: not offered, as by an older implementation. */
  storagePaths: MysqlOps['storagePaths'];

  #check(): void {
    if (this.down !== undefined) throw this.down;
  }

  replicationNow(): ReplicationView | null {
    return this.replicationConfigured
      ? replicationView({ ioRunning: this.io, sqlRunning: this.sql, ...this.#extra })
      : null;
  }

  state(): Promise<MysqlState> {
    return this.#run(() => ({
      flavor: 'mariadb',
      version: '10.11.19-MariaDB',
      readOnly: this.readOnly,
      superReadOnly: null,
      uptimeS: 100,
      serverId: 1,
      gtid: { binlogPos: '0-1-10', binlogState: '0-1-10', slavePos: '0-1-10', currentPos: '0-1-10' },
      binlog: { file: 'mysql-bin.000001', pos: 1000 },
      replication: this.replicationNow(),
    }));
  }

  async #run<T>(f: () => T): Promise<T> {
    await Promise.resolve();
    this.#check();
    return f();
  }

  setReadOnly(on: boolean): Promise<void> {
    return this.#run(() => {
      this.calls.push(on ? 'read_only=1' : 'read_only=0');
      this.readOnly = on;
    });
  }

  killClientSessions(opts: KillOptions): Promise<number> {
    return this.#run(() => {
      this.calls.push('kill');
      this.lastKill = opts;
      const n = this.clientSessions;
      this.clientSessions = 0;
      return n;
    });
  }

  stopReplication(thread?: 'io' | 'sql'): Promise<void> {
    return this.#run(() => {
      this.calls.push(thread === undefined ? 'stop' : `stop ${thread}`);
      if (thread !== 'sql') this.io = 'no';
      if (thread !== 'io') this.sql = false;
    });
  }

  stopReceiver(): Promise<void> {
    return this.stopReplication('io');
  }

  startReplication(): Promise<void> {
    return this.#run(() => {
      this.calls.push('start');
      this.io = 'yes';
      this.sql = true;
      this.#extra = this.afterStart;
    });
  }

  resetReplication(): Promise<void> {
    return this.#run(() => {
      this.calls.push('reset');
      this.replicationConfigured = false;
    });
  }

  changeSource(req: ChangeSourceRequest): Promise<void> {
    return this.#run(() => {
      this.calls.push(`change ${req.host}`);
      this.changes.push(req);
      this.replicationConfigured = true;
    });
  }

  replication(): Promise<ReplicationView | null> {
    return this.#run(() => this.replicationNow());
  }

  waitFor(target: WaitTarget, timeoutMs: number): Promise<WaitOutcome> {
    return this.#run(() => {
      this.waits.push({ target, timeoutMs });
      return this.waitResult;
    });
  }

  ownPosition(): Promise<{ gtid: string; file: string; pos: number }> {
    return this.#run(() => ({ gtid: '0-1-10', file: 'mysql-bin.000001', pos: 1000 }));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export class FakeClock {
  t = 1_000_000;
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Rig {
  readonly agent: Agent;
  readonly network: FakeNetwork;
  readonly mysql: FakeMysql;
  readonly clock: FakeClock;
  readonly store: ReturnType<typeof memoryStateStore>;
  peers: PeerAnswer[];
  peerAsks: number;
}

export async function rig(
  opts: {
    self?: string;
    memory?: AgentMemory;
    agent?: Partial<Config['agent']>;
    network?: FakeNetwork;
    mysql?: FakeMysql;
    clock?: FakeClock;
    diskUsage?: (path: string) => Promise<{ freeBytes: number; totalBytes: number }>;
  } = {},
): Promise<Rig> {
  const network = opts.network ?? new FakeNetwork();
  const mysql = opts.mysql ?? new FakeMysql();
  const clock = opts.clock ?? new FakeClock();
  const store = memoryStateStore(opts.memory);
  const partial: { peers: PeerAnswer[]; peerAsks: number } = { peers: [], peerAsks: 0 };
  const agent = await Agent.create({
    setup: agentSetup(testConfig(opts.self ?? 'db1', opts.agent)),
    network,
    mysql,
    store,
    askPeers: () => {
      partial.peerAsks++;
      return Promise.resolve(partial.peers);
    },
    logger: silentLogger(),
    version: 'test',
    now: clock.now,
    ...(opts.diskUsage === undefined ? {} : { diskUsage: opts.diskUsage }),
  });
  return Object.assign(partial, { agent, network, mysql, clock, store });
}

export const unreachable = (): MmmError =>
  new MmmError('MMM_MYSQL_UNREACHABLE', 'MySQL 198.18.30.11:3306: cannot connect: ECONNREFUSED');
