// The role table: one slot per configured role IP with its owner, plus MMM's `name(ip)` role identity strings
// and the weighted role count used for placement (spec §4.1, §4.3).
import { perlCmp, type Topology } from './topology.js';
import type { RoleSlot } from './types.js';

/** A role IP named the MMM way, without an owner. */
export interface RoleIp {
  readonly role: string;
  readonly ip: string;
}

/** `name(ip)`, MMM's role identity string. */
export function roleId(r: RoleIp): string {
  return `${r.role}(${r.ip})`;
}

/**
 * Parses `name(ip)` as MMM did: the name is everything before the last `(`, the IP the text inside the
 * parentheses. Returns undefined for anything else (MMM dropped such entries).
 */
export function parseRoleId(text: string): RoleIp | undefined {
  const open = text.lastIndexOf('(');
  if (open <= 0 || !text.endsWith(')')) return undefined;
  const ip = text.slice(open + 1, -1);
  if (ip === '') return undefined;
  return { role: text.slice(0, open), ip };
}

/** Sorted `name(ip)` strings, in Perl `sort` order (MMM's show, status file and SET_STATUS order). */
export function sortedRoleIds(roles: readonly RoleIp[]): string[] {
  return roles.map(roleId).sort(perlCmp);
}

/** Every configured role IP, orphaned, in config order (MMM's role table at start). */
export function emptyRoleTable(topo: Topology): RoleSlot[] {
  return topo.roles.flatMap((r) => r.ips.map((ip) => ({ role: r.name, ip, owner: undefined })));
}

/** The slots owned by `host`, in table order. */
export function rolesOf(slots: readonly RoleSlot[], host: string): RoleSlot[] {
  return slots.filter((s) => s.owner === host);
}

/**
 * MMM's count_host_roles: every role IP on the host counts 1, IPs of the active-master role 0.5, so the
 * writer's host also takes part in reader balancing.
 */
export function weightedCount(slots: readonly RoleSlot[], host: string, activeMasterRole: string): number {
  let n = 0;
  for (const s of slots) {
    if (s.owner === host) n += s.role === activeMasterRole ? 0.5 : 1;
  }
  return n;
}

/** Owner of the first IP of `role` (MMM's get_exclusive_role_owner), undefined when orphaned or unknown. */
export function exclusiveOwner(slots: readonly RoleSlot[], role: string): string | undefined {
  return slots.find((s) => s.role === role)?.owner;
}

/** The host holding the active-master role (MMM's get_active_master), undefined when none. */
export function activeMasterOf(slots: readonly RoleSlot[], topo: Topology): string | undefined {
  return exclusiveOwner(slots, topo.config.activeMasterRole);
}

/** The other host of the active-master role while an active master exists (MMM's get_passive_master). */
export function passiveMasterOf(slots: readonly RoleSlot[], topo: Topology): string | undefined {
  const active = activeMasterOf(slots, topo);
  if (active === undefined || topo.activeMasterRole === undefined) return undefined;
  return topo.activeMasterRole.hosts.find((h) => h !== active);
}
