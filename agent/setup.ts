// What the agent needs from the configuration, derived once per (re)load, and the checks that hold every
// monitor request against it: the request is for this host, role IPs are configured for this host, the
// replication source is a configured host at its configured address.
import type { RoleIp } from '../common/api/agent.js';
import type { Config, HostConfig } from '../common/config/types.js';
import { MmmError } from '../common/errors/index.js';

export interface AgentSetup {
  readonly config: Config;
  readonly host: HostConfig;
  /** Name of active_master_role. */
  readonly writerRole: string;
  /** Configured IPs of the writer role. */
  readonly writerIps: readonly string[];
  /** Whether this host may hold the writer role at all. */
  readonly writerCandidate: boolean;
  /** Every role IP of the cluster, config order. */
  readonly clusterRoleIps: readonly RoleIp[];
  /** Peer agents (every other configured host), asked before a lease self-fence. */
  readonly peers: readonly HostConfig[];
  readonly leaseMs: number;
  readonly leasePeerCheck: boolean;
}

export function agentSetup(config: Config): AgentSetup {
  const name = config.this;
  if (name === undefined) throw new MmmError('MMM_CONFIG_INVALID', "the agent needs 'this' (the local host name)");
  const host = config.hosts.find((h) => h.name === name);
  if (host === undefined) {
    throw new MmmError('MMM_CONFIG_INVALID', `'this' is ${name}, but there is no <host ${name}> section`);
  }
  const writer = config.roles.find((r) => r.name === config.activeMasterRole);
  return {
    config,
    host,
    writerRole: config.activeMasterRole,
    writerIps: writer?.ips ?? [],
    writerCandidate: writer?.hosts.includes(name) ?? false,
    clusterRoleIps: config.roles.flatMap((r) => r.ips.map((ip) => ({ role: r.name, ip }))),
    peers: config.hosts.filter((h) => h.name !== name),
    leaseMs: Math.round(config.agent.writerLease * 1000),
    leasePeerCheck: config.agent.leasePeerCheck ?? true,
  };
}

export function checkHost(setup: AgentSetup, requested: string): void {
  if (requested !== setup.host.name) {
    throw new MmmError('MMM_REFUSED', `this agent is ${setup.host.name}; the request is for host ${requested}`);
  }
}

/** Each role IP must be one of the role's configured IPs, and this host one of the role's hosts. */
export function checkRoles(setup: AgentSetup, roles: readonly RoleIp[]): void {
  const seen = new Set<string>();
  for (const r of roles) {
    const role = setup.config.roles.find((c) => c.name === r.role);
    const label = `${r.role}(${r.ip})`;
    if (role === undefined) {
      throw new MmmError('MMM_UNKNOWN_ROLE_IP', `role ${label}: there is no role '${r.role}' in the configuration`);
    }
    if (!role.ips.includes(r.ip)) {
      throw new MmmError(
        'MMM_UNKNOWN_ROLE_IP',
        `role ${label}: ${r.ip} is not an IP of role '${r.role}' (configured: ${role.ips.join(', ')})`,
      );
    }
    if (!role.hosts.includes(setup.host.name)) {
      throw new MmmError(
        'MMM_UNKNOWN_ROLE_IP',
        `role ${label}: host ${setup.host.name} may not hold role '${r.role}' (hosts: ${role.hosts.join(', ')})`,
      );
    }
    if (seen.has(r.ip)) throw new MmmError('MMM_BAD_REQUEST', `role IP ${r.ip} is listed twice`);
    seen.add(r.ip);
  }
}

export function checkActiveMaster(setup: AgentSetup, activeMaster: string | null): void {
  if (activeMaster !== null && !setup.config.hosts.some((h) => h.name === activeMaster)) {
    throw new MmmError('MMM_BAD_REQUEST', `activeMaster '${activeMaster}' is not a configured host`);
  }
}

/** The configured host a repoint request names, after checking its address against the configuration. */
export function checkSource(setup: AgentSetup, source: { host: string; ip: string; port: number }): HostConfig {
  const h = setup.config.hosts.find((c) => c.name === source.host);
  if (h === undefined) throw new MmmError('MMM_REFUSED', `source host ${source.host} is not configured`);
  if (h.name === setup.host.name) throw new MmmError('MMM_REFUSED', `host ${h.name} cannot replicate from itself`);
  if (h.ip !== source.ip || h.mysqlPort !== source.port) {
    throw new MmmError(
      'MMM_REFUSED',
      `source ${h.name} is ${h.ip}:${h.mysqlPort} in the configuration, the request says ${source.ip}:${source.port}`,
    );
  }
  return h;
}

/** Host name of a configured host by its IP (for the report's replication source). */
export function hostByIp(setup: AgentSetup, ip: string): string | null {
  return setup.config.hosts.find((h) => h.ip === ip)?.name ?? null;
}
