// What `show` (and `checks` for the hosts it lists) appends after MMM's normal output when the failover logic
// holds something back (issue 6): a blocked failover, an orphaned writer role and why, hosts held out of
// ONLINE (errant GTIDs), a recovery in progress; each with what the operator can do. Nothing when there is
// nothing to explain, so the output stays MMM's byte for byte.
import { utc } from '../failover/audit.js';
import { exclusiveOwner } from '../role-slots.js';
import type { Topology } from '../topology.js';
import type { ClusterModel } from '../types.js';

/** Lines starting with `# `, each ending with a newline; '' when nothing is held back. */
export function failoverExplanation(
  model: ClusterModel,
  topo: Topology,
  inProgress: string,
  hosts: readonly string[] = topo.hostNames,
): string {
  let out = '';
  const role = topo.config.activeMasterRole;
  const f = model.failover;
  if (inProgress !== '') out += `# Failover in progress: ${inProgress}\n`;
  if (f?.blocked !== undefined) {
    out += `# Failover blocked (${f.blocked.kind}) since ${utc(f.blocked.since)}: ${f.blocked.reason}\n`;
    out += `#   The writer role '${role}' stays orphaned. To go on: ${f.blocked.hint}\n`;
  } else if (f?.orphanedBy !== undefined && f.waiting !== '' && exclusiveOwner(model.roles, role) === undefined) {
    // Only after a failure of the writer: an orphaned writer at first start is MMM's normal output.
    out += `# Writer role '${role}' is orphaned: ${f.waiting}\n`;
  }
  for (const name of hosts) {
    const h = model.hosts[name]?.heldOut;
    if (h === undefined) continue;
    out += `# Host ${name} is held out of ONLINE since ${utc(h.since)}: ${h.reason}\n`;
    out +=
      h.kind === 'errant'
        ? `#   Errant GTIDs: ${h.gtids}. Inspect them on ${name}; rebuild it from the writer (or remove them) to let it rejoin.\n`
        : `#   Fix its replication from the writer; it rejoins once it follows the writer.\n`;
  }
  return out;
}
