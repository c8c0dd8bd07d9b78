// Pure planning for the agent: (what is on the host, what the agent remembers, what the monitor wants) →
// the ordered list of local actions that converges the host. No I/O, no clock. agent/apply.ts runs the plan.
//
// Safety rules encoded here (ARCHITECTURE.md §2.3, issue 4):
// - Losing the writer role: deny writes, kill client sessions, only then remove the writer VIP (so no client
//   can write between the VIP leaving and read_only), then forget the writer grant.
// - Gaining the writer role happens only through the monitor's explicit promote step (the writer grant); a
//   desired state that names this host writer without a grant changes nothing for the writer.
// - A host that is writable although the desired state does not name it writer gets read_only back (no
//   session kill: those are its readers' sessions). One the desired state names writer is left as it is
//   until promote (a writer found open at first contact, e.g. taken over from MMM, keeps taking writes).
// - Reader VIPs bind and unbind freely. ADMIN_OFFLINE stops replication; leaving it starts it again.
// - What is already in place is not touched: the same state gives no actions.
import type { HostState, RoleIp } from '../common/api/agent.js';

export type Action =
  | { readonly kind: 'deny-writes' }
  | { readonly kind: 'kill-sessions' }
  | { readonly kind: 'remove-vip'; readonly role: string; readonly ip: string }
  | { readonly kind: 'revoke-writer' }
  | { readonly kind: 'stop-replication' }
  | { readonly kind: 'start-replication' }
  | { readonly kind: 'add-vip'; readonly role: string; readonly ip: string }
  | { readonly kind: 'allow-writes' };

export type ActionKind = Action['kind'];

/** What MySQL looks like right now, or null when it could not be read (down, hung, refused). */
export interface ActualMysql {
  readonly readOnly: boolean;
  /** null: the host replicates from nobody. */
  readonly replication: { readonly ioRunning: boolean; readonly sqlRunning: boolean } | null;
}

export interface ReconcileInput {
  /** Name of active_master_role. */
  readonly writerRole: string;
  /** Every role IP of the cluster configuration (any role, any host): the addresses that are ours to manage. */
  readonly clusterRoleIps: readonly RoleIp[];
  /** Addresses bound on the cluster interface now. */
  readonly boundIps: ReadonlySet<string>;
  readonly mysql: ActualMysql | null;
  /** The agent holds the writer grant (given by promote, taken by fence, lease or a desired state without writer). */
  readonly writerGrant: boolean;
  /** Replication was stopped for ADMIN_OFFLINE and has not been started again yet. */
  readonly replicationHeld: boolean;
  readonly desired: { readonly state: HostState; readonly roles: readonly RoleIp[] };
}

/** Is this host the writer in fact (grant, writer VIP bound) — the condition the lease and fencing look at. */
export function holdsWriter(
  writerGrant: boolean,
  writerRole: string,
  clusterRoleIps: readonly RoleIp[],
  boundIps: ReadonlySet<string>,
): boolean {
  return writerGrant || clusterRoleIps.some((r) => r.role === writerRole && boundIps.has(r.ip));
}

/** The ordered actions that deny writes and drop the writer VIPs that are bound (fence, lease, role loss); with
 * `readers` (lease self-fence) the other role VIPs bound here go last. */
export function planFence(
  writerRole: string,
  clusterRoleIps: readonly RoleIp[],
  boundIps: ReadonlySet<string>,
  readers = false,
): Action[] {
  const actions: Action[] = [{ kind: 'deny-writes' }, { kind: 'kill-sessions' }];
  for (const r of clusterRoleIps) {
    if (r.role === writerRole && boundIps.has(r.ip)) actions.push({ kind: 'remove-vip', role: r.role, ip: r.ip });
  }
  actions.push({ kind: 'revoke-writer' });
  if (readers) {
    for (const r of clusterRoleIps) {
      if (r.role !== writerRole && boundIps.has(r.ip)) actions.push({ kind: 'remove-vip', role: r.role, ip: r.ip });
    }
  }
  return actions;
}

export function planReconcile(input: ReconcileInput): Action[] {
  const { writerRole, clusterRoleIps, boundIps, mysql, desired } = input;
  const desiredIps = new Set(desired.roles.map((r) => r.ip));
  const wantsWriter = desired.roles.some((r) => r.role === writerRole);
  const actions: Action[] = [];

  // 1. Writer loss first: nothing else may run while this host could still take writes it should not.
  if (!wantsWriter && holdsWriter(input.writerGrant, writerRole, clusterRoleIps, boundIps)) {
    actions.push(...planFence(writerRole, clusterRoleIps, boundIps));
  } else if (mysql?.readOnly === false && !wantsWriter) {
    actions.push({ kind: 'deny-writes' });
  }

  // 2. Other role IPs that are bound here but not wanted here.
  for (const r of clusterRoleIps) {
    if (r.role !== writerRole && boundIps.has(r.ip) && !desiredIps.has(r.ip)) {
      actions.push({ kind: 'remove-vip', role: r.role, ip: r.ip });
    }
  }

  // 3. Replication for ADMIN_OFFLINE (spec §6.4): stop on entering, start again on leaving.
  const repl = mysql === null ? null : mysql.replication;
  if (repl !== null) {
    const running = repl.ioRunning || repl.sqlRunning;
    if (desired.state === 'ADMIN_OFFLINE' && running) actions.push({ kind: 'stop-replication' });
    if (desired.state !== 'ADMIN_OFFLINE' && input.replicationHeld && !(repl.ioRunning && repl.sqlRunning)) {
      actions.push({ kind: 'start-replication' });
    }
  }

  // 4. Reader (non-writer) role IPs to bind.
  for (const r of desired.roles) {
    if (r.role !== writerRole && !boundIps.has(r.ip)) actions.push({ kind: 'add-vip', role: r.role, ip: r.ip });
  }

  // 5. Writer gain, only with the grant from promote: VIP bound and announced, then writes allowed.
  if (wantsWriter && input.writerGrant) {
    for (const r of desired.roles) {
      if (r.role === writerRole && !boundIps.has(r.ip)) actions.push({ kind: 'add-vip', role: r.role, ip: r.ip });
    }
    if (mysql?.readOnly === true) actions.push({ kind: 'allow-writes' });
  }
  return actions;
}

/**
 * Whether replication stays "held" (stopped for ADMIN_OFFLINE, to be started again on leaving it) after a desired
 * state was applied. It is released once START ran, or when MySQL showed nothing to start; while MySQL cannot
 * be read, or START failed, it stays held and the next desired state tries again.
 */
export function nextReplicationHold(
  desiredState: HostState,
  held: boolean,
  mysqlKnown: boolean,
  startFailed: boolean,
): boolean {
  if (desiredState === 'ADMIN_OFFLINE') return true;
  if (!held) return false;
  return !mysqlKnown || startFailed;
}
