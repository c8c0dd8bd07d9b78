// A tiny simulated monitor shell around the pure core, for multi-step scenarios: it keeps the model, feeds
// check results and agent answers into `decide`, runs commands (committing switchovers at once, as a
// perfect executor would) and collects every log line. No I/O, no real time.
import type { CheckName, Config } from '../../common/config/types.js';
import {
  applySwitchover,
  buildTopology,
  decide,
  initialModel,
  reconcileStartup,
  renderShow,
  runCommand,
  type AgentObservation,
  type AgentView,
  type Answer,
  type SystemView,
  type ClusterModel,
  type CommandOutcome,
  type HostChecks,
  type StartupInput,
  type TickResult,
} from '../../monitor/core/index.js';
import { checks, T0 } from '../unit/monitor/core/fixtures.js';

export class SimCluster {
  readonly config: Config;
  model: ClusterModel;
  now = T0;
  readonly checks: Record<string, HostChecks> = {};
  /** Hosts whose agent does not answer. */
  readonly agentDown = new Set<string>();
  /** Boot time (epoch ms) per host; OS uptime = now - boot. */
  readonly boot: Record<string, number> = {};
  readonly log: string[] = [];
  haveNet = true;
  last: TickResult | undefined;

  constructor(config: Config) {
    this.config = config;
    this.model = initialModel(buildTopology(config), this.now);
    for (const h of config.hosts) {
      this.checks[h.name] = checks({}, this.now);
      this.boot[h.name] = this.now - 86_400_000;
    }
  }

  /** Startup reconciliation; without views: a first start (fresh agents, no VIPs, no status file). */
  start(views?: Partial<StartupInput>): void {
    const agents: Record<string, Answer<AgentView>> = {};
    const systems: Record<string, Answer<SystemView>> = {};
    for (const h of this.config.hosts) {
      agents[h.name] = { ok: true, view: { state: 'UNKNOWN', roles: [], master: '' } };
      systems[h.name] = { ok: true, view: { writable: false, roles: [], masterIp: '' } };
    }
    const r = reconcileStartup(
      { config: this.config, checks: this.checks, stored: undefined, agents, systems, ...views },
      this.now,
    );
    this.model = r.model;
    this.log.push(...r.events.map((e) => e.message));
  }

  /** Sets the debounced status of some checks of a host (last change stamped on a flip). */
  setChecks(host: string, flags: Partial<Record<CheckName, boolean>>): void {
    const cur = this.checks[host]!;
    const next = { ...cur };
    for (const [c, ok] of Object.entries(flags) as [CheckName, boolean][]) {
      const state = ok ? 'ok' : 'failed';
      if (cur[c].state !== state) next[c] = { state, message: ok ? 'OK' : `ERROR: ${c}`, lastChange: this.now };
    }
    this.checks[host] = next;
  }

  /** Lets time pass. */
  advance(ms: number): void {
    this.now += ms;
  }

  /** Reboots a host's OS: its uptime starts again from zero. */
  reboot(host: string): void {
    this.boot[host] = this.now;
  }

  /** What the agents answered to the previous tick's pushes. */
  #observations(): Record<string, AgentObservation> {
    const out: Record<string, AgentObservation> = {};
    for (const step of this.last?.push ?? []) {
      for (const h of step.hosts) {
        if (this.checks[h]!.ping.state !== 'ok') out[h] = { answered: undefined };
        else if (this.agentDown.has(h)) out[h] = { answered: false };
        else out[h] = { answered: true, uptime: (this.now - this.boot[h]!) / 1000 };
      }
    }
    return out;
  }

  /** One monitor tick. */
  tick(): TickResult {
    const r = decide(
      {
        config: this.config,
        model: this.model,
        checks: this.checks,
        agents: this.#observations(),
        haveNet: this.haveNet,
      },
      this.now,
    );
    this.model = r.model;
    this.last = r;
    this.log.push(...r.events.map((e) => e.message));
    return r;
  }

  /** `ticks` ticks, `stepMs` apart. */
  run(ticks: number, stepMs = 1000): void {
    for (let i = 0; i < ticks; i++) {
      this.advance(stepMs);
      this.tick();
    }
  }

  /** One mmm_control command; a requested switchover is committed at once. */
  command(...args: string[]): CommandOutcome {
    const out = runCommand(this.model, args, {
      config: this.config,
      now: this.now,
      agentReachable: (h) => this.model.hosts[h]?.agentReachable === true && !this.agentDown.has(h),
      utcOffset: () => 0,
    });
    this.model = out.model;
    this.log.push(...out.changes.events.map((e) => e.message));
    const sw = out.changes.switchover;
    if (sw !== undefined) {
      const c = applySwitchover(this.model, this.config, sw, this.now);
      if (!c.ok) throw new Error(c.reason);
      this.model = c.model;
      this.log.push(...c.events.map((e) => e.message));
    }
    return out;
  }

  /** `show` as mmm_control printed it. */
  show(): string {
    return `${renderShow(this.model, buildTopology(this.config))}\n`;
  }

  /** State of a host. */
  state(host: string): string {
    return this.model.hosts[host]!.state;
  }

  /** Owner of a role IP. */
  owner(ip: string): string | undefined {
    return this.model.roles.find((r) => r.ip === ip)?.owner;
  }
}
