// Rules that relate keys to each other: MMM's refvalues (this, active_master_role, role hosts, prefer, peer)
// and ours (duplicate IPs, VIP equal to a host IP, empty roles, exclusive roles with several IPs, peers that
// are not masters, lease vs tick, authentication settings). Each problem points at the line of the key.
import type { BuiltSections, Positions } from './build.js';
import type { Issues } from './issues.js';
import type { SectionType } from './raw.js';
import type { HostConfig } from './types.js';

type Report = (type: SectionType, name: string | undefined, key: string, message: string) => void;

export function validateSections(b: BuiltSections, issues: Issues): void {
  const pos = b.positions;
  const at =
    (level: 'error' | 'warn'): Report =>
    (type, name, key, message) => {
      const p = pos.of(type, name, key) ?? pos.of('global', undefined) ?? { file: '?', line: 1 };
      issues[level](p, pos.label(type, name, key), message);
    };
  const error = at('error');
  const warn = at('warn');
  const hostNames = b.hosts.map((h) => h.name);
  const expectHost = hostNames.length === 0 ? 'a configured host (there is none)' : `one of ${hostNames.join(', ')}`;

  if (b.global.this !== undefined && !hostNames.includes(b.global.this)) {
    error('global', undefined, 'this', `unknown host '${b.global.this}'; expected ${expectHost}`);
  }
  checkActiveMasterRole(b, error, warn, expectHost);
  checkHosts(b.hosts, pos, error, warn, expectHost);
  checkRoles(b, error, warn, expectHost);

  const lease = b.global.agent.writerLease;
  if (b.monitor !== undefined && lease > 0 && lease < 2 * b.monitor.tick) {
    error(
      'global',
      undefined,
      'writer_lease',
      `${String(lease)} s is shorter than two monitor ticks (tick ${String(b.monitor.tick)} s); expected 0 (off) or at least ${String(2 * b.monitor.tick)} s`,
    );
  }
}

function checkActiveMasterRole(b: BuiltSections, error: Report, warn: Report, expectHost: string): void {
  const name = b.global.activeMasterRole;
  if (name === '') return;
  const role = b.roles.find((r) => r.name === name);
  if (role === undefined) {
    const roles = b.roles.map((r) => r.name);
    error(
      'global',
      undefined,
      'active_master_role',
      `unknown role '${name}'; expected ${roles.length === 0 ? 'a configured role (there is none)' : `one of ${roles.join(', ')}`}`,
    );
    return;
  }
  if (b.positions.has('role', name, 'mode') && role.mode !== 'exclusive') {
    error('role', name, 'mode', `the active_master_role must be exclusive; got ${role.mode}`);
  }
  if (role.hosts.length > 2) {
    error(
      'role',
      name,
      'hosts',
      `more than two hosts can hold the active master role (${role.hosts.join(', ')}); expected at most 2`,
    );
  } else if (role.hosts.length === 1) {
    warn('role', name, 'hosts', 'only one host can hold the active master role; there is no failover target');
  }
  for (const h of role.hosts) {
    const host = b.hosts.find((x) => x.name === h);
    if (host !== undefined && b.positions.has('host', h, 'mode') && host.mode !== 'master') {
      error(
        'role',
        name,
        'hosts',
        `host '${h}' holds the active master role but is mode ${host.mode}; expected masters only (${expectHost})`,
      );
    }
  }
}

function checkHosts(
  hosts: readonly HostConfig[],
  pos: Positions,
  error: Report,
  warn: Report,
  expectHost: string,
): void {
  const byIp = new Map<string, string>();
  for (const h of hosts) {
    if (h.ip !== '') {
      const other = byIp.get(h.ip);
      if (other !== undefined)
        error(
          'host',
          h.name,
          'ip',
          `${h.ip} is already the ip of ${where(pos, 'host', other, 'ip')}; expected a unique address`,
        );
      else byIp.set(h.ip, h.name);
    }
    if (h.peer === undefined) continue;
    if (h.mode !== 'master') {
      warn('host', h.name, 'peer', `ignored for mode ${h.mode}`);
      continue;
    }
    const peer = hosts.find((x) => x.name === h.peer);
    if (peer === undefined) error('host', h.name, 'peer', `unknown host '${h.peer}'; expected ${expectHost}`);
    else if (peer.name === h.name)
      error('host', h.name, 'peer', 'a master cannot be its own peer; expected the other master');
    else if (pos.has('host', peer.name, 'mode') && peer.mode !== 'master')
      error('host', h.name, 'peer', `host '${peer.name}' is mode ${peer.mode}; expected the other master`);
    else if (peer.peer !== undefined && peer.peer !== h.name)
      warn('host', h.name, 'peer', `'${peer.name}' names '${peer.peer}' as its peer, not '${h.name}'`);
  }
}

function checkRoles(b: BuiltSections, error: Report, warn: Report, expectHost: string): void {
  const pos = b.positions;
  const hostIps = new Map(b.hosts.filter((h) => h.ip !== '').map((h) => [h.ip, h.name]));
  const vips = new Map<string, string>();
  for (const r of b.roles) {
    const fail = (key: string, message: string): void => {
      error('role', r.name, key, message);
    };
    const seen = new Set<string>();
    for (const h of r.hosts) {
      if (!b.hosts.some((x) => x.name === h)) fail('hosts', `unknown host '${h}'; expected ${expectHost}`);
      else if (seen.has(h)) fail('hosts', `host '${h}' is listed twice; expected each host once`);
      seen.add(h);
    }
    if (pos.has('role', r.name, 'hosts') && r.hosts.length === 0)
      fail('hosts', 'the role has no hosts; expected at least one host name');
    if (pos.has('role', r.name, 'ips') && r.ips.length === 0)
      fail('ips', 'the role has no IPs; expected at least one address');
    if (r.mode === 'exclusive' && r.ips.length > 1) {
      fail('ips', `an exclusive role has exactly one IP; got ${String(r.ips.length)} (${r.ips.join(', ')})`);
    }
    if (r.prefer !== undefined && !r.hosts.includes(r.prefer)) {
      fail('prefer', `'${r.prefer}' is not one of the role's hosts; expected one of ${r.hosts.join(', ') || '(none)'}`);
    } else if (r.prefer !== undefined && r.mode === 'balanced') {
      warn('role', r.name, 'prefer', 'ignored: prefer applies to exclusive roles only');
    }
    for (const ip of r.ips) {
      const host = hostIps.get(ip);
      if (host !== undefined)
        fail('ips', `${ip} is the ip of ${where(pos, 'host', host, 'ip')}; expected a virtual IP no host uses`);
      const other = vips.get(ip);
      const otherText = other === r.name ? 'this role' : where(pos, 'role', other ?? '', 'ips');
      if (other !== undefined) fail('ips', `${ip} is already used by ${otherText}; expected each VIP once`);
      else vips.set(ip, r.name);
    }
  }
}

/** `<host db1> (file:line)`, to point at the other half of a conflict. */
function where(pos: Positions, type: SectionType, name: string, key: string): string {
  const p = pos.of(type, name, key);
  return `${pos.label(type, name)}${p === undefined ? '' : ` (${p.file}:${String(p.line)})`}`;
}
