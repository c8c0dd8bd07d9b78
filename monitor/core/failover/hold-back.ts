// While a recovery fences the old writer, the other hosts get their desired states first (ARCHITECTURE §2:
// nothing waits for the hung host). The old writer, though, gets only the fence, which drops the writer VIP,
// not its reader VIPs: a reader VIP it still holds would be bound on a second host until the old writer's next
// desired state. So this tick's desired states hold back every non-writer role the old writers were last
// told to hold; the next tick pushes the full states in MMM's order (the old writer first).
import type { DesiredAgentState } from '../types.js';

/**
 * `desired` without the roles (other than `writerRole`) that `oldRoles` (the roles last sent to each old
 * writer, as `name(ip)`) name. Hosts whose roles do not change keep their object.
 */
export function holdBackOldWriterRoles(
  desired: Readonly<Record<string, DesiredAgentState>>,
  oldRoles: readonly (readonly string[])[],
  writerRole: string,
): Record<string, DesiredAgentState> {
  const held = new Set(oldRoles.flat().filter((r) => !r.startsWith(`${writerRole}(`)));
  const out: Record<string, DesiredAgentState> = {};
  for (const [host, d] of Object.entries(desired)) {
    const roles = d.roles.filter((r) => !held.has(r));
    out[host] = roles.length === d.roles.length ? d : { ...d, roles };
  }
  return out;
}
