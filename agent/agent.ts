// The agent's core: it holds what the agent remembers (persisted), orders every change through one lock,
// refuses requests from an older monitor epoch, converges the host to the desired state, runs the failover
// operations and the writer lease. The HTTP layer (server.ts) only validates and forwards.
import type {
  AgentStatusReport,
  CatchUpRequest,
  CatchUpResult,
  DesiredState,
  DesiredStateResult,
  DiskView,
  DisksAnswer,
  FenceRequest,
  FenceResult,
  LeaseAnswer,
  LeaseView,
  MonitorStamp,
  MysqlView,
  PromoteRequest,
  PromoteResult,
  RepointRequest,
  RepointResult,
  RoleIp,
  WriterView,
} from '../common/api/agent.js';
import { MmmError } from '../common/errors/index.js';
import type { Logger } from '../common/log/index.js';
import { applyActions, boundAfter, errorOf, isMysqlUnavailable, type ApplyPorts } from './apply.js';
import { catchUp, fence, promote, repoint, type OpsContext } from './failover.js';
import { askAheadMs, decideLease, type LeaseDecision, type LeaseInput } from './lease.js';
import type { MysqlOps, MysqlState } from './ops/mysql.js';
import type { StoragePaths } from '../common/mysql/dialect.js';
import type { NetworkOps } from './ops/network.js';
import type { PeerAsker } from './peers.js';
import { holdsWriter, nextReplicationHold, planReconcile, type ActualMysql } from './reconcile.js';
import { buildReport, writerView } from './report.js';
import { Serial } from './serial.js';
import { checkActiveMaster, checkHost, checkRoles, checkSource, type AgentSetup } from './setup.js';
import { compareStamps, type AgentMemory, type StateStore } from './state-file.js';

export interface AgentDeps {
  readonly setup: AgentSetup;
  readonly network: NetworkOps;
  readonly mysql: MysqlOps;
  readonly store: StateStore;
  readonly askPeers: PeerAsker;
  readonly logger: Logger;
  readonly version: string;
  /** Monotonic milliseconds (performance.now by default): the lease must not follow wall-clock jumps. */
  readonly now?: () => number;
  readonly osUptime?: () => Promise<number>;
  /** Free and total bytes of the filesystem holding a path (statfs); absent: no disk report. */
  readonly diskUsage?: (path: string) => Promise<{ freeBytes: number; totalBytes: number }>;
  /** Period of the lease check (default 200 ms). */
  readonly leaseTickMs?: number;
}

/** While the lease is held, peers are asked again this often (a partition may start later). */
const HOLD_RECHECK_MS = 500;
/** A fence whose deny-writes could not reach mysqld (down or hung) is retried this often until it holds. */
export const FENCE_RETRY_MS = 100;

interface LeaseState {
  readonly state: LeaseView['state'];
  readonly message: string | null;
}

export class Agent {
  readonly #deps: AgentDeps;
  readonly #now: () => number;
  readonly #serial = new Serial();
  readonly #log: Logger;
  readonly #startedAt: number;
  /** mysqld's datadir and binlog directory, once read (#disks). */
  #storage: StoragePaths | undefined;
  #setup: AgentSetup;
  #askPeers: PeerAsker;
  #memory: AgentMemory;
  #bound: ReadonlySet<string> = new Set();
  /** read_only=0 at the last look (for the lease: an open writer taken over before any promote). */
  #writable = false;
  #lastContact: number;
  #contacted = false;
  /** When a peer's relay last renewed the lease (this agent's clock, conservative); -Infinity: never. */
  #relayedAt = Number.NEGATIVE_INFINITY;
  /** The lease relay of the newest accepted desired state: whose lease this agent vouches for to its peers. */
  #relay: { forHost: string; at: number; epoch: number } | undefined;
  #lease: LeaseState = { state: 'ok', message: null };
  #lastSelfFence: { at: number; message: string } | undefined;
  #lastPeerAsk = Number.NEGATIVE_INFINITY;
  /** While held: when a peer was first seen hearing the monitor again (a restarted monitor reaches us soon). */
  #monitorBackAt: number | undefined;
  #leaseBusy = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  /** Why writes must still be denied (a fence that could not reach mysqld); undefined when none is pending. */
  #pendingFence: { why: string; since: number } | undefined;
  #fenceRetry: NodeJS.Timeout | undefined;

  private constructor(deps: AgentDeps, memory: AgentMemory) {
    this.#deps = deps;
    this.#now = deps.now ?? (() => performance.now());
    this.#log = deps.logger;
    this.#setup = deps.setup;
    this.#askPeers = deps.askPeers;
    this.#memory = memory;
    this.#startedAt = this.#now();
    // A restarted writer gives the monitor one full lease to reach it before fencing itself.
    this.#lastContact = this.#startedAt;
  }

  static async create(deps: AgentDeps): Promise<Agent> {
    const agent = new Agent(deps, await deps.store.load());
    try {
      agent.#bound = await deps.network.listAddresses();
    } catch (e) {
      deps.logger.error(
        { code: errorOf(e).code },
        `cannot list addresses on ${deps.setup.host.clusterInterface}: ${errorOf(e).message}`,
      );
    }
    await agent.#fenceIfWriterVipInFrontOfDeadMysql();
    return agent;
  }

  /**
   * At start: a writer VIP bound here while mysqld does not answer serves nobody, and the monitor may be
   * promoting another host while this agent was down (kill -9, then systemd's restart). Drop it at once
   * (read_only follows when mysqld is back) instead of giving the monitor the usual lease first.
   */
  async #fenceIfWriterVipInFrontOfDeadMysql(): Promise<void> {
    if (!this.#setup.writerIps.some((ip) => this.#bound.has(ip))) return;
    try {
      await this.#deps.mysql.state();
    } catch (e) {
      if (!isMysqlUnavailable(e)) return;
      this.#log.warn(`started with the writer VIP bound while MySQL does not answer (${errorOf(e).message}): fencing`);
      await this.#fenceNow('start with the writer VIP bound and MySQL unreachable');
    }
  }

  /** Starts the writer-lease checks. */
  start(): void {
    this.#stopped = false;
    const loop = (): void => {
      if (this.#stopped) return;
      this.#timer = setTimeout(() => {
        void this.leaseTick().finally(loop);
      }, this.#deps.leaseTickMs ?? 200);
    };
    loop();
  }

  /** Stops the lease checks and waits for the change in progress; closes the MySQL connection. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#fenceRetry);
    await this.#serial.idle();
    await this.#deps.mysql.close();
  }

  /** Takes a new configuration (SIGHUP), already validated by the caller. */
  reload(setup: AgentSetup, askPeers: PeerAsker): void {
    this.#setup = setup;
    this.#askPeers = askPeers;
  }

  #ctx(): OpsContext {
    return { setup: this.#setup, ports: this.#ports() };
  }

  #ports(): ApplyPorts {
    const h = this.#setup.host;
    return {
      network: this.#deps.network,
      mysql: this.#deps.mysql,
      now: this.#now,
      kill: { passes: this.#setup.config.agent.maxKillRetries + 1, spareUsers: [h.agentUser, h.monitorUser] },
    };
  }

  // ---- ordering and persistence ------------------------------------------------------------------------

  #refuseStale(received: MonitorStamp, what: string): never {
    const applied = this.#memory.stamp;
    throw new MmmError(
      'MMM_STALE_EPOCH',
      `${what} from monitor epoch ${received.epoch} (seq ${received.seq}) refused: epoch ${applied?.epoch ?? '?'} (seq ${applied?.seq ?? '?'}) was already accepted`,
      { details: { applied, received } },
    );
  }

  /** Accepts the stamp of a desired state (never older than the newest accepted) and notes the contact. */
  #acceptDesired(stamp: MonitorStamp): MonitorStamp {
    const applied = this.#memory.stamp;
    if (applied !== null && compareStamps(stamp, applied) < 0) this.#refuseStale(stamp, 'desired state');
    this.#touch();
    return stamp;
  }

  /** Operations carry only the epoch: refused if older, and a newer epoch becomes the accepted one. */
  #acceptOp(epoch: number, what: string): MonitorStamp {
    const applied = this.#memory.stamp;
    if (applied !== null && epoch < applied.epoch) this.#refuseStale({ epoch, seq: 0 }, what);
    this.#touch();
    return applied !== null && applied.epoch === epoch ? applied : { epoch, seq: 0 };
  }

  /** Remembers (monotonic clock) the lease relay of an accepted desired state; a state without one clears it. */
  #noteRelay(forHost: string | null, epoch: number): void {
    const next = forHost === null || forHost === this.#setup.host.name ? undefined : forHost;
    if (next !== this.#relay?.forHost) {
      if (next === undefined) this.#log.info(`lease relay for ${this.#relay?.forHost ?? '?'} ended`);
      else this.#log.warn(`lease relay: the monitor vouches for ${next}'s writer lease through this agent`);
    }
    this.#relay = next === undefined ? undefined : { forHost: next, at: this.#now(), epoch };
  }

  #touch(): void {
    this.#lastContact = this.#now();
    this.#contacted = true;
    this.#monitorBackAt = undefined;
    if (this.#lease.state !== 'ok') {
      this.#log.info(`monitor contact again (lease was ${this.#lease.state})`);
      this.#lease = { state: 'ok', message: null };
    }
  }

  async #save(next: AgentMemory): Promise<void> {
    if (JSON.stringify(next) === JSON.stringify(this.#memory)) return;
    await this.#deps.store.save(next);
    this.#memory = next;
  }

  #withoutWriter(roles: readonly RoleIp[]): RoleIp[] {
    return roles.filter((r) => r.role !== this.#setup.writerRole);
  }

  // ---- desired state -------------------------------------------------------------------------------------

  async applyDesired(ds: DesiredState): Promise<DesiredStateResult> {
    const setup = this.#setup;
    checkHost(setup, ds.host);
    checkRoles(setup, ds.roles);
    checkActiveMaster(setup, ds.activeMaster);
    return this.#serial.run(async () => {
      const stamp = this.#acceptDesired({ epoch: ds.epoch, seq: ds.seq });
      this.#noteRelay(ds.leaseRelay ?? null, stamp.epoch);
      await this.#save({ ...this.#memory, stamp }); // persisted before acting: a restart still refuses older
      const started = this.#now();
      const bound = await this.#deps.network.listAddresses();
      this.#bound = bound;
      let probeError: unknown;
      const mysql = await this.#deps.mysql.state().then(actualMysql, (e: unknown) => {
        probeError = e;
        return null;
      });
      if (mysql !== null) this.#writable = !mysql.readOnly;
      const mem = this.#memory;
      const plan = planReconcile({
        writerRole: setup.writerRole,
        clusterRoleIps: setup.clusterRoleIps,
        boundIps: bound,
        mysql,
        writerGrant: mem.writerGrant,
        replicationHeld: mem.replicationHeld,
        desired: { state: ds.state, roles: ds.roles },
      });
      const { steps } = await applyActions(plan, this.#ports(), probeError);
      this.#bound = boundAfter(bound, steps);
      const wantsWriter = ds.roles.some((r) => r.role === setup.writerRole);
      const startFailed = steps.some((s) => s.action === 'start-replication' && !s.ok);
      await this.#save({
        stamp,
        hostState: ds.state,
        roles: ds.roles.map((r) => ({ role: r.role, ip: r.ip })),
        activeMaster: ds.activeMaster,
        writerGrant: mem.writerGrant && wantsWriter,
        replicationHeld: nextReplicationHold(ds.state, mem.replicationHeld, mysql !== null, startFailed),
      });
      if (steps.length > 0) this.#logSteps(`desired state epoch ${stamp.epoch} seq ${stamp.seq} (${ds.state})`, steps);
      const deny = steps.find((x) => x.action === 'deny-writes');
      if (deny !== undefined && !wantsWriter)
        this.#notePending(deny.ok ? true : null, 'writer role removed by the monitor');
      return {
        changed: steps.length > 0,
        stamp,
        steps,
        durationMs: Math.round(this.#now() - started),
        writer: this.#writerView(),
      };
    });
  }

  #logSteps(what: string, steps: DesiredStateResult['steps']): void {
    const failed = steps.filter((s) => !s.ok);
    const summary = steps
      .map((s) => `${s.action}${s.target === undefined ? '' : ` ${s.target}`}${s.ok ? '' : ' FAILED'}`)
      .join(', ');
    if (failed.length === 0) this.#log.info({ steps }, `${what}: ${summary}`);
    else this.#log.error({ steps }, `${what}: ${summary}`);
  }

  // ---- failover operations -------------------------------------------------------------------------------

  /** Checks an operation's host and epoch inside the lock, persists the epoch, then runs `body` in the lock. */
  #operation<T>(req: { host: string; epoch: number }, what: string, body: () => Promise<T>): Promise<T> {
    checkHost(this.#setup, req.host);
    return this.#serial.run(async () => {
      await this.#save({ ...this.#memory, stamp: this.#acceptOp(req.epoch, what) });
      return body();
    });
  }

  async fence(req: FenceRequest): Promise<FenceResult> {
    const why = `fence requested by the monitor${req.reason === undefined ? '' : `: ${req.reason}`}`;
    return this.#operation(req, 'fence', () => this.#fenceNow(why));
  }

  /** Fences and records it (with `readers`, the reader VIPs go too); runs inside the lock. */
  async #fenceNow(why: string, readers = false): Promise<FenceResult> {
    const result = await fence(this.#ctx(), { readers });
    this.#bound = boundAfter(this.#bound, result.steps);
    await this.#save({ ...this.#memory, writerGrant: false, roles: this.#withoutWriter(this.#memory.roles) });
    this.#logSteps(`${why}; fenced=${result.fenced}`, result.steps);
    this.#notePending(result.writesDenied, why);
    return result;
  }

  /**
   * After a fence: when writes could not be denied because mysqld is down or hung, keep retrying every
   * FENCE_RETRY_MS (in the lock, so a later promote cannot race it) until read_only holds and the client
   * sessions are killed. A frozen old writer that resumes is fenced within milliseconds, before a new write.
   */
  #notePending(writesDenied: boolean | null, why: string): void {
    if (writesDenied === true) {
      this.#pendingFence = undefined;
      return;
    }
    if (this.#pendingFence === undefined) {
      this.#pendingFence = { why, since: this.#now() };
      const armed = this.#deps.mysql.armReadOnly?.() === true;
      this.#log.warn(
        `writes could not be denied (mysqld unreachable): retrying every ${FENCE_RETRY_MS} ms${armed ? '; read_only=1 armed on the standby session (runs the moment a hung mysqld resumes)' : ''} (${why})`,
      );
    }
    this.#scheduleFenceRetry();
  }

  #scheduleFenceRetry(): void {
    if (this.#stopped || this.#fenceRetry !== undefined) return;
    this.#fenceRetry = setTimeout(() => {
      this.#fenceRetry = undefined;
      void this.#retryFence();
    }, FENCE_RETRY_MS);
  }

  async #retryFence(): Promise<void> {
    await this.#serial.run(async () => {
      const pending = this.#pendingFence;
      if (pending === undefined || this.#stopped) return;
      const result = await fence(this.#ctx()).catch(() => undefined);
      if (result?.writesDenied !== true) return;
      this.#bound = boundAfter(this.#bound, result.steps);
      this.#pendingFence = undefined;
      this.#log.warn(
        { steps: result.steps },
        `pending fence done ${Math.round(this.#now() - pending.since)} ms later: read_only=1, ${result.sessionsKilled} client sessions killed (${pending.why})`,
      );
    });
    if (this.#pendingFence !== undefined) this.#scheduleFenceRetry();
  }

  /** Is a fence still waiting for mysqld (tests, report)? */
  get fencePending(): boolean {
    return this.#pendingFence !== undefined;
  }

  async catchUp(req: CatchUpRequest): Promise<CatchUpResult> {
    await this.#operation(req, 'catch-up', () => Promise.resolve());
    // The wait itself holds no lock: desired states keep flowing while the relay log drains.
    const result = await catchUp(this.#ctx(), req);
    this.#log.info({ result }, `caught up in ${result.waitedMs} ms`);
    return result;
  }

  async promote(req: PromoteRequest): Promise<PromoteResult> {
    return this.#operation(req, 'promote', async () => {
      const setup = this.#setup;
      this.#pendingFence = undefined; // the monitor opens this host: an older fence must not close it again
      const grant = (): Promise<void> =>
        this.#save({
          ...this.#memory,
          writerGrant: true,
          roles: [
            ...this.#withoutWriter(this.#memory.roles),
            ...setup.writerIps.map((ip) => ({ role: setup.writerRole, ip })),
          ],
        });
      try {
        const result = await promote(this.#ctx(), req, grant);
        this.#bound = new Set([...this.#bound, ...setup.writerIps]);
        this.#logSteps(`promote (replication ${req.replication})`, result.steps);
        return result;
      } catch (e) {
        this.#log.error({ code: errorOf(e).code }, `promote failed: ${errorOf(e).message}`);
        this.#bound = await this.#deps.network.listAddresses().catch(() => this.#bound);
        throw e;
      }
    });
  }

  async repoint(req: RepointRequest): Promise<RepointResult> {
    const setup = this.#setup;
    checkHost(setup, req.host);
    const source = checkSource(setup, req.source);
    return this.#operation(req, 'repoint', async () => {
      if (this.#memory.hostState === 'ADMIN_OFFLINE') {
        throw new MmmError('MMM_REFUSED', `host ${setup.host.name} is ADMIN_OFFLINE: its replication stays stopped`);
      }
      try {
        const result = await repoint(this.#ctx(), req, source);
        this.#logSteps(`repoint to ${source.name}`, result.steps);
        return result;
      } catch (e) {
        this.#log.error({ code: errorOf(e).code }, `repoint to ${source.name} failed: ${errorOf(e).message}`);
        throw e;
      }
    });
  }

  // ---- writer lease --------------------------------------------------------------------------------------

  /** Writer grant, a writer VIP bound, or writable while the desired state names this host writer. */
  #holdsWriter(): boolean {
    const s = this.#setup;
    const named = this.#memory.roles.some((r) => r.role === s.writerRole);
    return (
      holdsWriter(this.#memory.writerGrant, s.writerRole, s.clusterRoleIps, this.#bound) || (named && this.#writable)
    );
  }

  /** Deadline of one round of peer questions. */
  #askTimeoutMs(): number {
    return Math.max(100, Math.min(500, Math.floor(this.#setup.leaseMs / 4)));
  }

  #leaseInput(peers: LeaseInput['peers'], askedAgoMs: number): LeaseInput {
    const s = this.#setup;
    return {
      enabled: s.leaseMs > 0,
      leaseMs: s.leaseMs,
      holdsWriter: this.#holdsWriter(),
      self: s.host.name,
      epoch: this.#memory.stamp?.epoch ?? null,
      contactAgoMs: this.#now() - Math.max(this.#lastContact, this.#relayedAt),
      peerCheck: s.leasePeerCheck,
      aheadMs: askAheadMs(s.leaseMs, this.#askTimeoutMs(), this.#deps.leaseTickMs ?? 200),
      peers,
      askedAgoMs,
    };
  }

  /** One lease check; the timer calls it every leaseTickMs. Exposed for tests. */
  async leaseTick(): Promise<void> {
    if (this.#leaseBusy) return;
    this.#leaseBusy = true;
    try {
      let d: LeaseDecision = decideLease(this.#leaseInput(undefined, 0));
      if (d.kind === 'ask-peers') {
        const waitingForMonitor = this.#monitorBackAt !== undefined;
        if (this.#lease.state === 'held' && !waitingForMonitor && this.#now() - this.#lastPeerAsk < HOLD_RECHECK_MS) {
          return;
        }
        const sentAt = this.#now();
        const answers = await this.#askPeers(this.#askTimeoutMs());
        this.#lastPeerAsk = this.#now();
        d = decideLease(this.#leaseInput(answers, this.#now() - sentAt));
      }
      switch (d.kind) {
        case 'renew':
          // as of when the question was sent, minus how long ago the peer got the relay: never too late
          this.#relayedAt = Math.max(this.#relayedAt, this.#now() - d.contactAgoMs);
          if (this.#lease.state !== 'relayed') this.#log.warn(d.message);
          this.#lease = { state: 'relayed', message: d.message };
          return;
        case 'ok':
        case 'ask-peers':
          if (this.#lease.state === 'held') {
            this.#log.info('writer lease no longer held: contact with the monitor, or not the writer any more');
            this.#lease = { state: 'ok', message: null };
          }
          return;
        case 'hold':
          this.#monitorBackAt = undefined;
          if (this.#lease.state !== 'held') this.#log.warn(d.message);
          this.#lease = { state: 'held', message: d.message };
          return;
        case 'fence':
          if (this.#lease.state === 'held' && this.#monitorBackGrace(d.message)) return;
          this.#monitorBackAt = undefined;
          await this.#selfFence(d.message);
          return;
      }
    } catch (e) {
      this.#log.error({ code: errorOf(e).code }, `writer lease check failed: ${errorOf(e).message}`);
    } finally {
      this.#leaseBusy = false;
    }
  }

  /**
   * Held (the monitor was silent to every agent) and now a peer hears it again: a restarted monitor contacts
   * the hosts one after another (the writer last, MMM's order, each step waiting for the previous one), so give
   * it a third of the lease to reach this host before fencing. Bounded: seen within HOLD_RECHECK_MS + the ask
   * deadline, fenced a third of the lease later, before the new monitor may promote past this host (a whole
   * lease + margin after its first push, monitor/writer-gate.ts). True while it lasts.
   */
  #monitorBackGrace(message: string): boolean {
    const now = this.#now();
    if (this.#monitorBackAt === undefined) {
      this.#monitorBackAt = now;
      this.#log.warn(`${message}: the monitor is back at the peers; waiting for its contact before fencing`);
    }
    return now - this.#monitorBackAt < this.#setup.leaseMs / 3;
  }

  async #selfFence(message: string): Promise<void> {
    await this.#serial.run(async () => {
      // A desired state may have arrived while we waited for the lock: decide again.
      const again = decideLease(this.#leaseInput([], 0));
      if (again.kind === 'ok') return;
      this.#log.error(`${message}: fencing myself`);
      // The reader VIPs go too: a monitor that lost this host moves its roles, a healed host must not clash.
      await this.#fenceNow('writer lease self-fence', true);
      this.#lease = { state: 'self-fenced', message };
      this.#lastSelfFence = { at: this.#now(), message };
    });
  }

  leaseAnswer(): LeaseAnswer {
    return {
      host: this.#setup.host.name,
      epoch: this.#memory.stamp?.epoch ?? null,
      lastMonitorContactAgoMs: this.#contacted ? Math.round(this.#now() - this.#lastContact) : null,
      relayFor: this.#relay?.forHost ?? null,
      relayAgoMs: this.#relay === undefined ? null : Math.ceil(this.#now() - this.#relay.at), // never younger
      relayEpoch: this.#relay?.epoch ?? null,
    };
  }

  #writerView(): WriterView {
    const now = this.#now();
    return writerView(this.#setup, this.#memory, {
      contactAgoMs: this.#contacted ? now - this.#lastContact : null,
      state: this.#lease.state,
      message: this.#lease.message,
      lastSelfFence:
        this.#lastSelfFence === undefined
          ? null
          : { agoMs: now - this.#lastSelfFence.at, message: this.#lastSelfFence.message },
    });
  }

  // ---- report --------------------------------------------------------------------------------------------

  async status(): Promise<AgentStatusReport> {
    const [network, mysql, osUptimeS, disks] = await Promise.all([
      this.#deps.network.listAddresses().then(
        (bound) => ({ bound, error: null }),
        (e: unknown) => ({ bound: this.#bound, error: errorOf(e) }),
      ),
      this.#deps.mysql.state().then(
        (st): MysqlView => ({ up: true, ...st }),
        (e: unknown): MysqlView => ({ up: false, error: errorOf(e) }),
      ),
      (this.#deps.osUptime ?? (() => Promise.resolve(0)))(),
      // not behind the MySQL state: on a full disk SHOW MASTER STATUS waits for the stuck binlog write
      this.#disks(),
    ]);
    if (network.error === null) this.#bound = network.bound;
    if (mysql.up) this.#writable = !mysql.readOnly;
    // a writer keeps a standby session for a fence that has to wait for a hung mysqld (standby-read-only.ts)
    if (mysql.up && this.#holdsWriter()) void this.#deps.mysql.prepareStandby?.();
    return buildReport({
      setup: this.#setup,
      memory: this.#memory,
      version: this.#deps.version,
      osUptimeS,
      agentUptimeS: Math.floor((this.#now() - this.#startedAt) / 1000),
      network,
      mysql,
      writer: this.#writerView(),
      disks,
    });
  }

  /** GET /v1/disks: statfs only (the paths are cached), for a monitor whose status requests time out. */
  async disksAnswer(): Promise<DisksAnswer> {
    return { host: this.#setup.host.name, disks: await this.#disks() };
  }

  /**
   * Free space where mysqld writes. MariaDB does not fail a write on a full disk: it waits, retrying every
   * 60 s, while reads go on answering, so the checks see nothing wrong; this report is how the monitor can
   * tell (show). The paths are read from mysqld once (they change only with a restart) and again when
   * reading the space fails; statfs itself needs no MySQL, so a stuck server still gets its disk reported.
   * Never throws: an unreadable disk is simply not reported.
   */
  async #disks(): Promise<DiskView[]> {
    const usage = this.#deps.diskUsage;
    const mysql = this.#deps.mysql;
    if (usage === undefined || mysql.storagePaths === undefined) return [];
    try {
      this.#storage ??= await mysql.storagePaths();
      const holds = new Map<string, DiskView['holds'][number][]>([
        [this.#storage.datadir.replace(/\/+$/, ''), ['datadir']],
      ]);
      const bin = this.#storage.binlogDir?.replace(/\/+$/, '');
      if (bin !== undefined) holds.set(bin, [...(holds.get(bin) ?? []), 'binlog']);
      return await Promise.all([...holds].map(async ([path, what]) => ({ path, holds: what, ...(await usage(path)) })));
    } catch {
      this.#storage = undefined;
      return [];
    }
  }
}

function actualMysql(st: MysqlState): ActualMysql {
  const r = st.replication;
  return {
    readOnly: st.readOnly,
    replication: r === null ? null : { ioRunning: r.ioRunning !== 'no', sqlRunning: r.sqlRunning },
  };
}
