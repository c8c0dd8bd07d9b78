// The three views startup reconciliation compares (spec §8.2 step 7): what the status file stored, what each
// agent says it holds (GET_AGENT_STATUS) and what each system really has (GET_SYSTEM_STATUS). Roles that
// the config no longer has, or that a host may no longer hold, are dropped with MMM's warnings.
import type { Config } from '../../../common/config/types.js';
import { logText } from '../messages.js';
import { parseRoleId, roleId, type RoleIp } from '../role-slots.js';
import type { StoredStatus } from '../status-file.js';
import { canHandle, hostByIp, type Topology } from '../topology.js';
import type { HostChecks } from '../types.js';

/** An agent's answer to GET_AGENT_STATUS. */
export interface AgentView {
  /** The state the agent was last told (`UNKNOWN` after an agent restart). */
  readonly state: string;
  /** `name(ip)` entries; malformed ones are dropped. */
  readonly roles: readonly string[];
  /** The active master the agent was last told ('' for none). */
  readonly master: string;
  /** OS uptime from the answer, seconds. */
  readonly uptime?: number;
}

/** An agent's answer to GET_SYSTEM_STATUS: the real system. */
export interface SystemView {
  /** read_only=0. */
  readonly writable: boolean;
  /** `name(ip)` entries whose IPs are really configured on the host. */
  readonly roles: readonly string[];
  /** Master_Host of the host's replication, '' when none. */
  readonly masterIp: string;
}

/** A view, or the raw answer when the agent gave none (logged as MMM did). */
export type Answer<T> = { readonly ok: true; readonly view: T } | { readonly ok: false; readonly answer: string };

export interface StartupInput {
  readonly config: Config;
  /** Initial check statuses per host (spec §3.4). */
  readonly checks: Readonly<Record<string, HostChecks>>;
  /** The parsed status file; undefined when there was none. */
  readonly stored: StoredStatus | undefined;
  readonly agents: Readonly<Record<string, Answer<AgentView>>>;
  readonly systems: Readonly<Record<string, Answer<SystemView>>>;
}

/** In which views a role IP sits on a host. */
export interface RoleSeen {
  stored: boolean;
  system: boolean;
  agent: boolean;
}

/** Per-host facts from the views (undefined: that view did not answer). */
export interface HostViews {
  readonly storedState: string;
  readonly agent: { readonly state: string; readonly master: string } | undefined;
  readonly system: { readonly writable: boolean; readonly master: string } | undefined;
}

/** One configured role IP and the hosts any view places it on (config order). */
export interface RoleEntry {
  readonly role: string;
  readonly ip: string;
  readonly hosts: Map<string, RoleSeen>;
}

/** Everything collected: role IPs keyed by role id (`name(ip)`), in config order; per-host facts. */
export interface CollectedViews {
  readonly roles: Map<string, RoleEntry>;
  readonly hosts: Map<string, HostViews>;
  readonly warnings: string[];
}

/** Every configured role IP with no host yet, in config order (role, then IP). */
function configRoles(topo: Topology): Map<string, RoleEntry> {
  return new Map(
    topo.roles.flatMap((r) =>
      r.ips.map((ip): [string, RoleEntry] => [roleId({ role: r.name, ip }), { role: r.name, ip, hosts: new Map() }]),
    ),
  );
}

/** Collects the views, dropping roles the config no longer allows (MMM's warnings). */
export function collectViews(topo: Topology, input: StartupInput): CollectedViews {
  const roles = configRoles(topo);
  const hosts = new Map<string, HostViews>();
  const warnings: string[] = [];
  const note = (host: string, entries: readonly (RoleIp | undefined)[], key: keyof RoleSeen): void => {
    for (const r of entries) {
      if (r === undefined) continue;
      const id = roleId(r);
      const role = topo.roleByName.get(r.role);
      const entry = roles.get(id);
      if (role === undefined || entry === undefined) {
        warnings.push(logText.roleRemovedFromConfig(id));
      } else if (!canHandle(role, host)) {
        warnings.push(logText.hostCantHandle(host, id));
      } else {
        const seen = entry.hosts.get(host) ?? { stored: false, system: false, agent: false };
        seen[key] = true;
        entry.hosts.set(host, seen);
      }
    }
  };
  for (const host of topo.hostNames) {
    const stored = input.stored?.hosts.get(host);
    note(host, stored?.roles ?? [], 'stored');
    const agent = input.agents[host];
    if (agent?.ok === true) note(host, agent.view.roles.map(parseRoleId), 'agent');
    const system = input.systems[host];
    if (system?.ok === true) note(host, system.view.roles.map(parseRoleId), 'system');
    hosts.set(host, {
      storedState: stored?.state ?? 'UNKNOWN',
      agent: agent?.ok === true ? { state: agent.view.state, master: agent.view.master } : undefined,
      system:
        system?.ok === true
          ? { writable: system.view.writable, master: hostByIp(topo, system.view.masterIp) ?? '' }
          : undefined,
    });
  }
  sortHosts(topo, roles);
  return { roles, hosts, warnings };
}

/** Re-inserts each role's hosts in config order. */
function sortHosts(topo: Topology, roles: Map<string, RoleEntry>): void {
  for (const entry of roles.values()) {
    const seen = [...entry.hosts];
    entry.hosts.clear();
    for (const h of topo.hostNames) {
      const found = seen.find(([name]) => name === h);
      if (found !== undefined) entry.hosts.set(h, found[1]);
    }
  }
}
