// The mmm_mond shell around the pure core: startup (network, checks, status file, agents, reconciliation,
// epoch), the single-flight tick (snapshot → decide → push in order → persist → log), commands against the
// live model, kill_host_bin, and the writer gate. Every decision is the core's; this file only does the I/O.
// Every writer move goes through the recovery executor (failover/executor.ts): the core plans (planRecovery),
// the executor fences the old writer (agent, lease or kill_host_bin), catches up, promotes with replication
// from the old writer cut, repoints the replicas; WriterGate (writer-gate.ts) remembers who may be open.
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { AgentStatusReport, DesiredStateResult, DiskView } from '../common/api/agent.js';
import type { CommandResponse } from '../common/api/monitor.js';
import type { Config } from '../common/config/types.js';
import { describeError, isMmmError } from '../common/errors/index.js';
import type { Logger } from '../common/log/index.js';
import type { CheckStatusView, ChecksMetrics } from './checks/index.js';
import { DEFAULT_AGENT_TIMEOUT_S, factsOf, replicationOf, toDesiredState, type AgentPort } from './agent-link.js';
import {
  addToHistory,
  applySwitchover,
  blockFailover,
  buildTopology,
  consumePromoteOnce,
  decide,
  desiredStates,
  holdBackOldWriterRoles,
  logText,
  markCannotFollow,
  modelWriter,
  noteFailoverDone,
  parseStatus,
  planRecovery,
  reconcileStartup,
  recoveryId,
  rejoinActions,
  renderRecord,
  runCommand,
  serializeStatus,
  type AgentObservation,
  type ClusterModel,
  type DesiredAgentState,
  type FactsByHost,
  type GtidFacts,
  type HostChecks,
  type LogEvent,
  type ModelUpdate,
  type PushStep,
  type RecoveryKind,
  type RecoveryRecord,
  type SwitchoverRequest,
  type TickResult,
} from './core/index.js';
import { RecoveryExecutor, STATUS_TIMEOUT_MS } from './failover/executor.js';
import type { RecoveryResult } from './failover/executor.js';
import { execKill, startupViews, toHostChecks } from './shell-io.js';
import { PerHostCalls } from './per-host-calls.js';
import { leaseRelayTarget } from './lease-relay.js';
import { WriterGate } from './writer-gate.js';
import { describeDisk, diskLevel } from './core/render/disk.js';
import { nextEpoch, readEpoch, readOptional, epochPath, writeFileAtomic } from './status-store.js';

/** What the daemon needs from the checks layer (CheckScheduler implements it). */
export interface ChecksPort {
  start(): Promise<void>;
  stop(): Promise<void>;
  getStatuses(host: string): Readonly<Record<string, CheckStatusView>>;
  onChange(listener: () => void): () => void;
  metrics(): ChecksMetrics;
  /** Raw observations; only the liveness verdict is read (lease relay). Optional: without it, no relay. */
  getObservation?(host: string): { readonly liveness: { readonly value: { readonly verdict: string } } | undefined };
}

/** What the daemon needs from the `ping_ips` self-check (NetworkChecker implements it). */
export interface NetworkPort {
  readonly haveNet: boolean;
  waitUntilReachable(signal?: AbortSignal): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export interface MonitorDaemonOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly agents: AgentPort;
  readonly checks: ChecksPort;
  readonly network: NetworkPort;
  /** Epoch ms; default Date.now. */
  readonly now?: () => number;
  /** Runs kill_host_bin; default: execFile bounded by KILL_TIMEOUT_MS. */
  readonly runKill?: (bin: string, host: string, pingOk: boolean) => Promise<void>;
  /** Waits (the writer-lease wait of a recovery); default: a timer that `signal` cancels. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * Run ticks on the daemon's own timer (every `tick` s, and soon after a command or a check change); default
   * true. Unit tests turn it off and drive every tick with tickNow(), so no tick slips in between their steps.
   */
  readonly autoTick?: boolean;
}

/** What `#lastSent` keeps per host (as JSON): the desired state and the lease relay it carried. */
interface SentKey {
  readonly d: DesiredAgentState;
  readonly relayHere: string | null;
}

/** How one host's push went: told, could not be told, or not attempted (its ping check is failed). */
/** 'renewal': an unchanged desired state sent again (the agent's lease), not waited for. */
type PushOutcome = 'ok' | 'failed' | 'skipped' | 'renewal';

/** How long a tick waits for an agent's status before deciding without that host's GTID facts. */
const FACTS_WAIT_MS = 500;

export interface TickStats {
  readonly count: number;
  readonly lastDurationMs: number;
  readonly lastAt: number;
}

const never = (h: string): never => {
  throw new Error(`no desired state for '${h}'`);
};

const utcOffset = (ms: number): number => -new Date(ms).getTimezoneOffset();

/** Commands that only read the model: answered at once, never queued behind a tick or a recovery. */
const READ_ONLY_COMMANDS = new Set(['help', 'ping', 'show', 'checks', 'mode', 'history', 'failover_plan']);

export class MonitorDaemon {
  #config: Config;
  readonly #log: Logger;
  readonly #agents: AgentPort;
  readonly #checks: ChecksPort;
  readonly #net: NetworkPort;
  readonly #now: () => number;
  readonly #runKill: (bin: string, host: string, pingOk: boolean) => Promise<void>;

  #model: ClusterModel | undefined;
  #epoch = 0;
  #seq = 0;
  #gate = new WriterGate(0);
  /** Per host: the disk report of its agent's last status answer. */
  readonly #disks: Record<string, readonly DiskView[]> = {};
  readonly #diskReads = new Set<string>();
  /** Status reads and lease renewals per host: one at a time, never holding the tick (per-host-calls.ts). */
  readonly #statusCalls = new PerHostCalls<AgentStatusReport>();
  readonly #renewals = new PerHostCalls<PushOutcome>();
  /** The desired state last sent to each host (JSON), to tell a change from a renewal. */
  readonly #lastSent = new Map<string, string>();
  /** The writer whose lease the other agents relay (lease-relay.ts), null when none; for logging its changes. */
  #relay: string | null = null;
  /** Agent answers since the last tick, folded into the next snapshot. */
  #observations: Record<string, AgentObservation> = {};
  #lastPersisted: string | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #again = false;
  #stopped = false;
  readonly #autoTick: boolean;
  #unsubscribe: (() => void) | undefined;
  #tick: TickStats = { count: 0, lastDurationMs: 0, lastAt: 0 };
  readonly #executor: RecoveryExecutor;
  #history: RecoveryRecord[] = [];
  #recoveries = 0;
  /** What the recovery in progress does ('' when none), for `show`. */
  #progress = '';
  /** The facts of the last tick (for `failover_plan` and the API). */
  #facts: FactsByHost = {};
  /** Hosts with a repoint under way (background), and the jobs to wait for at stop. */
  readonly #repointing = new Set<string>();
  readonly #background = new Set<Promise<void>>();

  constructor(opts: MonitorDaemonOptions) {
    this.#config = opts.config;
    this.#log = opts.logger;
    this.#agents = opts.agents;
    this.#checks = opts.checks;
    this.#net = opts.network;
    this.#now = opts.now ?? Date.now;
    this.#runKill = opts.runKill ?? execKill;
    this.#autoTick = opts.autoTick ?? true;
    this.#executor = new RecoveryExecutor({
      agents: this.#agents,
      logger: this.#log,
      now: this.#now,
      sleep: opts.sleep ?? (async (ms, signal) => sleepFor(ms, undefined, { signal })),
      kill: async (host) => {
        const bin = this.#mon().killHostBin;
        if (bin === undefined) throw new Error('kill_host_bin is not configured');
        this.#log.error({ host }, logText.killing(host));
        await this.#runKill(bin, host, this.#checks.getStatuses(host)['ping']?.result === 'ok');
      },
    });
  }

  /** The last recoveries, oldest first (at most HISTORY_SIZE). */
  get history(): readonly RecoveryRecord[] {
    return this.#history;
  }

  get config(): Config {
    return this.#config;
  }

  get model(): ClusterModel {
    if (this.#model === undefined) throw new Error('monitor not started');
    return this.#model;
  }

  get epoch(): number {
    return this.#epoch;
  }

  get tickStats(): TickStats {
    return this.#tick;
  }

  get haveNet(): boolean {
    return this.#net.haveNet;
  }

  checkStatuses(host: string): Readonly<Record<string, CheckStatusView>> {
    return this.#checks.getStatuses(host);
  }

  checksMetrics(): ChecksMetrics {
    return this.#checks.metrics();
  }

  #mon(): NonNullable<Config['monitor']> {
    const m = this.#config.monitor;
    if (m === undefined) throw new Error('configuration has no monitor section');
    return m;
  }

  /** Startup (spec §8.2): network, checks, status file, agents, reconciliation, epoch; then the tick loop. */
  async start(): Promise<void> {
    const mon = this.#mon();
    this.#gate = new WriterGate(this.#now());
    await this.#net.waitUntilReachable();
    this.#net.start();
    await this.#checks.start();
    const statusText = await readOptional(mon.statusPath);
    const stored = statusText === undefined ? undefined : parseStatus(statusText, this.#config);
    for (const w of stored?.warnings ?? []) this.#log.warn(`${mon.statusPath}:${w.line}: ${w.message}`);
    const hosts = this.#config.hosts.map((h) => h.name);
    const reports = await Promise.all(
      hosts.map(async (h) =>
        this.#agents.status(h).then(
          (r) => r,
          (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
        ),
      ),
    );
    const views = startupViews(this.#config, reports, (h) => toHostChecks(this.#checks.getStatuses(h)));
    for (const [h, r] of views.reports) {
      if (r instanceof Error) {
        this.#log.warn(`agent on host '${h}' did not answer at startup: ${r.message}`);
        // Unknown: it may still hold the writer open until its lease runs out.
        if (views.writerHosts.has(h)) this.#gate.unknown(h);
      } else {
        this.#gate.answered(h, r.writer.holding, this.#now());
        this.#recordDisks(h, r.disks);
      }
    }
    const storedEpoch = await readEpoch(mon.statusPath);
    this.#epoch = nextEpoch(
      storedEpoch,
      reports.map((r) => (r instanceof Error ? undefined : r.stamp?.epoch)),
    );
    await writeFileAtomic(epochPath(mon.statusPath), `${this.#epoch}\n`);
    const now = this.#now();
    const result = reconcileStartup(
      { config: this.#config, checks: views.checks, stored, agents: views.agents, systems: views.systems },
      now,
    );
    this.#model = result.model;
    this.#logEvents(result.events);
    this.#log.info({ epoch: this.#epoch, conflict: result.conflict }, `startup: monitor epoch ${this.#epoch}`);
    if (this.model.mode !== 'PASSIVE') await this.#persist();
    // A writer held by its agent while no monitor spoke fences itself only after the peers heard this one
    // (agent/lease.ts): its lease counts from this first push, not from the process start.
    this.#gate.firstPush(this.#now());
    await this.#exclusive(async () => this.#push(result.push, this.#desired(), []));
    this.#unsubscribe = this.#checks.onChange(() => {
      this.wake();
    });
    this.#schedule(0);
  }

  /** Stops the tick loop and the checks; waits for a tick in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#unsubscribe?.();
    await Promise.all([...this.#background]);
    await this.#chain.catch(() => undefined);
    await this.#checks.stop();
    await this.#net.stop();
    this.#agents.close();
  }

  /** Takes a validated new configuration (SIGHUP); used from the next tick on. */
  reload(config: Config): void {
    this.#config = config;
    this.wake();
  }

  /** Runs a tick soon (check change, command). Ticks never overlap. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#ticking) this.#again = true;
    else this.#schedule(0);
  }

  /** Runs one tick now and waits for it (tests, commands). */
  async tickNow(): Promise<void> {
    await this.#exclusive(async () => this.#tickOnce());
  }

  /** Runs an mmm_control command against the live model. */
  async command(args: readonly string[]): Promise<CommandResponse> {
    const name = args.join(' ').trim().split(/\s+/)[0] ?? '';
    if (READ_ONLY_COMMANDS.has(name)) {
      if (name === 'failover_plan') this.#facts = await this.#gatherFacts();
      return runCommand(this.model, args, this.#commandContext(this.#now())).response;
    }
    const response = await this.#exclusive(async () => this.#command(args));
    this.wake();
    return response;
  }

  /**
   * The agent did not answer in time, maybe because its MySQL statements wait behind a stuck mysqld (a full
   * disk does that): ask it for the disk report alone, which needs no MySQL. In the background; at most one
   * request per host at a time.
   */
  #readDisks(host: string): void {
    const agents = this.#agents;
    if (agents.disks === undefined || this.#diskReads.has(host)) return;
    this.#diskReads.add(host);
    agents
      .disks(host)
      .then((a) => {
        this.#recordDisks(host, a.disks);
      })
      .catch(() => undefined)
      .finally(() => this.#diskReads.delete(host));
  }

  /** Keeps the host's disk report for `show`; logs when a filesystem becomes (almost) full or recovers. */
  #recordDisks(host: string, disks: readonly DiskView[] | undefined): void {
    if (disks === undefined) return;
    const before = new Map((this.#disks[host] ?? []).map((d) => [d.path, diskLevel(d)]));
    for (const d of disks) {
      const level = diskLevel(d);
      const was = before.get(d.path) ?? 'ok';
      if (level === was) continue;
      if (level === 'full') this.#log.error({ host, disk: d }, `Host '${host}': ${describeDisk(d)}`);
      else if (level === 'low') this.#log.warn({ host, disk: d }, `Host '${host}': ${describeDisk(d)}`);
      else this.#log.info({ host, disk: d }, `Host '${host}': the filesystem of ${d.path} has space again`);
    }
    this.#disks[host] = disks;
  }

  /** Per host: free space where its mysqld writes, from the agent's last report (metrics, show). */
  get disks(): Readonly<Record<string, readonly DiskView[]>> {
    return this.#disks;
  }

  #commandContext(now: number): Parameters<typeof runCommand>[2] {
    return {
      disks: this.#disks,
      config: this.#config,
      now,
      agentReachable: (h) => this.model.hosts[h]?.agentReachable ?? false,
      utcOffset,
      failover: {
        facts: this.#facts,
        open: this.#gate.maybeOpen().map((host) => ({ host, lastContactAt: this.#gate.lastContact(host) })),
        history: this.#history,
        inProgress: this.#progress,
      },
    };
  }

  /** The plan a failover would run now (GET /v1/failover-plan): fresh facts, nothing changed. */
  async failoverPlan(): Promise<unknown> {
    this.#facts = await this.#gatherFacts();
    return runCommand(this.model, ['failover_plan'], this.#commandContext(this.#now())).response.data;
  }

  async #command(args: readonly string[]): Promise<CommandResponse> {
    const now = this.#now();
    const out = runCommand(this.model, args, this.#commandContext(now));
    this.#model = out.model;
    this.#logEvents(out.changes.events);
    await this.#push(out.changes.push, this.#desired(), out.changes.killIfUnreached);
    const req = out.changes.switchover;
    if (req !== undefined) {
      const done = await this.#switchover(req);
      if (!done.ok) return done.response;
      if (this.model.mode !== 'PASSIVE') await this.#persist();
      return { ...out.response, data: done.data };
    }
    if (this.model.mode !== 'PASSIVE') await this.#persist();
    return out.response;
  }

  /**
   * move_role of the writer: the executor fences the old writer, waits until the target applied everything,
   * promotes it and repoints the others (or rolls back); then the move is committed to the model.
   */
  async #switchover(
    req: SwitchoverRequest,
  ): Promise<{ ok: true; data: unknown } | { ok: false; response: CommandResponse }> {
    const now = this.#now();
    const facts = await this.#gatherFacts();
    const from = req.from ?? this.#gate.maybeOpen().find((h) => h !== req.to);
    if (from === undefined) {
      // No writer open anywhere: nothing to hand over; commit and let the tick's recovery promote the target.
      return this.#commitSwitchover(req, now, undefined);
    }
    const plan = planRecovery({
      config: this.#config,
      model: this.model,
      facts,
      open: [{ host: from, lastContactAt: this.#gate.lastContact(from) }],
      target: req.to,
      kind: 'switchover',
      now,
    });
    const id = recoveryId('switchover', now, ++this.#recoveries);
    this.#log.info({ recovery: id, plan }, `${id}: switchover ${from} -> ${req.to} started`);
    const result = await this.#executor.switchover({
      config: this.#config,
      epoch: this.#epoch,
      id,
      plan,
      from,
      to: req.to,
      force: req.force,
      progress: (t) => {
        this.#progress = t;
      },
    });
    this.#record(result.record);
    if (!result.promoted) {
      return {
        ok: false,
        response: { ok: false, exitCode: 1, text: `ERROR: ${result.record.reason}`, data: { recovery: result.record } },
      };
    }
    this.#gate.answered(from, 'none', this.#now());
    this.#gate.promoted(req.to, []);
    this.#repointLater(
      req.to,
      plan.repoint.map((x) => x.host).filter((h) => h !== from),
      id,
    );
    return this.#commitSwitchover(req, this.#now(), result);
  }

  async #commitSwitchover(
    req: SwitchoverRequest,
    now: number,
    result: RecoveryResult | undefined,
  ): Promise<{ ok: true; data: unknown } | { ok: false; response: CommandResponse }> {
    const commit = applySwitchover(this.model, this.#config, req, now);
    if (!commit.ok) return { ok: false, response: { ok: false, exitCode: 1, text: `ERROR: ${commit.reason}` } };
    this.#model = commit.model;
    this.#logEvents(commit.events);
    await this.#push(commit.push, this.#desired(), []);
    return {
      ok: true,
      data:
        result === undefined
          ? { recovery: null }
          : { recovery: result.record, writePauseMs: result.record.writePauseMs },
    };
  }

  #record(rec: RecoveryRecord): void {
    this.#history = addToHistory(this.#history, rec);
    const level = rec.outcome === 'done' ? 'info' : 'fatal';
    this.#log[level]({ recovery: rec }, renderRecord(rec).trimEnd());
  }

  async #applyUpdate(u: ModelUpdate): Promise<void> {
    this.#model = u.model;
    this.#logEvents(u.events);
    await this.#push(u.push, this.#desired(), []);
  }

  /** Fresh facts from every agent, in parallel, each call bounded (a silent host is simply left out). */
  async #gatherFacts(): Promise<FactsByHost> {
    // A host whose agent does not answer within FACTS_WAIT_MS has no facts this tick (as if it had failed):
    // the tick decides on time, the read goes on and no second one starts until it ends.
    const entries = await Promise.all(
      this.#config.hosts.map(async (h): Promise<[string, GtidFacts | undefined]> => {
        // a host whose mysql check fails has no facts to give: its status is not waited for at all
        const wait = this.#checks.getStatuses(h.name)['mysql']?.result === 'failed' ? 0 : FACTS_WAIT_MS;
        const r = await this.#statusCalls.run(h.name, wait, () => this.#agents.status(h.name, STATUS_TIMEOUT_MS));
        return [h.name, r.kind === 'settled' ? factsOf(r.value, this.#now()) : undefined];
      }),
    );
    const out: Record<string, GtidFacts> = {};
    for (const [h, f] of entries) if (f !== undefined) out[h] = f;
    return out;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped || !this.#autoTick) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#loop(), delayMs);
  }

  async #loop(): Promise<void> {
    if (this.#stopped || this.#ticking) return;
    this.#ticking = true;
    try {
      await this.#exclusive(async () => this.#tickOnce());
    } catch (e) {
      this.#log.error(`tick failed: ${describeError(e)}`);
    } finally {
      this.#ticking = false;
    }
    const again = this.#again;
    this.#again = false;
    this.#schedule(again ? 0 : this.#mon().tick * 1000);
  }

  /** Serializes ticks and commands: the model has one writer at a time. */
  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn, fn);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #tickOnce(): Promise<void> {
    const started = this.#now();
    const checks: Record<string, HostChecks> = {};
    for (const h of this.#config.hosts) checks[h.name] = toHostChecks(this.#checks.getStatuses(h.name));
    const agents = this.#observations;
    this.#observations = {};
    const facts = await this.#gatherFacts();
    this.#facts = facts;
    const r = decide(
      { config: this.#config, model: this.model, checks, agents, haveNet: this.#net.haveNet, facts },
      started,
    );
    this.#model = r.model;
    this.#logEvents(r.events);
    if (r.persist) await this.#persist();
    const writer = modelWriter(this.model, this.#config);
    if (r.push.length > 0 && writer !== undefined && this.#gate.holding(writer) !== 'open') {
      await this.#recover(r, writer, facts);
    } else {
      await this.#push(r.push, r.desired, r.killIfUnreached);
      if (r.push.length > 0 && writer !== undefined) this.#rejoin(writer, facts);
    }
    const end = this.#now();
    this.#tick = { count: this.#tick.count + 1, lastDurationMs: end - started, lastAt: end };
  }

  #desired(): Record<string, DesiredAgentState> {
    return desiredStates(this.model, buildTopology(this.#config));
  }

  /** Pushes the steps in order (hosts of one step concurrently), then the writer gate, then kill_host_bin. */
  async #push(
    steps: readonly PushStep[],
    desired: Readonly<Record<string, DesiredAgentState>>,
    killIfUnreached: readonly string[],
  ): Promise<void> {
    const outcome = new Map<string, PushOutcome>();
    for (const step of steps) {
      const todo = step.hosts.filter((h) => desired[h] !== undefined);
      const results = await Promise.all(todo.map(async (h) => this.#send(h, desired[h] ?? never(h))));
      todo.forEach((h, i) => outcome.set(h, results[i] ?? 'failed'));
    }
    for (const h of killIfUnreached) {
      const o = outcome.get(h);
      if (o === 'failed' || o === 'skipped') await this.#kill(h);
    }
  }

  /** Sends again the desired state last sent to every host but `skip` (renewals, in the background). */
  #renewLastSent(skip: ReadonlySet<string>): void {
    for (const [host, key] of this.#lastSent) {
      if (skip.has(host)) continue;
      const { d } = JSON.parse(key) as SentKey;
      void this.#renewals.start(host, async () => this.#pushOne(host, d, null));
    }
  }

  /** The roles last sent to `host` (none when nothing was sent yet). */
  #lastRoles(host: string): readonly string[] {
    const sent = this.#lastSent.get(host);
    return sent === undefined ? [] : (JSON.parse(sent) as SentKey).d.roles;
  }

  /**
   * A changed desired state is pushed and waited for (the steps' order matters: a VIP leaves one host before
   * it is added to another). An unchanged one is the per-tick renewal of the agent's lease: sent in the
   * background, at most one at a time per host, so an agent stuck behind its hung mysqld never holds the tick.
   */
  async #send(host: string, d: DesiredAgentState): Promise<PushOutcome> {
    const relay = this.#relayTarget();
    const relayHere = relay === host ? null : relay;
    const key = JSON.stringify({ d, relayHere } satisfies SentKey);
    if (this.#lastSent.get(host) === key) {
      void this.#renewals.start(host, async () => this.#pushOne(host, d, this.#relayTarget()));
      return 'renewal';
    }
    this.#lastSent.set(host, key);
    return this.#pushOne(host, d, relay);
  }

  /**
   * The writer whose lease the other agents may relay right now (monitor/lease-relay.ts), or null. Logs when
   * the relay starts or ends.
   */
  #relayTarget(): string | null {
    const writer = modelWriter(this.model, this.#config);
    const h = writer === undefined ? undefined : this.model.hosts[writer];
    const answered = writer === undefined ? undefined : this.#gate.lastAnswer(writer);
    const target = leaseRelayTarget({
      writer,
      state: h?.state,
      holding: writer === undefined ? undefined : this.#gate.holding(writer),
      agentReachable: h?.agentReachable ?? false,
      lastAnswerAgoMs: answered === undefined ? undefined : this.#now() - answered,
      verdict: writer === undefined ? undefined : this.#checks.getObservation?.(writer).liveness?.value.verdict,
      leaseMs: this.#config.agent.writerLease * 1000,
      tickMs: this.#mon().tick * 1000,
    });
    if (target !== this.#relay) {
      if (target !== null) {
        this.#log.warn(
          { host: target },
          `lease relay: the monitor cannot reach the agent of writer ${target} but its replicas still replicate from it: the other agents vouch for its writer lease`,
        );
      } else if (this.#relay !== null) {
        this.#log.warn({ host: this.#relay }, `lease relay for ${this.#relay} ended`);
      }
      this.#relay = target;
    }
    return target;
  }

  async #pushOne(host: string, d: DesiredAgentState, relay: string | null): Promise<PushOutcome> {
    if (this.#checks.getStatuses(host)['ping']?.result === 'failed') {
      this.#observations[host] = { answered: undefined };
      return 'skipped';
    }
    const seq = ++this.#seq;
    const leaseRelay = relay === host ? null : relay;
    // The gate counts the relayed host possibly open until this request has ended (agent/lease.ts).
    const timeoutMs = (this.#mon().agentTimeout ?? DEFAULT_AGENT_TIMEOUT_S) * 1000;
    const relayId = leaseRelay === null ? undefined : this.#gate.relaySent(leaseRelay, this.#now() + timeoutMs + 1000);
    let result: DesiredStateResult;
    try {
      result = await this.#agents.push(toDesiredState(host, this.#epoch, seq, d, leaseRelay));
    } catch (e) {
      if (relayId !== undefined) this.#gate.relayEnded(relayId, this.#now());
      if (isMmmError(e) && e.code === 'MMM_STALE_EPOCH') {
        this.#log.fatal({ host }, `agent on host '${host}' refused epoch ${this.#epoch}: another monitor is newer`);
      } else {
        this.#log.debug({ host }, `push to '${host}' failed: ${describeError(e)}`);
      }
      this.#observations[host] = { answered: false };
      this.#readDisks(host);
      return 'failed';
    }
    if (relayId !== undefined) this.#gate.relayEnded(relayId, this.#now());
    this.#gate.answered(host, result.writer.holding, this.#now());
    for (const s of result.steps.filter((x) => !x.ok && x.skipped !== true)) {
      this.#log.error({ host, step: s }, `agent on host '${host}': ${s.action} failed: ${s.error?.message ?? ''}`);
    }
    const obs: { answered: true; uptime?: number; replication?: ReturnType<typeof replicationOf> & object } = {
      answered: true,
    };
    try {
      const report = await this.#agents.status(host);
      this.#recordDisks(host, report.disks);
      obs.uptime = report.osUptimeS;
      const rep = replicationOf(report, this.#now());
      if (rep !== undefined) obs.replication = rep;
    } catch (e) {
      this.#log.debug({ host }, `status of '${host}' not read: ${describeError(e)}`);
      this.#readDisks(host);
    }
    this.#observations[host] = obs;
    return 'ok';
  }

  /**
   * The model names a writer that is not open yet: run the recovery (fence the old writers, catch up,
   * promote, repoint). Everything but the old writers is pushed first (reader VIPs move meanwhile); the old
   * writers get the fence operation instead of a desired state this tick.
   */
  async #recover(r: TickResult, writer: string, facts: FactsByHost): Promise<void> {
    const now = this.#now();
    const open = this.#gate.maybeOpen().filter((h) => h !== writer);
    const old = new Set(open);
    const steps = r.push
      .map((s) => ({ ...s, hosts: s.hosts.filter((h) => !old.has(h)) }))
      .filter((s) => s.hosts.length > 0);
    const oldRoles = open.map((h) => this.#lastRoles(h));
    await this.#push(
      steps,
      holdBackOldWriterRoles(r.desired, oldRoles, this.#config.activeMasterRole),
      r.killIfUnreached.filter((h) => !old.has(h)),
    );
    const from = r.activeMasterChange?.from;
    const retry = this.#history.some((h) => h.outcome === 'done');
    const kind: RecoveryKind =
      open.length === 0
        ? retry
          ? 'failover'
          : 'initial'
        : from !== undefined && this.model.hosts[from]?.state === 'ONLINE'
          ? 'failback'
          : 'failover';
    const plan = planRecovery({
      config: this.#config,
      model: this.model,
      facts,
      open: open.map((host) => ({ host, lastContactAt: this.#gate.lastContact(host) })),
      target: writer,
      kind,
      now,
    });
    const id = recoveryId(kind, now, ++this.#recoveries);
    this.#log.info({ recovery: id, plan }, `${id}: ${kind} ${open.join(',') || '-'} -> ${writer} started`);
    // The ticks wait for the recovery; meanwhile every other agent keeps hearing from the monitor. That contact
    // is what tells a cut-off old writer the monitor is alive, so its lease fences it (agent/lease.ts: it holds
    // when no peer heard the monitor clearly later than it did, as when the monitor is down).
    const keepalive = setInterval(
      () => {
        this.#renewLastSent(old);
      },
      Math.max(100, this.#mon().tick * 1000),
    );
    let result: Awaited<ReturnType<RecoveryExecutor['run']>>;
    try {
      result = await this.#executor.run({
        config: this.#config,
        epoch: this.#epoch,
        id,
        plan,
        progress: (t) => {
          this.#progress = t;
        },
      });
    } finally {
      clearInterval(keepalive);
    }
    this.#record(result.record);
    const at = this.#now();
    for (const h of result.fencedHosts) this.#gate.answered(h, 'none', at);
    if (result.promoted) {
      const presumed = result.record.fencedBy
        .filter((f) => f.by === 'lease' || f.by === 'kill_host_bin')
        .map((f) => f.host);
      this.#gate.promoted(writer, presumed);
      this.#model = noteFailoverDone(consumePromoteOnce(this.model), writer, at);
      this.#repointLater(
        writer,
        plan.repoint.map((x) => x.host),
        id,
      );
    }
    if (result.block !== undefined) {
      await this.#applyUpdate(blockFailover(this.model, this.#config, result.block, at));
    }
    if (this.model.mode !== 'PASSIVE') await this.#persist();
  }

  /** Rejoin: hosts that do not replicate from the open writer are repointed; the master-master back link restored. */
  #rejoin(writer: string, facts: FactsByHost): void {
    if (this.#gate.holding(writer) !== 'open') return;
    const due = rejoinActions(this.#config, this.model, facts, writer);
    if (due.repoint.length > 0) this.#repointLater(writer, due.repoint, undefined);
    const back = due.backLink;
    if (back !== undefined && !this.#repointing.has(writer)) {
      this.#log.info(`rejoin: restoring the link of writer ${writer} back to its peer ${back}`);
      this.#repointLater(back, [writer], undefined);
    }
  }

  /**
   * Repoints `hosts` to `to` in the background (each bounded, in parallel; a host already being repointed is
   * skipped), so a replica stuck on a hung old source never holds up the ticks and their pushes (the new
   * writer's lease). Hosts that cannot follow are then taken out of the reader roles through the core; the
   * steps are added to the recovery record `recoveryId`.
   */
  #repointLater(to: string, hosts: readonly string[], recoveryId: string | undefined): void {
    const todo = hosts.filter((h) => !this.#repointing.has(h));
    if (todo.length === 0) return;
    for (const h of todo) this.#repointing.add(h);
    if (recoveryId === undefined) this.#log.info({ hosts: todo }, `rejoin: repointing ${todo.join(', ')} to ${to}`);
    const job: Promise<void> = this.#executor
      .repointAll(this.#config, this.#epoch, to, todo)
      .then(async ({ failed, steps }) => {
        if (recoveryId !== undefined) this.#amendRecord(recoveryId, steps, failed);
        const writer = modelWriter(this.model, this.#config);
        if (failed.length === 0 || this.#stopped || (writer !== to && !todo.includes(writer ?? ''))) return;
        await this.#exclusive(async () => {
          for (const n of failed) {
            if (n.host === writer) continue; // the writer's back link: logged, retried by the next rejoin
            await this.#applyUpdate(markCannotFollow(this.model, this.#config, n.host, to, n.reason, this.#now()));
          }
        });
      })
      .catch((e: unknown) => {
        this.#log.error(`repoint to ${to} failed: ${describeError(e)}`);
      })
      .finally(() => {
        for (const h of todo) this.#repointing.delete(h);
        this.#background.delete(job);
        this.wake();
      });
    this.#background.add(job);
  }

  /** Adds the background repoint steps to a recovery record in the history and logs them. */
  #amendRecord(
    id: string,
    steps: readonly RecoveryRecord['steps'][number][],
    failed: readonly { host: string; reason: string }[],
  ): void {
    const i = this.#history.findIndex((r) => r.id === id);
    const rec = this.#history[i];
    if (rec === undefined) return;
    const next = { ...rec, steps: [...rec.steps, ...steps], notFollowing: [...rec.notFollowing, ...failed] };
    this.#history = this.#history.map((r, j) => (j === i ? next : r));
    this.#log.info({ recovery: id, steps, failed }, `${id}: repoints done (${failed.length} cannot follow)`);
  }

  /** kill_host_bin (spec §8.3): never in PASSIVE (the core asks for none then), bounded by KILL_TIMEOUT_MS. */
  async #kill(host: string): Promise<void> {
    if (this.model.mode === 'PASSIVE') return;
    this.#log.error({ host }, logText.killing(host));
    const bin = this.#mon().killHostBin;
    if (bin === undefined) {
      this.#log.error({ host }, `kill_host_bin is not configured: '${host}' was not killed`);
      return;
    }
    const pingOk = this.#checks.getStatuses(host)['ping']?.result === 'ok';
    try {
      await this.#runKill(bin, host, pingOk);
    } catch (e) {
      this.#log.error({ host }, `kill_host_bin ${host} failed: ${describeError(e)}`);
    }
  }

  /** Writes the status file when its content changed (atomically; never in PASSIVE, as MMM). */
  async #persist(): Promise<void> {
    const text = serializeStatus(this.model, this.#config);
    if (text === this.#lastPersisted) return;
    try {
      await writeFileAtomic(this.#mon().statusPath, text);
      this.#lastPersisted = text;
    } catch (e) {
      this.#log.error(describeError(e));
    }
  }

  #logEvents(events: readonly LogEvent[]): void {
    for (const e of events) this.#log[e.level](e.host === undefined ? {} : { host: e.host }, e.message);
  }
}
