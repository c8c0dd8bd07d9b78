// Building the initial model and reading it: MMM's state before startup reconciliation (every host UNKNOWN,
// every role orphaned, the configured mode) and small queries the shell and renderers share.
import { CHECK_NAMES, type CheckName } from '../../common/config/types.js';
import { cause } from './messages.js';
import { emptyRoleTable, rolesOf, sortedRoleIds, activeMasterOf } from './role-slots.js';
import type { Topology } from './topology.js';
import type { CheckStatus, ClusterModel, DesiredAgentState, HostChecks, HostModel } from './types.js';

/** Check statuses before the first result: 'unknown', stamped `now`. */
export function unknownChecks(now: number): HostChecks {
  const entries = CHECK_NAMES.map((c): [CheckName, CheckStatus] => [
    c,
    { state: 'unknown', message: '', lastChange: now },
  ]);
  return Object.fromEntries(entries) as Record<CheckName, CheckStatus>;
}

/** A host as MMM created it: UNKNOWN, no roles, agent assumed reachable, nothing observed yet. */
export function initialHost(name: string, now: number): HostModel {
  return {
    name,
    state: 'UNKNOWN',
    lastStateChange: now,
    onlineSince: 0,
    flap: { flapping: false, windowStart: undefined, count: 0 },
    agentReachable: true,
    uptime: 0,
    lastOnlineUptime: 0,
    replication: undefined,
    checks: unknownChecks(now),
  };
}

/** The model at monitor start, before reconciliation (spec §8.2 step 3). */
export function initialModel(topo: Topology, now: number): ClusterModel {
  const mode = topo.settings.mode;
  const hosts: Record<string, HostModel> = {};
  for (const name of topo.hostNames) hosts[name] = initialHost(name, now);
  return {
    mode,
    passiveCause: mode === 'PASSIVE' ? cause.configured : '',
    hosts,
    roles: emptyRoleTable(topo),
  };
}

/** The host's model; throws for names outside the model (callers validate names against the config). */
export function hostModel(model: ClusterModel, name: string): HostModel {
  const h = model.hosts[name];
  if (h === undefined) throw new Error(`monitor core: no model for host '${name}'`);
  return h;
}

/** Max last-change time over the host's four checks (MMM's ChecksStatus::last_change($host)). */
export function lastCheckChange(h: HostModel): number {
  return Math.max(...CHECK_NAMES.map((c) => h.checks[c].lastChange));
}

/** What every agent should hold right now: its state, its sorted roles, the active master ('' if none). */
export function desiredStates(model: ClusterModel, topo: Topology): Record<string, DesiredAgentState> {
  const activeMaster = activeMasterOf(model.roles, topo) ?? '';
  const out: Record<string, DesiredAgentState> = {};
  for (const name of topo.hostNames) {
    out[name] = { state: hostModel(model, name).state, roles: sortedRoleIds(rolesOf(model.roles, name)), activeMaster };
  }
  return out;
}
