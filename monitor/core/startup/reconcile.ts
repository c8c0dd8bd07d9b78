// Startup reconciliation (spec §8.2 steps 7–11): pick each host's state from the stored and agent views, vote
// the owner of every role IP over the stored, system and agent views with MMM's points, go PASSIVE when the
// writer IP is really configured on more than one host (careful_startup), and otherwise clean up and push.
// When the stored view matches what agents and systems report, every role stays where it is: no VIP moves
// because the monitor restarted.
//
// Deterministic where MMM used hash order: the active-master role is voted first (its winner's state change
// then counts for the other roles), other roles in config order, ties to the earliest host in config order.
import { Draft } from '../draft.js';
import { logText, cause } from '../messages.js';
import { initialModel } from '../model.js';
import { cleanupOrder } from '../modes.js';
import { roleId } from '../role-slots.js';
import { buildTopology, isMasterHost, type Topology } from '../topology.js';
import type { ClusterModel, HostState, LogEvent, Mode, PushStep, RoleMove, StateChange } from '../types.js';
import { renderStartupTable } from './table.js';
import { collectViews, type CollectedViews, type RoleSeen, type StartupInput } from './views.js';

export interface StartupResult {
  readonly model: ClusterModel;
  /** The writer IP was found configured on more than one host. */
  readonly conflict: boolean;
  /** MMM's startup status table (also logged at INFO). */
  readonly table: string;
  /** "Cleanup and send status": SET_STATUS + CLEAR_BAD_ROLES in MMM's order; empty when PASSIVE. */
  readonly push: readonly PushStep[];
  readonly stateChanges: readonly StateChange[];
  readonly roleMoves: readonly RoleMove[];
  readonly events: readonly LogEvent[];
}

/** Step 8: the first state either view names, in this priority; AWAITING_RECOVERY otherwise. */
const STATE_PRIORITY: readonly HostState[] = [
  'ADMIN_OFFLINE',
  'HARD_OFFLINE',
  'REPLICATION_FAIL',
  'REPLICATION_DELAY',
  'ONLINE',
];

function startState(stored: string, agent: string | undefined): HostState {
  return STATE_PRIORITY.find((s) => s === stored || s === agent) ?? 'AWAITING_RECOVERY';
}

/** MMM's points for one host in the vote for one role IP; 0 when the host's state rules it out. */
function points(topo: Topology, views: CollectedViews, host: string, seen: RoleSeen, vote: VoteContext): number {
  const { writer, manual } = vote;
  const state = vote.states.get(host);
  const excluded =
    state === 'ADMIN_OFFLINE' ||
    (writer ? state === 'HARD_OFFLINE' && !manual : !manual && state !== 'ONLINE' && state !== 'AWAITING_RECOVERY');
  if (excluded) return 0;
  if (!writer) return (seen.system ? 4 : 0) + (seen.stored ? 2 : 0) + (seen.agent ? 1 : 0);
  return (seen.system ? 2 : 0) + (seen.stored ? 1 : 0) + (seen.agent ? 1 : 0) + writerBonus(topo, views, host);
}

/** The winner's state after the vote: ONLINE where MMM lifted it. */
function lifted(state: HostState | undefined, vote: VoteContext): boolean {
  if (!vote.writer) return state === 'AWAITING_RECOVERY';
  return !vote.manual || state === 'REPLICATION_FAIL' || state === 'REPLICATION_DELAY';
}

interface VoteContext {
  readonly states: Map<string, HostState>;
  readonly manual: boolean;
  readonly writer: boolean;
}

/**
 * Votes (step 9), the active-master role first: returns role id → winning host (strictly most points, ties to
 * the earliest host), and whether the writer IP is really configured on more than one host.
 */
function vote(
  topo: Topology,
  views: CollectedViews,
  states: Map<string, HostState>,
  manual: boolean,
  log: (level: LogEvent['level'], message: string) => void,
): { owners: Map<string, string>; conflict: boolean } {
  const owners = new Map<string, string>();
  let conflict = false;
  const amr = topo.config.activeMasterRole;
  const entries = [...views.roles];
  const ordered = [...entries.filter(([, e]) => e.role === amr), ...entries.filter(([, e]) => e.role !== amr)];
  for (const [id, entry] of ordered) {
    const ctx: VoteContext = { states, manual, writer: entry.role === amr };
    let best: string | undefined;
    let max = 0;
    for (const [host, seen] of entry.hosts) {
      const p = points(topo, views, host, seen, ctx);
      if (p > max) {
        best = host;
        max = p;
      }
    }
    const configured = [...entry.hosts.values()].filter((s) => s.system).length;
    if (configured > 1) {
      log('warn', logText.configuredOnMany(id, configured));
      if (ctx.writer) conflict = true;
    }
    if (best === undefined) continue;
    owners.set(id, best);
    if (lifted(states.get(best), ctx)) states.set(best, 'ONLINE');
  }
  return { owners, conflict };
}

/** Writer-only points: +4 if writable, +1 per non-master host replicating from this host. */
function writerBonus(topo: Topology, views: CollectedViews, host: string): number {
  let points = views.hosts.get(host)?.system?.writable === true ? 4 : 0;
  for (const [other, v] of views.hosts) {
    if (!isMasterHost(topo, other) && v.system?.master === host) points++;
  }
  return points;
}

/** Runs steps 7–11 at epoch ms `now`. */
export function reconcileStartup(input: StartupInput, now: number): StartupResult {
  const topo = buildTopology(input.config);
  const d = new Draft(topo, initialModel(topo, now), now);
  const views = collectViews(topo, input);
  for (const w of views.warnings) d.log('warn', w);
  noteAgents(d, input);
  const states = new Map<string, HostState>();
  for (const [host, v] of views.hosts) states.set(host, startState(v.storedState, v.agent?.state));
  const manual = d.mode === 'MANUAL' || d.mode === 'WAIT';
  const { owners, conflict } = vote(topo, views, states, manual, (level, message) => {
    d.log(level, message);
  });
  const table = renderStartupTable(topo, views);
  d.log('info', table);
  for (const [host, state] of states) {
    d.setState(host, state, { rule: 'startup', reason: 'startup reconciliation', log: '' });
  }
  for (const slot of d.slots) {
    const owner = owners.get(roleId(slot));
    if (owner !== undefined) d.assign(slot, owner, 'startup');
  }
  if (conflict && topo.settings.carefulStartup) {
    d.setMode('PASSIVE');
    d.passiveCause = cause.conflict(table);
  }
  const mode: Mode = d.mode;
  d.log('info', logText.startedIn(mode));
  const model = d.toModel();
  return {
    model,
    conflict,
    table,
    push: mode === 'PASSIVE' ? [] : cleanupOrder(model, topo),
    stateChanges: d.stateChanges,
    roleMoves: d.roleMoves,
    events: d.events,
  };
}

/** Step 7 side effects: initial checks, uptimes, and the agent-down flag for hosts whose agent did not answer. */
function noteAgents(d: Draft, input: StartupInput): void {
  for (const name of d.topo.hostNames) {
    const h = d.host(name);
    const checks = input.checks[name];
    if (checks !== undefined) h.checks = checks;
    const storedState = input.stored?.hosts.get(name)?.state ?? 'UNKNOWN';
    const agent = input.agents[name];
    if (agent?.ok === true && agent.view.uptime !== undefined) {
      h.uptime = agent.view.uptime;
      if (storedState === 'ONLINE') h.lastOnlineUptime = agent.view.uptime;
    }
    if (storedState === 'ADMIN_OFFLINE') continue;
    const failures: [string, string][] = [];
    if (agent?.ok !== true) failures.push(['agent', agent?.answer ?? '']);
    const system = input.systems[name];
    if (system?.ok !== true) failures.push(['system', system?.answer ?? '']);
    for (const [which, answer] of failures) {
      if (h.agentReachable && h.checks.ping.state === 'ok' && h.checks.mysql.state === 'ok') {
        h.agentReachable = false;
        d.log('error', logText.agentDown(name), name);
      }
      d.log(
        'error',
        which === 'agent' ? logText.agentStatusUnknown(name, answer) : logText.systemStatusUnknown(name, answer),
        name,
      );
    }
  }
}
