// Read-only views of the configuration that the core asks for again and again: hosts and roles by name, the
// active-master role, and the monitor settings converted to milliseconds. Config order is kept everywhere;
// it replaces the Perl hash order MMM iterated in.
import type { Config, HostConfig, MonitorMode, RoleConfig } from '../../common/config/types.js';
import { MmmError } from '../../common/errors/index.js';
import type { Mode } from './types.js';

/** Monitor settings the core uses, durations in milliseconds. */
export interface CoreSettings {
  readonly flapCount: number;
  readonly flapDurationMs: number;
  readonly autoSetOnlineMs: number;
  readonly waitForOtherMasterMs: number;
  readonly carefulStartup: boolean;
  /** The configured start mode. */
  readonly mode: Mode;
  /** Raw seconds, for MMM's `%d` log texts. */
  readonly flapDurationS: number;
  readonly autoSetOnlineS: number;
  readonly waitForOtherMasterS: number;
}

export interface Topology {
  readonly config: Config;
  /** Host names in config order. */
  readonly hostNames: readonly string[];
  readonly hosts: ReadonlyMap<string, HostConfig>;
  /** Roles in config order. */
  readonly roles: readonly RoleConfig[];
  readonly roleByName: ReadonlyMap<string, RoleConfig>;
  /** The `active_master_role` definition, undefined when the config names a role it does not define. */
  readonly activeMasterRole: RoleConfig | undefined;
  readonly settings: CoreSettings;
}

const MODE_OF: Readonly<Record<MonitorMode, Mode>> = {
  active: 'ACTIVE',
  manual: 'MANUAL',
  wait: 'WAIT',
  passive: 'PASSIVE',
};

/** Builds the topology view; throws MMM_CONFIG_INVALID when the config has no `<monitor>` section. */
export function buildTopology(config: Config): Topology {
  const monitor = config.monitor;
  if (monitor === undefined) {
    throw new MmmError('MMM_CONFIG_INVALID', 'the monitor needs a <monitor> section in its configuration');
  }
  const roleByName = new Map(config.roles.map((r) => [r.name, r]));
  return {
    config,
    hostNames: config.hosts.map((h) => h.name),
    hosts: new Map(config.hosts.map((h) => [h.name, h])),
    roles: config.roles,
    roleByName,
    activeMasterRole: roleByName.get(config.activeMasterRole),
    settings: {
      flapCount: monitor.flapCount,
      flapDurationMs: monitor.flapDuration * 1000,
      autoSetOnlineMs: monitor.autoSetOnline * 1000,
      waitForOtherMasterMs: monitor.waitForOtherMaster * 1000,
      carefulStartup: monitor.carefulStartup,
      mode: MODE_OF[monitor.mode],
      flapDurationS: monitor.flapDuration,
      autoSetOnlineS: monitor.autoSetOnline,
      waitForOtherMasterS: monitor.waitForOtherMaster,
    },
  };
}

/** The config of a host the caller knows exists (names come from the config itself). */
export function hostConfig(topo: Topology, name: string): HostConfig {
  const h = topo.hosts.get(name);
  if (h === undefined) throw new MmmError('MMM_INTERNAL', `unknown host '${name}' in the monitor core`);
  return h;
}

/** True when `host` is listed in the role's `hosts`. */
export function canHandle(role: RoleConfig, host: string): boolean {
  return role.hosts.includes(host);
}

/** True when `host` may hold the active-master role (MMM's is_master). */
export function isMasterHost(topo: Topology, host: string): boolean {
  return topo.activeMasterRole !== undefined && canHandle(topo.activeMasterRole, host);
}

/** The role that owns `ip`, first in config order. */
export function roleOfIp(topo: Topology, ip: string): RoleConfig | undefined {
  return topo.roles.find((r) => r.ips.includes(ip));
}

/** The configured host whose fixed IP is `ip` (first in config order). */
export function hostByIp(topo: Topology, ip: string): string | undefined {
  return topo.config.hosts.find((h) => h.ip === ip)?.name;
}

/** Perl `cmp`: plain code-unit string order, which MMM's `sort` used. */
export function perlCmp(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** `%d` of a duration or count in seconds: truncation toward zero, as Perl's sprintf does. */
export function intOf(n: number): number {
  return Math.trunc(n) + 0; // + 0 turns -0 into 0
}
