// The startup status table MMM logged at INFO and put into the PASSIVE cause on a conflict (spec §8.2 step
// 10): a Roles table (`Role  Host  Stored  System  Agent`) and a Hosts table (`Host  Master  Writable  Stored
// state  Agent state`), with MMM's column widths. Rows in config order (MMM: hash order).
import { isMasterHost, type Topology } from '../topology.js';
import type { CollectedViews } from './views.js';

/** Width of the IP part of a role column: `(999.999.999.999)`. */
const IP_PART = 17;

const yes = (b: boolean): string => (b ? 'Yes' : '-');

/** MMM's StartupStatus::to_string. */
export function renderStartupTable(topo: Topology, views: CollectedViews): string {
  const roleLen = Math.max(4, ...topo.roles.map((r) => r.name.length)) + IP_PART;
  const hostLen = Math.max(6, ...topo.hostNames.map((h) => h.length));
  const roleRow = (role: string, host: string, a: string, b: string, c: string): string =>
    `    ${role.padEnd(roleLen)}  ${host.padEnd(hostLen)}  ${a.padEnd(6)}  ${b.padEnd(6)}  ${c.padEnd(5)}\n`;
  const hostRow = (host: string, master: string, writable: string, stored: string, agent: string): string =>
    `    ${host.padEnd(hostLen)}  ${master.padEnd(hostLen)}  ${writable.padEnd(8)}  ${stored.padEnd(16)}  ${agent.padEnd(16)}\n`;
  let out = 'Startup status:\n\nRoles:\n';
  out += roleRow('Role', 'Host', 'Stored', 'System', 'Agent');
  for (const [id, entry] of views.roles) {
    for (const [host, seen] of entry.hosts)
      out += roleRow(id, host, yes(seen.stored), yes(seen.system), yes(seen.agent));
  }
  out += '\nHosts:\n';
  out += hostRow('Host', 'Master', 'Writable', 'Stored state', 'Agent state');
  for (const [host, v] of views.hosts) {
    const master = isMasterHost(topo, host) ? '-' : (v.system?.master ?? '?');
    const writable = v.system === undefined ? '?' : v.system.writable ? 'Yes' : 'No';
    out += hostRow(host, master, writable, v.storedState, v.agent?.state ?? '?');
  }
  return out;
}
