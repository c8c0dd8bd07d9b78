// One monitor tick as a pure function (spec §6.3 steps 1, 2, 4, 5): fold in check results and agent answers,
// evaluate host states (§2.3) and WAIT mode (§5), distribute roles (§4.2), check the safety invariants, and
// say what every agent should hold and in which order to tell them. The shell runs the I/O.
import type { Config } from '../../common/config/types.js';
import { applyAgentObservations, type AgentObservation } from './agents.js';
import { distributeRoles } from './distribution.js';
import { Draft } from './draft.js';
import { checkInvariants } from './invariants.js';
import { desiredStates } from './model.js';
import { checkWaitMode } from './modes.js';
import { buildTopology, type Topology } from './topology.js';
import { evaluateHostStates } from './transitions.js';
import type { FactsByHost } from './failover/facts.js';
import { applyHoldOuts, noteAssigned, noteOrphan, pickWriter } from './failover/tick.js';
import {
  DEFAULT_OPTIONS,
  type ClusterModel,
  type CoreOptions,
  type DesiredAgentState,
  type HostChecks,
  type LogEvent,
  type ModeChange,
  type PushStep,
  type RoleMove,
  type StateChange,
} from './types.js';

/** Everything a tick decides on. */
export interface TickSnapshot {
  readonly config: Config;
  /** The model after the previous tick (or startup reconciliation) and any commands since. */
  readonly model: ClusterModel;
  /** Debounced check statuses per host; a host left out keeps the statuses it had. */
  readonly checks: Readonly<Record<string, HostChecks>>;
  /** Outcome of the pushes since the last tick, per host. */
  readonly agents: Readonly<Record<string, AgentObservation>>;
  /** The `ping_ips` self-check: false means the monitor's own network is down (spec §3.6). */
  readonly haveNet: boolean;
  readonly options?: CoreOptions;
  /**
   * Fresh GTID/replication facts per host (issue 6). When given: hosts with errant transactions are held out,
   * the orphaned writer role goes to the best failover candidate (or stays orphaned with the reason), blocks
   * and anti-flap hold it. Without them the distribution is MMM's.
   */
  readonly facts?: FactsByHost;
}

/** The writer moved between hosts during this tick (a failover or a failback for the executor to sequence). */
export interface ActiveMasterChange {
  readonly from: string | undefined;
  readonly to: string | undefined;
}

export interface TickResult {
  readonly model: ClusterModel;
  /** Desired state per host; empty when nothing may be pushed (PASSIVE, network down, invariant broken). */
  readonly desired: Readonly<Record<string, DesiredAgentState>>;
  /** The order of the pushes: fenced hosts, then the old writer and the slaves on a writer move, then the rest. */
  readonly push: readonly PushStep[];
  /** Hosts that lost ONLINE (or their roles) this tick: run kill_host_bin if their push fails. */
  readonly killIfUnreached: readonly string[];
  readonly activeMasterChange: ActiveMasterChange | undefined;
  readonly stateChanges: readonly StateChange[];
  readonly roleMoves: readonly RoleMove[];
  readonly modeChange: ModeChange | undefined;
  readonly events: readonly LogEvent[];
  /** Broken safety invariants; when non-empty nothing is pushed. */
  readonly violations: readonly string[];
  /** Write the status file (never in PASSIVE mode, as MMM). */
  readonly persist: boolean;
}

/** Runs one tick at epoch ms `now`. */
export function decide(snapshot: TickSnapshot, now: number): TickResult {
  const topo = buildTopology(snapshot.config);
  const d = new Draft(topo, snapshot.model, now);
  for (const name of topo.hostNames) {
    const checks = snapshot.checks[name];
    if (checks !== undefined) d.host(name).checks = checks;
  }
  applyAgentObservations(d, snapshot.agents);
  const startMaster = d.activeMaster();
  const facts = snapshot.facts;
  if (facts !== undefined && snapshot.haveNet) applyHoldOuts(d, facts, startMaster);
  const fence: string[] = [];
  if (snapshot.haveNet) {
    fence.push(...evaluateHostStates(d));
    fence.push(...checkWaitMode(d));
  }
  if (facts !== undefined) noteOrphan(d, startMaster);
  distributeRoles(
    d,
    snapshot.options ?? DEFAULT_OPTIONS,
    facts === undefined ? undefined : (x) => pickWriter(x, facts),
  );
  if (facts !== undefined) noteAssigned(d);
  const endMaster = d.activeMaster();
  const model = d.toModel();
  const violations = checkInvariants(model, topo);
  for (const v of violations) d.log('fatal', `Invariant violated, nothing is pushed to agents: ${v}`);
  const change = startMaster === endMaster ? undefined : { from: startMaster, to: endMaster };
  const mayPush = snapshot.haveNet && model.mode !== 'PASSIVE' && violations.length === 0;
  return {
    model,
    desired: mayPush ? desiredStates(model, topo) : {},
    push: mayPush ? pushOrder(topo, fence, change) : [],
    killIfUnreached: mayPush ? fence : [],
    activeMasterChange: change,
    stateChanges: d.stateChanges,
    roleMoves: d.roleMoves,
    modeChange: d.modeChange(),
    events: d.events,
    violations,
    persist: model.mode !== 'PASSIVE',
  };
}

/**
 * MMM's send order within a tick: hosts that just failed first (their VIPs go), then on a writer move the old
 * writer (it drops the writer role) and the `mode slave` hosts (they repoint), then everyone else.
 */
export function pushOrder(
  topo: Topology,
  fence: readonly string[],
  change: ActiveMasterChange | undefined,
): PushStep[] {
  const done = new Set<string>();
  const steps: PushStep[] = [];
  const add = (hosts: readonly string[]): void => {
    const fresh = hosts.filter((h) => !done.has(h));
    for (const h of fresh) done.add(h);
    if (fresh.length > 0) steps.push({ hosts: fresh, clearBadRoles: false });
  };
  add(fence);
  if (change !== undefined) {
    add(change.from === undefined ? [] : [change.from]);
    if (change.to !== undefined) add(topo.config.hosts.filter((h) => h.mode === 'slave').map((h) => h.name));
  }
  add(topo.hostNames);
  return steps;
}
