// Safety invariants checked after every decision, before anything is pushed to agents: at most one writer,
// each VIP on at most one host, roles only where the config allows them, and in ACTIVE mode roles only on
// ONLINE hosts. MANUAL/WAIT deliberately leave roles on failed hosts (spec §2.4) and PASSIVE pushes nothing,
// so the last rule is not applied there.
import { roleId } from './role-slots.js';
import type { Topology } from './topology.js';
import type { ClusterModel } from './types.js';

/** Returns one sentence per violated invariant; empty when the model is safe to push. */
export function checkInvariants(model: ClusterModel, topo: Topology): string[] {
  const problems: string[] = [];
  const writers = new Set<string>();
  const ipOwner = new Map<string, string>();
  for (const slot of model.roles) {
    const owner = slot.owner;
    if (owner === undefined) continue;
    if (slot.role === topo.config.activeMasterRole) writers.add(owner);
    const other = ipOwner.get(slot.ip);
    if (other !== undefined && other !== owner) {
      problems.push(`VIP ${slot.ip} is assigned to both '${other}' and '${owner}'`);
    }
    ipOwner.set(slot.ip, owner);
    const role = topo.roleByName.get(slot.role);
    if (!role?.hosts.includes(owner)) {
      problems.push(`host '${owner}' holds role ${roleId(slot)} it may not hold`);
    }
    const state = model.hosts[owner]?.state;
    if (state !== 'ONLINE' && model.mode === 'ACTIVE') {
      problems.push(`host '${owner}' holds role ${roleId(slot)} while ${state ?? 'unknown to the monitor'}`);
    }
  }
  if (writers.size > 1) {
    problems.push(`more than one writer: ${[...writers].join(', ')} hold role '${topo.config.activeMasterRole}'`);
  }
  return problems;
}
