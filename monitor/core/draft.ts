// A mutable working copy of the ClusterModel used inside one pure decision (a tick, a command, startup). It
// records every state change, role move, mode change and log line as it goes, applies MMM's state-setter
// side effects (last change time, online_since, flap detection, spec §2.5) in one place, and turns back into
// an immutable model at the end. Nothing here touches the outside world.
import { logText } from './messages.js';
import { activeMasterOf, roleId, weightedCount } from './role-slots.js';
import type { Topology } from './topology.js';
import {
  NO_FAILOVER,
  type ClusterModel,
  type FailoverState,
  type HostModel,
  type HostState,
  type LogEvent,
  type LogLevel,
  type Mode,
  type ModeChange,
  type RoleMove,
  type RoleMoveCause,
  type RoleSlot,
  type StateChange,
  type TransitionRule,
} from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a state change is about, for the record and the log. */
export interface ChangeNote {
  readonly rule: TransitionRule;
  readonly reason: string;
  /** MMM's FATAL log text; '' where MMM logged nothing (startup). */
  readonly log: string;
}

export class Draft {
  mode: Mode;
  passiveCause: string;
  readonly hosts = new Map<string, Mutable<HostModel>>();
  readonly slots: Mutable<RoleSlot>[];
  readonly events: LogEvent[] = [];
  readonly stateChanges: StateChange[] = [];
  readonly roleMoves: RoleMove[] = [];
  readonly topo: Topology;
  /** Epoch ms every change made through this draft is stamped with. */
  readonly now: number;
  #modeChange: ModeChange | undefined;
  /** Failover bookkeeping; written back only when the model had it or it changed. */
  failover: FailoverState;
  readonly #hadFailover: boolean;

  /** Copies `model` into a working copy. */
  constructor(topo: Topology, model: ClusterModel, now: number) {
    this.topo = topo;
    this.now = now;
    this.mode = model.mode;
    this.passiveCause = model.passiveCause;
    for (const name of topo.hostNames) {
      const h = model.hosts[name];
      if (h !== undefined) this.hosts.set(name, { ...h });
    }
    this.slots = model.roles.map((s) => ({ ...s }));
    this.failover = model.failover ?? NO_FAILOVER;
    this.#hadFailover = model.failover !== undefined;
  }

  /** The host's working record; the name must be a configured host. */
  host(name: string): Mutable<HostModel> {
    const h = this.hosts.get(name);
    if (h === undefined) throw new Error(`monitor core: no model for host '${name}'`);
    return h;
  }

  /** The host's state, or '' for no host (MMM's peer_state of a host without a peer). */
  stateOf(name: string | undefined): HostState | '' {
    return name === undefined ? '' : (this.hosts.get(name)?.state ?? '');
  }

  /** MMM's is_manual: MANUAL and WAIT keep roles on failed hosts. */
  isManual(): boolean {
    return this.mode === 'MANUAL' || this.mode === 'WAIT';
  }

  /** Records a log line. */
  log(level: LogLevel, message: string, host?: string): void {
    this.events.push(host === undefined ? { level, message } : { level, message, host });
  }

  /** Switches the mode, remembering the first `from` and the last `to` of this decision. */
  setMode(to: Mode): void {
    if (to === this.mode) return;
    this.#modeChange = { from: this.#modeChange?.from ?? this.mode, to };
    this.mode = to;
  }

  /**
   * MMM's state setter: on a real change it logs the FATAL text, stamps last_state_change (and online_since on
   * entering ONLINE) and counts ONLINE→failure transitions for flap detection.
   */
  setState(name: string, to: HostState, note: ChangeNote): void {
    const h = this.host(name);
    const from = h.state;
    if (from === to) return;
    if (note.log !== '') this.log('fatal', note.log, name);
    this.stateChanges.push({ host: name, from, to, ...note });
    h.state = to;
    h.lastStateChange = this.now;
    if (to === 'ONLINE') h.onlineSince = this.now;
    if (from === 'ONLINE' && to !== 'ADMIN_OFFLINE') this.#countFlap(h);
  }

  #countFlap(h: Mutable<HostModel>): void {
    const { flapCount, flapDurationMs } = this.topo.settings;
    if (flapCount === 0) return;
    const start = h.flap.windowStart;
    if (start === undefined || start < this.now - flapDurationMs) {
      h.flap = { ...h.flap, windowStart: this.now, count: 1 };
      return;
    }
    const count = h.flap.count + 1;
    if (count > flapCount) {
      h.flap = { flapping: true, windowStart: undefined, count };
      this.log('fatal', logText.flapping(h.name), h.name);
    } else {
      h.flap = { ...h.flap, count };
    }
  }

  /** Gives `slot` to `to` (undefined: orphan it) and records the move. */
  assign(slot: Mutable<RoleSlot>, to: string | undefined, cause: RoleMoveCause): void {
    if (slot.owner === to) return;
    this.roleMoves.push({ role: slot.role, ip: slot.ip, from: slot.owner, to, cause });
    slot.owner = to;
  }

  /** MMM's clear_roles: orphans every role IP of the host, logging each (INFO). */
  clearRoles(host: string, cause: RoleMoveCause): void {
    this.log('info', logText.removingAll(host), host);
    for (const slot of this.slots) {
      if (slot.owner !== host) continue;
      this.log('info', logText.removed(roleId(slot), host), host);
      this.assign(slot, undefined, cause);
    }
  }

  /** True when the host holds any role IP. */
  hasRoles(host: string): boolean {
    return this.slots.some((s) => s.owner === host);
  }

  /** Weighted role count of the host (writer 0.5). */
  count(host: string): number {
    return weightedCount(this.slots, host, this.topo.config.activeMasterRole);
  }

  /** Current holder of the active-master role. */
  activeMaster(): string | undefined {
    return activeMasterOf(this.slots, this.topo);
  }

  /** True when the host is ONLINE and its agent is not flagged unreachable (eligible for new roles). */
  eligible(host: string): boolean {
    const h = this.hosts.get(host);
    return h?.state === 'ONLINE' && h.agentReachable;
  }

  /** The mode change made in this decision, if any (undefined when the mode ended where it started). */
  modeChange(): ModeChange | undefined {
    const c = this.#modeChange;
    return c === undefined || c.from === c.to ? undefined : c;
  }

  /** Freezes the working copy into a new model. */
  toModel(): ClusterModel {
    const hosts: Record<string, HostModel> = {};
    for (const [name, h] of this.hosts) hosts[name] = { ...h };
    return {
      mode: this.mode,
      passiveCause: this.passiveCause,
      hosts,
      roles: this.slots.map((s) => ({ ...s })),
      ...(this.#hadFailover || this.failover !== NO_FAILOVER ? { failover: this.failover } : {}),
    };
  }
}
