// set_online and set_offline (spec §1.3, §2.8), with MMM's checks in MMM's order. Roles follow in the next
// tick's distribution step; set_offline clears the host's roles at once in every mode.
import { logText, say } from '../messages.js';
import { hostConfig } from '../topology.js';
import type { HostState } from '../types.js';
import type { CommandOutcome, CommandRun } from './context.js';

/** The admin state change itself: MMM's FATAL log, the state, and an immediate push to that host. */
function adminSetState(run: CommandRun, host: string, from: HostState, to: 'ONLINE' | 'ADMIN_OFFLINE'): void {
  const online = to === 'ONLINE';
  run.d.setState(host, to, {
    rule: online ? 'admin_set_online' : 'admin_set_offline',
    reason: `admin ran ${online ? 'set_online' : 'set_offline'} ${host}`,
    log: logText.adminState(host, from, to),
  });
  if (online) run.d.host(host).flap = { ...run.d.host(host).flap, flapping: false };
  else run.d.clearRoles(host, 'admin');
  run.pushNow([host]);
}

/** `set_online <host>`: from ADMIN_OFFLINE or AWAITING_RECOVERY, clears the flapping flag. */
export function setOnline(run: CommandRun, host: string): CommandOutcome {
  const d = run.d;
  if (!d.topo.hosts.has(host)) return run.finish(say.unknownHost(host));
  const h = d.host(host);
  const from = h.state;
  if (from === 'ONLINE') return run.finish(say.alreadyOnline);
  if (from !== 'ADMIN_OFFLINE' && from !== 'AWAITING_RECOVERY') return run.finish(say.cantSwitchOnline(host, from));
  if (h.checks.ping.state !== 'ok' || h.checks.mysql.state !== 'ok') return run.finish(say.checksNotOk(host));
  if (h.heldOut !== undefined) return run.finish(say.heldOut(host, h.heldOut.reason));
  const peer = hostConfig(d.topo, host).peer;
  if (peer !== undefined && d.stateOf(peer) === 'ONLINE') {
    const p = d.host(peer);
    if (p.checks.rep_threads.state !== 'ok' || p.checks.rep_backlog.state !== 'ok') {
      return run.finish(say.peerReplicationFailed(peer, host));
    }
  }
  if (!run.ctx.agentReachable(host)) return run.finish(say.agentUnreachableState(host));
  adminSetState(run, host, from, 'ONLINE');
  return run.finish(say.setOnline(host));
}

/** `set_offline <host>`: from ONLINE or REPLICATION_*, removes all roles; the agent stops replication. */
export function setOffline(run: CommandRun, host: string): CommandOutcome {
  const d = run.d;
  if (!d.topo.hosts.has(host)) return run.finish(say.unknownHost(host));
  const from = d.host(host).state;
  if (from === 'ADMIN_OFFLINE') return run.finish(say.alreadyOffline);
  if (from !== 'ONLINE' && from !== 'REPLICATION_FAIL' && from !== 'REPLICATION_DELAY') {
    return run.finish(say.cantSwitchOffline(host, from));
  }
  if (!run.ctx.agentReachable(host)) return run.finish(say.agentUnreachableState(host));
  adminSetState(run, host, from, 'ADMIN_OFFLINE');
  return run.finish(say.setOffline(host));
}
