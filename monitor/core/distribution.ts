// Role distribution, run once per tick outside PASSIVE mode (spec §4.2): orphans first (exclusive roles, then
// balanced), then preferences (ACTIVE mode: automatic failback), then balancing of balanced roles by
// weighted role count (writer 0.5, §4.3). Hosts are eligible when ONLINE with a reachable agent.
//
// Differences from MMM, on purpose:
// - Config order instead of Perl hash order for roles, IPs and tie-breaks, so placement is deterministic.
// - Balancing only moves an IP from a host that holds one of the role and stops when no such move narrows
//   the gap; MMM decremented its counters even when nothing moved and could end uneven (spec §9.5).
// - Failback (moving a role back to its `prefer` host) can be switched off with CoreOptions.failback.
import type { RoleConfig } from '../../common/config/types.js';
import type { Draft } from './draft.js';
import { logText } from './messages.js';
import { roleId } from './role-slots.js';
import { canHandle } from './topology.js';
import type { CoreOptions } from './types.js';

/**
 * Chooses the host for the orphaned active-master role (issue 6: the failover candidate ranking, blocks and
 * anti-flap); undefined leaves it orphaned. Without one, MMM's findEligibleHost places it.
 */
export type WriterPicker = (d: Draft) => string | undefined;

/** Runs the whole distribution step (nothing in PASSIVE mode). */
export function distributeRoles(d: Draft, options: CoreOptions, pickWriter?: WriterPicker): void {
  if (d.mode === 'PASSIVE') return;
  processOrphans(d, 'exclusive', pickWriter);
  processOrphans(d, 'balanced');
  if (d.mode === 'ACTIVE' && options.failback) obeyPreferences(d, pickWriter !== undefined);
  balance(d);
}

/** The role's preferred host, honoured for exclusive roles only and only if it may hold the role. */
export function preferredHost(role: RoleConfig): string | undefined {
  const p = role.prefer;
  return role.mode === 'exclusive' && p !== undefined && canHandle(role, p) ? p : undefined;
}

/**
 * MMM's find_eligible_host: the preferred host if eligible, else the eligible host with the smallest weighted
 * role count (strictly smaller wins, so ties go to the earliest host in the role's `hosts`).
 */
export function findEligibleHost(d: Draft, role: RoleConfig, exclude?: string): string | undefined {
  const prefer = preferredHost(role);
  if (prefer !== undefined && prefer !== exclude && d.eligible(prefer)) return prefer;
  let best: string | undefined;
  let bestCount = 0;
  for (const host of role.hosts) {
    if (host === exclude || !d.eligible(host)) continue;
    const n = d.count(host);
    if (best === undefined || n < bestCount) {
      best = host;
      bestCount = n;
    }
  }
  return best;
}

/** Assigns every orphaned IP of the roles of `mode`; a role with no eligible host keeps its orphans. */
export function processOrphans(d: Draft, mode: RoleConfig['mode'], pickWriter?: WriterPicker): void {
  for (const role of d.topo.roles) {
    if (role.mode !== mode) continue;
    for (const slot of d.slots) {
      if (slot.role !== role.name || slot.owner !== undefined) continue;
      const host =
        pickWriter !== undefined && role.name === d.topo.config.activeMasterRole
          ? pickWriter(d)
          : findEligibleHost(d, role);
      if (host === undefined) break;
      d.assign(slot, host, 'orphan');
      d.log('info', logText.orphanAssigned(roleId(slot), host), host);
    }
  }
}

/**
 * Moves every exclusive role with an eligible `prefer` host there (MMM's obey_preferences: failback). With
 * `writerPicked`, an orphaned writer role is left to the picker (it stayed orphaned for a reason).
 */
export function obeyPreferences(d: Draft, writerPicked = false): void {
  for (const role of d.topo.roles) {
    const prefer = preferredHost(role);
    if (prefer === undefined || !d.eligible(prefer)) continue;
    for (const slot of d.slots) {
      if (slot.role !== role.name || slot.owner === prefer) continue;
      if (writerPicked && slot.owner === undefined && role.name === d.topo.config.activeMasterRole) continue;
      d.log('info', logText.toPreferred(roleId(slot), slot.owner ?? '', prefer), prefer);
      d.assign(slot, prefer, 'preference');
    }
  }
}

/**
 * Balances each balanced role over its eligible hosts: while the most loaded host that holds an IP of the
 * role has more than 1 (weighted) above the least loaded eligible host, move one IP (first in config
 * order) across. Every move lowers the sum of squared counts, so the loop ends.
 */
export function balance(d: Draft): void {
  for (const role of d.topo.roles) {
    if (role.mode !== 'balanced') continue;
    const hosts = role.hosts.filter((h) => d.eligible(h));
    if (hosts.length < 2) continue;
    for (let move = nextMove(d, role.name, hosts); move !== undefined; move = nextMove(d, role.name, hosts)) {
      d.log('info', logText.balanceMove(roleId(move.slot), move.donor, move.target), move.target);
      d.assign(move.slot, move.target, 'balance');
    }
  }
}

/**
 * The next balancing move for `role`: the first IP of the most loaded host holding one of the role, to the
 * least loaded host, if their weighted counts differ by more than 1.
 */
function nextMove(
  d: Draft,
  role: string,
  hosts: readonly string[],
): { slot: Draft['slots'][number]; donor: string; target: string } | undefined {
  let donor: { host: string; n: number; slot: Draft['slots'][number] } | undefined;
  let target: { host: string; n: number } | undefined;
  for (const host of hosts) {
    const n = d.count(host);
    const slot = d.slots.find((s) => s.role === role && s.owner === host);
    if (slot !== undefined && (donor === undefined || n > donor.n)) donor = { host, n, slot };
    if (target === undefined || n < target.n) target = { host, n };
  }
  if (donor === undefined || target === undefined || donor.n - target.n <= 1) return undefined;
  return { slot: donor.slot, donor: donor.host, target: target.host };
}
