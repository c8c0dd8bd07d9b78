// `mmm_control show` (spec §1.3): the PASSIVE banner with `# ` on every line, agent warnings, one line per
// host sorted by name, then one line per exclusive role with `prefer` (MMM's "it's" grammar kept).
//
// Difference from MMM (spec §9.5): MMM printed the roles it had last *sent* to each agent, which lagged
// behind its role table in PASSIVE mode, while the network was down and right after a passive startup.
// We print the role table, which is what the monitor has decided.
import { preferredHost } from '../distribution.js';
import { hostModel } from '../model.js';
import { exclusiveOwner, rolesOf, sortedRoleIds } from '../role-slots.js';
import { hostConfig, perlCmp, type Topology } from '../topology.js';
import type { ClusterModel, HostState, Mode } from '../types.js';

/** Structured `show` for --json. */
export interface ShowData {
  readonly mode: Mode;
  readonly passiveCause: string | undefined;
  readonly hosts: readonly {
    readonly name: string;
    readonly ip: string;
    readonly mode: 'master' | 'slave';
    readonly state: HostState;
    readonly roles: readonly string[];
    readonly agentReachable: boolean;
    readonly flapping: boolean;
  }[];
  readonly preferences: readonly {
    readonly role: string;
    readonly prefer: string;
    readonly owner: string | undefined;
  }[];
}

/**
 * Perl's `s/^/# /mg`: the prefix goes at the start of the text and after every newline except a newline
 * that ends the text.
 */
export function prefixLines(text: string, prefix: string): string {
  const parts = text.split('\n');
  return parts.map((p, i) => (i === parts.length - 1 && p === '' ? p : prefix + p)).join('\n');
}

/** The data behind `show`, hosts sorted by name. */
export function showData(model: ClusterModel, topo: Topology): ShowData {
  const names = [...topo.hostNames].sort(perlCmp);
  return {
    mode: model.mode,
    passiveCause: model.mode === 'PASSIVE' ? model.passiveCause : undefined,
    hosts: names.map((name) => {
      const h = hostModel(model, name);
      const c = hostConfig(topo, name);
      return {
        name,
        ip: c.ip,
        mode: c.mode,
        state: h.state,
        roles: sortedRoleIds(rolesOf(model.roles, name)),
        agentReachable: h.agentReachable,
        flapping: h.flap.flapping,
      };
    }),
    preferences: topo.roles.flatMap((r) => {
      const prefer = preferredHost(r);
      return prefer === undefined ? [] : [{ role: r.name, prefer, owner: exclusiveOwner(model.roles, r.name) }];
    }),
  };
}

/** The exact text MMM's monitor answered to `show` (mmm_control then adds one "\n"). */
export function renderShow(model: ClusterModel, topo: Topology): string {
  const data = showData(model, topo);
  let out = '';
  if (data.passiveCause !== undefined) {
    out += prefixLines(`--- Monitor is in PASSIVE MODE ---\nCause: ${data.passiveCause}\n`, '# ');
  }
  for (const h of data.hosts) {
    if (!h.agentReachable) out += `# Warning: agent on host ${h.name} is not reachable\n`;
  }
  for (const h of data.hosts) {
    out += `  ${h.name}(${h.ip}) ${h.mode}/${h.state}. Roles: ${h.roles.join(', ')}\n`;
  }
  for (const p of data.preferences) {
    if (p.owner === p.prefer) {
      out += `# Role ${p.role} is assigned to it's preferred host ${p.prefer}.\n`;
    } else if (p.owner !== undefined) {
      out += `# Role ${p.role} has ${p.prefer} configured as it's preferred host but is assigned to ${p.owner} at the moment.\n`;
    } else {
      out += `# Role ${p.role} has ${p.prefer} configured as it's preferred host.\n`;
    }
  }
  return out;
}
