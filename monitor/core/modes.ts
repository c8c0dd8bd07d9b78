// Mode mechanics (spec §5): WAIT→ACTIVE after the state step, the role cleanup when a monitor becomes ACTIVE
// from MANUAL/WAIT, and MMM's "cleanup and send status" order used when leaving PASSIVE and at startup.
import type { Draft } from './draft.js';
import { logText } from './messages.js';
import { activeMasterOf, passiveMasterOf } from './role-slots.js';
import { isMasterHost, type Topology } from './topology.js';
import type { ClusterModel, PushStep } from './types.js';

/**
 * Strips every role from hosts that are not ONLINE (MMM's cleanup when entering ACTIVE from MANUAL/WAIT).
 * Returns those hosts: they must be pushed first and killed if their agent cannot be told.
 */
export function stripRolesFromFailedHosts(d: Draft): string[] {
  const fenced: string[] = [];
  for (const name of d.topo.hostNames) {
    if (d.host(name).state === 'ONLINE' || !d.hasRoles(name)) continue;
    d.clearRoles(name, 'mode_change');
    fenced.push(name);
  }
  return fenced;
}

/**
 * WAIT mode post-processing: switch to ACTIVE when both masters (the first two hosts of the active-master
 * role) are ONLINE, or when one has been ONLINE for wait_for_other_master seconds (0: wait forever). On the
 * switch, roles are stripped from failed hosts. Returns the hosts to fence.
 */
export function checkWaitMode(d: Draft): string[] {
  if (d.mode !== 'WAIT') return [];
  const [one = '', two = ''] = d.topo.activeMasterRole?.hosts ?? [];
  const oneOnline = d.stateOf(one) === 'ONLINE';
  const twoOnline = d.stateOf(two) === 'ONLINE';
  const { waitForOtherMasterMs, waitForOtherMasterS } = d.topo.settings;
  if (oneOnline && twoOnline) {
    d.log('info', logText.waitBothOnline(one, two));
  } else if (oneOnline || twoOnline) {
    const [living, dead] = oneOnline ? [one, two] : [two, one];
    if (waitForOtherMasterMs <= 0 || d.now - d.host(living).onlineSince < waitForOtherMasterMs) return [];
    d.log('warn', logText.waitTimeout(dead, waitForOtherMasterS));
  } else {
    return [];
  }
  d.setMode('ACTIVE');
  return stripRolesFromFailedHosts(d);
}

/**
 * MMM's cleanup_and_send_status order: SET_STATUS + CLEAR_BAD_ROLES to the passive master, then to every
 * host that cannot be a master, then to the active master. Unlike MMM, when there is no active master the
 * master candidates are cleaned up first too (MMM skipped them, leaving stray VIPs on them).
 */
export function cleanupOrder(model: ClusterModel, topo: Topology): PushStep[] {
  const active = activeMasterOf(model.roles, topo);
  const masters =
    active === undefined
      ? topo.hostNames.filter((h) => isMasterHost(topo, h))
      : [passiveMasterOf(model.roles, topo)].filter((h): h is string => h !== undefined);
  const slaves = topo.hostNames.filter((h) => !isMasterHost(topo, h));
  const steps = [masters, slaves, active === undefined ? [] : [active]];
  return steps.filter((hosts) => hosts.length > 0).map((hosts) => ({ hosts, clearBadRoles: true }));
}
