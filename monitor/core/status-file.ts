// The status file (spec §8.1): one line per host, `host|STATE|role(ip),role(ip)`, roles sorted. Writing it
// (atomically) is the shell's job; here are the pure text conversions. Parsing is tolerant: unknown hosts,
// unknown states and malformed entries are skipped with a warning naming the line, never thrown.
//
// Difference from MMM (spec §9.5): the roles written are the monitor's role table, not the roles last sent
// to each agent. Lines come in config order instead of hash order.
import type { Config } from '../../common/config/types.js';
import { logText } from './messages.js';
import { parseRoleId, rolesOf, sortedRoleIds, type RoleIp } from './role-slots.js';
import { HOST_STATES, type ClusterModel, type HostState } from './types.js';

/** One host as stored. */
export interface StoredHost {
  readonly state: HostState;
  readonly roles: readonly RoleIp[];
}

export interface StatusWarning {
  /** 1-based line number in the status file. */
  readonly line: number;
  readonly message: string;
}

export interface StoredStatus {
  readonly hosts: ReadonlyMap<string, StoredHost>;
  readonly warnings: readonly StatusWarning[];
}

/** The status file text for `model` (every configured host, config order, trailing newline). */
export function serializeStatus(model: ClusterModel, config: Config): string {
  return config.hosts
    .map((h) => {
      const state = model.hosts[h.name]?.state ?? 'UNKNOWN';
      return `${h.name}|${state}|${sortedRoleIds(rolesOf(model.roles, h.name)).join(',')}\n`;
    })
    .join('');
}

function isHostState(s: string): s is HostState {
  return (HOST_STATES as readonly string[]).includes(s);
}

/** Parses a status file; never throws. Empty lines are ignored; a repeated host's last line wins. */
export function parseStatus(text: string, config: Config): StoredStatus {
  const known = new Set(config.hosts.map((h) => h.name));
  const hosts = new Map<string, StoredHost>();
  const warnings: StatusWarning[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const n = i + 1;
    if (line.trim() === '') return;
    const [host = '', stateText, rolesText = ''] = line.split('|');
    if (host === '' || stateText === undefined) {
      warnings.push({ line: n, message: `Ignoring malformed status line '${line}' (expected host|STATE|roles)` });
      return;
    }
    if (!known.has(host)) {
      warnings.push({ line: n, message: logText.unknownStoredHost(host) });
      return;
    }
    let state: HostState = 'UNKNOWN';
    if (isHostState(stateText)) state = stateText;
    else warnings.push({ line: n, message: `Ignoring unknown state '${stateText}' of host '${host}'` });
    const roles: RoleIp[] = [];
    for (const entry of rolesText.split(',')) {
      if (entry === '') continue;
      const role = parseRoleId(entry);
      if (role === undefined)
        warnings.push({ line: n, message: `Ignoring malformed role '${entry}' of host '${host}'` });
      else roles.push(role);
    }
    hosts.set(host, { state, roles });
  });
  return { hosts, warnings };
}
