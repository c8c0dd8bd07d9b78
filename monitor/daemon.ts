// The mmm_mond shell around the pure core: startup (network, checks, status file, agents, reconciliation,
// epoch), the single-flight tick (snapshot → decide → push in order → persist → log), commands against the
// live model, kill_host_bin, and the writer gate. Every decision is the core's; this file only does the I/O.
// Writer promotion goes through WriterGate (writer-gate.ts): fence old (or lease over) → promote new.
import type { DesiredStateResult } from '../common/api/agent.js';
import type { CommandResponse } from '../common/api/monitor.js';
import type { Config } from '../common/config/types.js';
import { describeError, isMmmError } from '../common/errors/index.js';
import type { Logger } from '../common/log/index.js';
import type { CheckStatusView, ChecksMetrics } from './checks/index.js';
import { replicationOf, toDesiredState, type AgentPort } from './agent-link.js';
import {
  applySwitchover,
  buildTopology,
  decide,
  desiredStates,
  logText,
  parseStatus,
  reconcileStartup,
  runCommand,
  serializeStatus,
  type AgentObservation,
  type ClusterModel,
  type DesiredAgentState,
  type HostChecks,
  type LogEvent,
  type PushStep,
} from './core/index.js';
import { execKill, startupViews, toHostChecks } from './shell-io.js';
import { WriterGate } from './writer-gate.js';
import { nextEpoch, readEpoch, readOptional, epochPath, writeFileAtomic } from './status-store.js';

/** What the daemon needs from the checks layer (CheckScheduler implements it). */
export interface ChecksPort {
  start(): Promise<void>;
  stop(): Promise<void>;
  getStatuses(host: string): Readonly<Record<string, CheckStatusView>>;
  onChange(listener: () => void): () => void;
  metrics(): ChecksMetrics;
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
}

/** How one host's push went: told, could not be told, or not attempted (its ping check is failed). */
type PushOutcome = 'ok' | 'failed' | 'skipped';

export interface TickStats {
  readonly count: number;
  readonly lastDurationMs: number;
  readonly lastAt: number;
}

const never = (h: string): never => {
  throw new Error(`no desired state for '${h}'`);
};

const utcOffset = (ms: number): number => -new Date(ms).getTimezoneOffset();

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
  /** Agent answers since the last tick, folded into the next snapshot. */
  #observations: Record<string, AgentObservation> = {};
  #lastPersisted: string | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #again = false;
  #stopped = false;
  #unsubscribe: (() => void) | undefined;
  #tick: TickStats = { count: 0, lastDurationMs: 0, lastAt: 0 };

  constructor(opts: MonitorDaemonOptions) {
    this.#config = opts.config;
    this.#log = opts.logger;
    this.#agents = opts.agents;
    this.#checks = opts.checks;
    this.#net = opts.network;
    this.#now = opts.now ?? Date.now;
    this.#runKill = opts.runKill ?? execKill;
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
    const response = await this.#exclusive(async () => this.#command(args));
    this.wake();
    return response;
  }

  async #command(args: readonly string[]): Promise<CommandResponse> {
    const now = this.#now();
    const out = runCommand(this.model, args, {
      config: this.#config,
      now,
      agentReachable: (h) => this.model.hosts[h]?.agentReachable ?? false,
      utcOffset,
    });
    this.#model = out.model;
    this.#logEvents(out.changes.events);
    await this.#push(out.changes.push, this.#desired(), out.changes.killIfUnreached);
    const req = out.changes.switchover;
    if (req !== undefined) {
      const commit = applySwitchover(this.model, this.#config, req, now);
      if (!commit.ok) return { ok: false, exitCode: 1, text: `ERROR: ${commit.reason}` };
      this.#model = commit.model;
      this.#logEvents(commit.events);
      await this.#push(commit.push, this.#desired(), []);
    }
    if (this.model.mode !== 'PASSIVE') await this.#persist();
    return out.response;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
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
    const r = decide({ config: this.#config, model: this.model, checks, agents, haveNet: this.#net.haveNet }, started);
    this.#model = r.model;
    this.#logEvents(r.events);
    if (r.persist) await this.#persist();
    await this.#push(r.push, r.desired, r.killIfUnreached);
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
      const results = await Promise.all(todo.map(async (h) => this.#pushOne(h, desired[h] ?? never(h))));
      todo.forEach((h, i) => outcome.set(h, results[i] ?? 'failed'));
    }
    if (steps.length > 0) await this.#promoteIfSafe(desired);
    for (const h of killIfUnreached) {
      const o = outcome.get(h);
      if (o === 'failed' || o === 'skipped') await this.#kill(h);
    }
  }

  async #pushOne(host: string, d: DesiredAgentState): Promise<PushOutcome> {
    if (this.#checks.getStatuses(host)['ping']?.result === 'failed') {
      this.#observations[host] = { answered: undefined };
      return 'skipped';
    }
    const seq = ++this.#seq;
    let result: DesiredStateResult;
    try {
      result = await this.#agents.push(toDesiredState(host, this.#epoch, seq, d));
    } catch (e) {
      if (isMmmError(e) && e.code === 'MMM_STALE_EPOCH') {
        this.#log.fatal({ host }, `agent on host '${host}' refused epoch ${this.#epoch}: another monitor is newer`);
      } else {
        this.#log.debug({ host }, `push to '${host}' failed: ${describeError(e)}`);
      }
      this.#observations[host] = { answered: false };
      return 'failed';
    }
    this.#gate.answered(host, result.writer.holding, this.#now());
    for (const s of result.steps.filter((x) => !x.ok && x.skipped !== true)) {
      this.#log.error({ host, step: s }, `agent on host '${host}': ${s.action} failed: ${s.error?.message ?? ''}`);
    }
    const obs: { answered: true; uptime?: number; replication?: ReturnType<typeof replicationOf> & object } = {
      answered: true,
    };
    try {
      const report = await this.#agents.status(host);
      obs.uptime = report.osUptimeS;
      const rep = replicationOf(report, this.#now());
      if (rep !== undefined) obs.replication = rep;
    } catch (e) {
      this.#log.debug({ host }, `status of '${host}' not read: ${describeError(e)}`);
    }
    this.#observations[host] = obs;
    return 'ok';
  }

  /** Promotes the desired writer once no other host can still be an open writer (writer-gate.ts). */
  async #promoteIfSafe(desired: Readonly<Record<string, DesiredAgentState>>): Promise<void> {
    const role = `${this.#config.activeMasterRole}(`;
    const target = Object.entries(desired).find(
      ([h, d]) => d.activeMaster === h && d.roles.some((r) => r.startsWith(role)),
    )?.[0];
    if (target === undefined || this.#gate.holding(target) !== 'pending-promote') return;
    const gate = this.#gate.check(
      target,
      this.#now(),
      this.#config.agent.writerLease,
      this.#mon().failover.leaseMargin,
    );
    if (!gate.promote) {
      this.#log.warn(
        { host: target, old: gate.blockedBy },
        `not promoting '${target}' yet: '${gate.blockedBy}' may still be the writer (not fenced, lease not over)`,
      );
      return;
    }
    for (const old of gate.presumedFenced) {
      this.#log.warn({ old }, `'${old}' out of contact beyond writer_lease + lease_margin: presumed fenced`);
    }
    try {
      await this.#agents.promote(target, this.#epoch);
      this.#gate.promoted(target, gate.presumedFenced);
      this.#log.info({ host: target }, `promoted '${target}' to writer`);
    } catch (e) {
      this.#log.error({ host: target }, `promote of '${target}' failed: ${describeError(e)}`);
    }
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
