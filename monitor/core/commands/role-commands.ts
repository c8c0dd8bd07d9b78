// move_role, move_role --force and set_ip (spec §1.3, §1.4, §4.5), with MMM's checks in MMM's order.
//
// Differences from MMM:
// - Moving the active-master (writer) role does not happen here: the command answers as MMM did and returns a
//   SwitchoverRequest; the switchover executor fences the old writer before the new one opens and commits
//   the move with applySwitchover (MMM moved it synchronously with unbounded waits, spec §9.2).
// - move_role of a balanced role hands the freed IPs to other eligible hosts at once instead of possibly
//   straight back to the same host (spec §9.5); with no other eligible host they stay orphaned.
// - With CoreOptions.failback off, a role may be moved away from its preferred host in ACTIVE mode too (MMM
//   refused because its failback would undo the move at once).
import type { RoleConfig } from '../../../common/config/types.js';
import { findEligibleHost, preferredHost } from '../distribution.js';
import { logText, say } from '../messages.js';
import { exclusiveOwner, roleId } from '../role-slots.js';
import { canHandle, roleOfIp } from '../topology.js';
import type { CommandOutcome, CommandRun } from './context.js';

/** Checks shared by both forms of move_role: mode, role name, host name. */
function lookUp(run: CommandRun, roleName: string, host: string): RoleConfig | CommandOutcome {
  if (run.d.mode === 'PASSIVE') return run.finish(say.notInPassive);
  const role = run.d.topo.roleByName.get(roleName);
  if (role === undefined) return run.finish(say.unknownRole(roleName));
  if (!run.d.topo.hosts.has(host)) return run.finish(say.unknownHost(host));
  return role;
}

function isOutcome(x: RoleConfig | CommandOutcome): x is CommandOutcome {
  return 'response' in x;
}

/** `move_role <role> <host>`. */
export function moveRole(run: CommandRun, roleName: string, host: string): CommandOutcome {
  const found = lookUp(run, roleName, host);
  if (isOutcome(found)) return found;
  const role = found;
  const d = run.d;
  if (role.mode === 'balanced') return removeBalanced(run, role, host);
  const state = d.host(host).state;
  if (state !== 'ONLINE') return run.finish(say.cantMoveToState(state));
  if (!canHandle(role, host)) return run.finish(say.cantHandleOnly(host, role.name, role.hosts));
  const owner = exclusiveOwner(d.slots, role.name);
  if (owner === host) return run.finish(say.alreadyThere(host));
  if (!run.ctx.agentReachable(host)) return run.finish(say.agentUnreachableMove(host));
  const prefer = preferredHost(role);
  if (d.mode === 'ACTIVE' && run.options.failback && prefer !== undefined && owner === prefer) {
    return run.finish(say.onPreferred(role.name, prefer));
  }
  const slot = d.slots.find((s) => s.role === role.name);
  if (slot === undefined) return run.finish(say.noIp(role.name));
  d.log('fatal', logText.adminMoved(role.name, owner ?? '', host), host);
  if (role.name === d.topo.config.activeMasterRole) {
    run.switchover = { role: role.name, ip: slot.ip, from: owner, to: host, force: false };
  } else {
    d.assign(slot, host, 'admin');
    run.pushNow(owner === undefined ? [] : [owner]);
    run.pushNow([host]);
  }
  return run.finish(say.moved(role.name, owner ?? '', host));
}

/** move_role for a balanced role: unassign its IPs from `host` and place them on other eligible hosts. */
function removeBalanced(run: CommandRun, role: RoleConfig, host: string): CommandOutcome {
  const d = run.d;
  d.log('info', logText.removingBalanced(role.name, host), host);
  const placed: string[] = [];
  for (const slot of d.slots) {
    if (slot.role !== role.name || slot.owner !== host) continue;
    d.log('info', logText.removed(roleId(slot), host), host);
    d.assign(slot, undefined, 'admin');
    const to = findEligibleHost(d, role, host);
    if (to === undefined) continue;
    d.assign(slot, to, 'admin');
    d.log('info', logText.orphanAssigned(roleId(slot), to), to);
    if (!placed.includes(to)) placed.push(to);
  }
  run.pushNow([host]);
  run.pushNow(placed);
  return run.finish(say.balancedRemoved(role.name, host));
}

/** `move_role --force <role> <host>`: the writer to a REPLICATION_FAIL/DELAY host, which is forced ONLINE. */
export function forceMoveRole(run: CommandRun, roleName: string, host: string): CommandOutcome {
  const found = lookUp(run, roleName, host);
  if (isOutcome(found)) return found;
  const role = found;
  const d = run.d;
  if (role.name !== d.topo.config.activeMasterRole) return run.finish(say.forceOnlyActiveMaster);
  const state = d.host(host).state;
  if (state !== 'REPLICATION_FAIL' && state !== 'REPLICATION_DELAY') return run.finish(say.cantForceToState(state));
  if (!canHandle(role, host)) return run.finish(say.cantHandleOnly(host, role.name, role.hosts));
  const owner = exclusiveOwner(d.slots, role.name);
  if (owner === host) return run.finish(say.alreadyThere(host));
  if (!run.ctx.agentReachable(host)) return run.finish(say.agentUnreachableMove(host));
  const slot = d.slots.find((s) => s.role === role.name);
  if (slot === undefined) return run.finish(say.noIp(role.name));
  d.log('fatal', logText.adminForced(role.name, owner ?? '', host), host);
  run.switchover = { role: role.name, ip: slot.ip, from: owner, to: host, force: true };
  return run.finish(say.forceMoved(role.name, owner ?? '', host));
}

/** `set_ip <ip> <host>`: PASSIVE only; changes the role table, pushes nothing. */
export function setIp(run: CommandRun, ip: string, host: string): CommandOutcome {
  const d = run.d;
  if (d.mode !== 'PASSIVE') return run.finish(say.onlyInPassive);
  const role = roleOfIp(d.topo, ip);
  if (role === undefined) return run.finish(say.unknownIp(ip));
  if (!d.topo.hosts.has(host)) return run.finish(say.unknownHost(host));
  if (!canHandle(role, host)) return run.finish(say.cantHandleFollowing(host, role.name, role.hosts));
  const state = d.host(host).state;
  if (state !== 'ONLINE') return run.finish(say.setIpNotOnline(host, state, ip));
  d.log('fatal', logText.adminSetIp(role.name, ip, host), host);
  for (const slot of d.slots) {
    if (slot.role === role.name && slot.ip === ip) d.assign(slot, host, 'admin');
  }
  return run.finish(say.setIp(role.name, ip, host));
}
