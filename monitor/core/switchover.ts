// Committing a writer move that `move_role` (or `move_role --force`) requested, once the switchover executor
// has carried it out: reassign the role and, for --force, lift the target to ONLINE and demote the old owner
// by its own replication checks (spec §1.3 `move_role --force`). Refuses when the model moved on meanwhile.
import type { Config } from '../../common/config/types.js';
import type { SwitchoverRequest } from './commands/context.js';
import { Draft } from './draft.js';
import { logText } from './messages.js';
import { exclusiveOwner } from './role-slots.js';
import { buildTopology } from './topology.js';
import type { ClusterModel, LogEvent, PushStep, RoleMove, StateChange } from './types.js';

export type SwitchoverCommit =
  | {
      readonly ok: true;
      readonly model: ClusterModel;
      readonly stateChanges: readonly StateChange[];
      readonly roleMoves: readonly RoleMove[];
      readonly events: readonly LogEvent[];
      /** MMM's send order for a writer move: old owner, then `mode slave` hosts, then the new owner. */
      readonly push: readonly PushStep[];
    }
  | { readonly ok: false; readonly reason: string };

/** Why the request can no longer be committed, or undefined when it still can. */
function staleReason(model: ClusterModel, req: SwitchoverRequest): string | undefined {
  const owner = exclusiveOwner(model.roles, req.role);
  if (owner !== req.from) return `role '${req.role}' is on '${owner ?? ''}' now, not on '${req.from ?? ''}'`;
  const state = model.hosts[req.to]?.state;
  const allowed = req.force ? state === 'REPLICATION_FAIL' || state === 'REPLICATION_DELAY' : state === 'ONLINE';
  return allowed ? undefined : `host '${req.to}' is ${state ?? 'unknown'} now`;
}

/** Applies a completed switchover to the model at epoch ms `now`. */
export function applySwitchover(
  model: ClusterModel,
  config: Config,
  req: SwitchoverRequest,
  now: number,
): SwitchoverCommit {
  const stale = staleReason(model, req);
  if (stale !== undefined) return { ok: false, reason: stale };
  const topo = buildTopology(config);
  const d = new Draft(topo, model, now);
  for (const slot of d.slots) {
    if (slot.role === req.role && slot.ip === req.ip) d.assign(slot, req.to, 'admin');
  }
  const old = req.from;
  if (req.force) {
    const from = d.host(req.to).state;
    d.setState(req.to, 'ONLINE', {
      rule: 'forced_move_target',
      reason: `admin ran move_role --force ${req.role} ${req.to}`,
      log: logText.becauseForce(req.to, from, 'ONLINE'),
    });
    if (old !== undefined) demoteOldOwner(d, old);
  }
  const slaves = topo.config.hosts.filter((h) => h.mode === 'slave').map((h) => h.name);
  const push = [old === undefined ? [] : [old], slaves, [req.to]]
    .filter((hosts) => hosts.length > 0)
    .map((hosts) => ({ hosts, clearBadRoles: false }));
  return {
    ok: true,
    model: d.toModel(),
    stateChanges: d.stateChanges,
    roleMoves: d.roleMoves,
    events: d.events,
    push: d.mode === 'PASSIVE' ? [] : push,
  };
}

/** The old writer after a forced move: REPLICATION_FAIL/DELAY by its own checks (roles cleared in ACTIVE). */
function demoteOldOwner(d: Draft, old: string): void {
  const h = d.host(old);
  const to = h.checks.rep_threads.state !== 'ok' ? 'REPLICATION_FAIL' : 'REPLICATION_DELAY';
  if (to === 'REPLICATION_DELAY' && h.checks.rep_backlog.state === 'ok') return;
  d.setState(old, to, {
    rule: 'forced_move_old_owner',
    reason: `its ${to === 'REPLICATION_FAIL' ? 'rep_threads' : 'rep_backlog'} check is failed`,
    log: logText.becauseForce(old, 'ONLINE', to),
  });
  if (d.mode === 'ACTIVE') d.clearRoles(old, 'host_state');
}
