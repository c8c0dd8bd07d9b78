// Host-state transitions, exactly the rules of spec §2.3 in their order, evaluated once per tick for every
// host in config order (MMM: hash order). Each change carries its rule, a reason in words and MMM's FATAL
// log text. Role handling follows §2.4: in ACTIVE mode a host leaving ONLINE loses all roles at once; in
// MANUAL/WAIT it keeps them.
//
// Held-out hosts (issue 6: errant transactions, cannot follow the writer) never go ONLINE: an ONLINE one goes
// to REPLICATION_FAIL (rule held_out), AWAITING_RECOVERY and REPLICATION_* ones stay where they are.
//
// Difference from MMM (spec §9.5): in PASSIVE mode MMM's "send" failed by design and kill_host_bin ran for
// every host leaving ONLINE. Here nothing is pushed and nothing is killed while PASSIVE.
import type { Draft } from './draft.js';
import { lastCheckChange } from './model.js';
import { logText } from './messages.js';
import { hostConfig, isMasterHost } from './topology.js';
import type { HostModel } from './types.js';

/** Replication failures of a host are ignored for this long after its peer entered ONLINE (spec §2.3 rule 3). */
export const PEER_GRACE_MS = 60_000;
/** A host that was gone for less than this (by the agent's OS uptime) returns to ONLINE by itself (§2.6). */
export const SHORT_DOWNTIME_S = 60;

/** Check results of one host, as booleans (P, M, T, B in spec §2.3). */
interface Checks {
  readonly ping: boolean;
  readonly mysql: boolean;
  readonly threads: boolean;
  readonly backlog: boolean;
}

/** Everything one host's evaluation needs besides the draft. */
interface HostContext {
  readonly d: Draft;
  readonly h: HostModel;
  readonly c: Checks;
  readonly peer: string | undefined;
  readonly activeMaster: string | undefined;
  /** Hosts that lost ONLINE this tick: push them first; kill_host if that push fails. */
  readonly fence: string[];
}

/** Reason text for a HARD_OFFLINE transition. */
function downReason(c: Checks): string {
  return `ping and/or mysql check failed (ping: ${c.ping ? 'OK' : 'not OK'}, mysql: ${c.mysql ? 'OK' : 'not OK'})`;
}

function checksOf(h: HostModel): Checks {
  return {
    ping: h.checks.ping.state === 'ok',
    mysql: h.checks.mysql.state === 'ok',
    threads: h.checks.rep_threads.state === 'ok',
    backlog: h.checks.rep_backlog.state === 'ok',
  };
}

/**
 * Evaluates spec §2.3 for every host (ADMIN_OFFLINE hosts are skipped). The active master is taken once,
 * before the loop, as MMM did; peers' states are read as they change during the loop.
 * Returns the hosts to fence (push first, kill if unreachable).
 */
export function evaluateHostStates(d: Draft): string[] {
  const activeMaster = d.activeMaster();
  const fence: string[] = [];
  for (const name of d.topo.hostNames) {
    const h = d.host(name);
    const hc = hostConfig(d.topo, name);
    const peer = hc.peer ?? (hc.mode === 'slave' ? activeMaster : undefined);
    const ctx: HostContext = { d, h, c: checksOf(h), peer, activeMaster, fence };
    switch (h.state) {
      case 'ONLINE':
        fromOnline(ctx);
        break;
      case 'AWAITING_RECOVERY':
        fromAwaitingRecovery(ctx);
        break;
      case 'HARD_OFFLINE':
        fromHardOffline(ctx);
        break;
      case 'REPLICATION_FAIL':
      case 'REPLICATION_DELAY':
        fromReplicationProblem(ctx);
        break;
      case 'ADMIN_OFFLINE':
      case 'UNKNOWN':
        break;
    }
  }
  return fence;
}

/** The peer, if it is ONLINE and its own ping and mysql checks are OK. */
function healthyPeer(ctx: HostContext): string | undefined {
  if (ctx.peer === undefined || ctx.d.stateOf(ctx.peer) !== 'ONLINE') return undefined;
  const p = ctx.d.host(ctx.peer);
  return p.checks.ping.state === 'ok' && p.checks.mysql.state === 'ok' ? ctx.peer : undefined;
}

/** ONLINE→X in ACTIVE/PASSIVE: the host loses all roles; outside PASSIVE it is fenced (kill if unreachable). */
function leaveOnline(ctx: HostContext): void {
  const { d, h } = ctx;
  if (d.isManual()) return;
  d.clearRoles(h.name, 'host_state');
  if (d.mode !== 'PASSIVE') ctx.fence.push(h.name);
}

function fromOnline(ctx: HostContext): void {
  const { d, h, c } = ctx;
  if (!(c.ping && c.mysql)) {
    d.setState(h.name, 'HARD_OFFLINE', {
      rule: 'online_to_hard_offline',
      reason: downReason(c),
      log: logText.hardOffline(h.name, 'ONLINE', c.ping, c.mysql),
    });
    leaveOnline(ctx);
    return;
  }
  if (h.name === ctx.activeMaster) return;
  if (h.heldOut !== undefined) {
    d.setState(h.name, 'REPLICATION_FAIL', {
      rule: 'held_out',
      reason: h.heldOut.reason,
      log: logText.changed(h.name, 'ONLINE', 'REPLICATION_FAIL'),
    });
    leaveOnline(ctx);
    return;
  }
  if (
    ctx.peer !== undefined &&
    d.stateOf(ctx.peer) === 'ONLINE' &&
    d.host(ctx.peer).onlineSince >= d.now - PEER_GRACE_MS
  ) {
    return;
  }
  const peer = healthyPeer(ctx);
  if (peer === undefined) return;
  if (!c.threads) {
    d.setState(h.name, 'REPLICATION_FAIL', {
      rule: 'online_to_replication_fail',
      reason: `rep_threads check failed while peer '${peer}' is ONLINE and reachable`,
      log: logText.changed(h.name, 'ONLINE', 'REPLICATION_FAIL'),
    });
    leaveOnline(ctx);
  } else if (!c.backlog) {
    d.setState(h.name, 'REPLICATION_DELAY', {
      rule: 'online_to_replication_delay',
      reason: `rep_backlog check failed while peer '${peer}' is ONLINE and reachable`,
      log: logText.changed(h.name, 'ONLINE', 'REPLICATION_DELAY'),
    });
    leaveOnline(ctx);
  }
}

function fromAwaitingRecovery(ctx: HostContext): void {
  const { d, h, c } = ctx;
  const from = 'AWAITING_RECOVERY';
  if (!(c.ping && c.mysql)) {
    d.setState(h.name, 'HARD_OFFLINE', {
      rule: 'awaiting_to_hard_offline',
      reason: downReason(c),
      log: logText.changed(h.name, from, 'HARD_OFFLINE'),
    });
    return;
  }
  if (!(c.threads && c.backlog) || h.heldOut !== undefined) return;
  const { autoSetOnlineMs, autoSetOnlineS, flapDurationMs, flapDurationS } = d.topo.settings;
  const inStateS = (d.now - h.lastStateChange) / 1000;
  if (h.flap.flapping) {
    if (autoSetOnlineMs <= 0 || d.now - lastCheckChange(h) < flapDurationMs) return;
    d.setState(h.name, 'ONLINE', {
      rule: 'awaiting_to_online_flapping_auto',
      reason: `flapping host had no check change for flap_duration (${flapDurationS} s) and auto_set_online is on`,
      log: logText.flappingAuto(h.name, flapDurationS, inStateS),
    });
    return;
  }
  const downS = h.uptime - h.lastOnlineUptime;
  if (h.lastOnlineUptime > 0 && downS > 0 && downS < SHORT_DOWNTIME_S) {
    d.setState(h.name, 'ONLINE', {
      rule: 'awaiting_to_online_short_downtime',
      reason: `host was down for only ${Math.trunc(downS)} s by its OS uptime (less than ${SHORT_DOWNTIME_S} s)`,
      log: logText.shortDowntime(h.name, downS),
    });
    return;
  }
  if (autoSetOnlineMs > 0 && autoSetOnlineMs <= d.now - h.lastStateChange) {
    d.setState(h.name, 'ONLINE', {
      rule: 'awaiting_to_online_auto_set_online',
      reason: `host was AWAITING_RECOVERY for auto_set_online (${autoSetOnlineS} s) with all checks OK`,
      log: logText.autoSetOnline(h.name, autoSetOnlineS, inStateS),
    });
  }
}

function fromHardOffline(ctx: HostContext): void {
  const { d, h, c } = ctx;
  const from = 'HARD_OFFLINE';
  if (!(c.ping && c.mysql)) return;
  if (ctx.activeMaster !== undefined || !isMasterHost(d.topo, h.name)) {
    if (!c.threads) {
      d.setState(h.name, 'REPLICATION_FAIL', {
        rule: 'hard_offline_to_replication_fail',
        reason: 'ping and mysql are OK again but the rep_threads check is failed',
        log: logText.changed(h.name, from, 'REPLICATION_FAIL'),
      });
      return;
    }
    if (!c.backlog) {
      d.setState(h.name, 'REPLICATION_DELAY', {
        rule: 'hard_offline_to_replication_delay',
        reason: 'ping and mysql are OK again but the rep_backlog check is failed',
        log: logText.changed(h.name, from, 'REPLICATION_DELAY'),
      });
      return;
    }
  }
  d.setState(h.name, 'AWAITING_RECOVERY', {
    rule: 'hard_offline_to_awaiting_recovery',
    reason:
      ctx.activeMaster === undefined && isMasterHost(d.topo, h.name)
        ? 'ping and mysql are OK again (no active master: replication checks skipped for a master candidate)'
        : 'ping and mysql are OK again and replication is fine',
    log: logText.changed(h.name, from, 'AWAITING_RECOVERY'),
  });
}

function fromReplicationProblem(ctx: HostContext): void {
  const { d, h, c } = ctx;
  const from = h.state;
  if (c.ping && c.mysql) {
    if (from === 'REPLICATION_FAIL' && c.threads && !c.backlog) {
      d.setState(h.name, 'REPLICATION_DELAY', {
        rule: 'replication_fail_to_delay',
        reason: 'replication threads run again but the backlog is too big',
        log: logText.changed(h.name, from, 'REPLICATION_DELAY'),
      });
      return;
    }
    if (from === 'REPLICATION_DELAY' && !c.threads) {
      d.setState(h.name, 'REPLICATION_FAIL', {
        rule: 'replication_delay_to_fail',
        reason: 'the rep_threads check failed',
        log: logText.changed(h.name, from, 'REPLICATION_FAIL'),
      });
      return;
    }
  }
  if (c.ping && c.mysql && h.heldOut === undefined && ((c.threads && c.backlog) || d.stateOf(ctx.peer) !== 'ONLINE')) {
    const why = c.threads && c.backlog ? 'replication is fine again' : `peer '${ctx.peer ?? ''}' is not ONLINE`;
    if (h.flap.flapping) {
      d.setState(h.name, 'AWAITING_RECOVERY', {
        rule: 'replication_to_awaiting_flapping',
        reason: `${why}, but the host is flapping`,
        log: logText.becauseFlapping(h.name, from),
      });
      return;
    }
    d.setState(h.name, 'ONLINE', {
      rule: 'replication_to_online',
      reason: why,
      log: logText.changed(h.name, from, 'ONLINE'),
    });
    return;
  }
  if (!(c.ping && c.mysql)) {
    d.setState(h.name, 'HARD_OFFLINE', {
      rule: 'replication_to_hard_offline',
      reason: downReason(c),
      log: logText.hardOffline(h.name, from, c.ping, c.mysql),
    });
    if (d.mode !== 'PASSIVE') ctx.fence.push(h.name);
  }
}
