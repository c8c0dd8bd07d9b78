// The failover-aware parts of one tick (issue 6), used by decide when the shell passes fresh GTID facts:
// hold-outs of hosts that diverged from the writer, who orphaned the writer role (a failure or an admin),
// where the orphaned writer role goes (the candidate ranking, never while a block or anti-flap holds it),
// and the bookkeeping of automatic failovers. Pure: the facts and `now` come in.
import type { Draft } from '../draft.js';
import type { FailoverState, HoldOut } from '../types.js';
import type { FactsByHost } from './facts.js';
import { errantGtids } from './gtid-view.js';
import { rankWriterCandidates } from './candidates.js';

/** The operator's way out of a block, for texts and `show`. */
export const ACK_HINT =
  "run 'mmm_control failover_ack' to retry the failover, or 'mmm_control failover_ack --promote' to promote even if the candidate has not applied everything";

/**
 * Sets or clears each host's hold-out from the facts: errant transactions against the writer (not judged
 * for the writer itself, nor without fresh facts of both); a cannot-follow hold ends once the host
 * replicates from the writer with both threads running.
 */
export function applyHoldOuts(d: Draft, facts: FactsByHost, writer: string | undefined): void {
  const wf = writer === undefined ? undefined : facts[writer];
  for (const name of d.topo.hostNames) {
    const h = d.host(name);
    const f = facts[name];
    if (name === writer) {
      delete h.heldOut;
      continue;
    }
    if (f === undefined || wf === undefined || writer === undefined) continue;
    const errant = errantGtids(f, wf);
    if (errant !== undefined && errant !== '') {
      if (h.heldOut?.kind !== 'errant' || h.heldOut.gtids !== errant) {
        h.heldOut = errantHold(name, writer, errant, h.heldOut?.kind === 'errant' ? h.heldOut.since : d.now);
        d.log('error', `Host '${name}' is held out: it has errant transactions ${errant} that '${writer}' lacks`, name);
      }
      continue;
    }
    if (h.heldOut === undefined) continue;
    const r = f.replication;
    const follows = r !== null && r.sourceHost === writer && r.ioRunning === 'yes' && r.sqlRunning;
    if (errant === '' && (h.heldOut.kind === 'errant' || follows)) {
      d.log('info', `Host '${name}' is no longer held out (${h.heldOut.reason})`, name);
      delete h.heldOut;
    }
  }
}

export function errantHold(host: string, writer: string, gtids: string, since: number): HoldOut {
  return {
    kind: 'errant',
    reason: `errant transactions ${gtids} (in ${host}'s binlog, not on writer ${writer}); nothing was overwritten`,
    gtids,
    since,
  };
}

/** Notes that the writer role was orphaned by a failure of `from` this tick (not by an admin). */
export function noteOrphan(d: Draft, startMaster: string | undefined): void {
  if (startMaster === undefined || d.activeMaster() !== undefined) return;
  if (d.host(startMaster).state === 'ADMIN_OFFLINE') return;
  d.failover = { ...d.failover, orphanedBy: { from: startMaster, at: d.now } };
}

/** Is another automatic failover held by anti-flap? */
export function antiFlapHolds(f: FailoverState, windowS: number, now: number): boolean {
  const last = f.lastAuto;
  if (last === undefined || windowS <= 0) return false;
  if (f.acknowledgedAt !== undefined && f.acknowledgedAt >= last.at) return false;
  return now - last.at < windowS * 1000;
}

/**
 * Where the orphaned writer role goes this tick, or undefined (it stays orphaned; `d.failover` says why).
 * Sticky blocks and anti-flap hold it; otherwise the best ranked candidate.
 */
export function pickWriter(d: Draft, facts: FactsByHost): string | undefined {
  const role = d.topo.roleByName.get(d.topo.config.activeMasterRole);
  if (role === undefined) return undefined;
  const f = d.failover;
  if (f.blocked !== undefined) return undefined;
  const windowS = d.topo.config.monitor?.failover.antiFlapWindow ?? 0;
  if (f.orphanedBy !== undefined && antiFlapHolds(f, windowS, d.now)) {
    const last = f.lastAuto;
    const reason = `another automatic failover within anti_flap_window (${windowS} s): the last one moved the writer from ${last?.from ?? '?'} to ${last?.to ?? '?'}`;
    d.failover = { ...f, blocked: { kind: 'anti-flap', reason, since: d.now, hint: ACK_HINT } };
    d.log('fatal', `Failover blocked: ${reason}; ${ACK_HINT}`);
    return undefined;
  }
  const ranking = rankWriterCandidates(role, d.toModel(), facts);
  const best = ranking.ranked[0];
  const waiting = best === undefined ? ranking.reason : '';
  if (waiting !== f.waiting) {
    if (waiting !== '' && f.orphanedBy !== undefined) d.log('error', `Writer role stays orphaned: ${waiting}`);
    d.failover = { ...d.failover, waiting };
  }
  // Only an eligible host (ONLINE, agent reachable) may take a role, as everywhere in the distribution.
  return best !== undefined && d.eligible(best) ? best : undefined;
}

/**
 * After distribution: an automatic failover that placed the writer is recorded for anti-flap. The writer back
 * on the host that lost it (both masters were down, it returned first) moved nothing: it does not arm
 * anti-flap, so the next real failover is not held for an hour (flapping hosts are caught by flap detection).
 */
export function noteAssigned(d: Draft): void {
  const f = d.failover;
  const to = d.activeMaster();
  if (to === undefined) return;
  if (f.orphanedBy?.from === to) {
    d.failover = { ...f, orphanedBy: undefined, waiting: '' };
  } else if (f.orphanedBy !== undefined) {
    d.failover = { ...f, lastAuto: { at: d.now, from: f.orphanedBy.from, to }, orphanedBy: undefined, waiting: '' };
  } else if (f.waiting !== '') {
    d.failover = { ...f, waiting: '' };
  }
}
