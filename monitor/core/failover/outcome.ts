// What the executor's results change in the model (issue 6), as pure functions: a blocked failover orphans the
// writer role with the reason (until `failover_ack`), a replica that cannot follow the new writer leaves the
// reader roles as REPLICATION_FAIL with the reason, and a used `failover_ack --promote` is consumed.
import type { Config } from '../../../common/config/types.js';
import { Draft } from '../draft.js';
import { logText } from '../messages.js';
import { buildTopology } from '../topology.js';
import type { ClusterModel, FailoverBlock, LogEvent, PushStep } from '../types.js';

export interface ModelUpdate {
  readonly model: ClusterModel;
  readonly events: readonly LogEvent[];
  /** Desired states to push now (nothing in PASSIVE mode). */
  readonly push: readonly PushStep[];
}

function finish(d: Draft): ModelUpdate {
  const push = d.mode === 'PASSIVE' ? [] : [{ hosts: d.topo.hostNames, clearBadRoles: false }];
  return { model: d.toModel(), events: d.events, push };
}

/** The writer role goes back to orphaned and stays so, with `block`, until the operator acknowledges. */
export function blockFailover(model: ClusterModel, config: Config, block: FailoverBlock, now: number): ModelUpdate {
  const d = new Draft(buildTopology(config), model, now);
  for (const slot of d.slots) {
    if (slot.role === config.activeMasterRole && slot.owner !== undefined) d.assign(slot, undefined, 'host_state');
  }
  d.failover = { ...d.failover, blocked: block, waiting: '' };
  d.log('fatal', `Failover blocked (${block.kind}): ${block.reason}; ${block.hint}`);
  return finish(d);
}

/** `host` could not be repointed to the writer: REPLICATION_FAIL (roles cleared in ACTIVE), held out. */
export function markCannotFollow(
  model: ClusterModel,
  config: Config,
  host: string,
  writer: string,
  reason: string,
  now: number,
): ModelUpdate {
  const d = new Draft(buildTopology(config), model, now);
  const h = d.host(host);
  const why = `cannot follow writer ${writer}: ${reason}`;
  if (h.heldOut?.kind !== 'errant') h.heldOut = { kind: 'cannot-follow', reason: why, gtids: '', since: now };
  if (h.state === 'ONLINE' || h.state === 'REPLICATION_DELAY' || h.state === 'AWAITING_RECOVERY') {
    const from = h.state;
    d.setState(host, 'REPLICATION_FAIL', {
      rule: 'held_out',
      reason: why,
      log: logText.changed(host, from, 'REPLICATION_FAIL'),
    });
    if (d.mode === 'ACTIVE') d.clearRoles(host, 'host_state');
  }
  d.log('error', `Host '${host}' ${why}`, host);
  return finish(d);
}

/** After a recovery used the one-time `failover_ack --promote`. */
export function consumePromoteOnce(model: ClusterModel): ClusterModel {
  const f = model.failover;
  return f?.promoteOnce === true ? { ...model, failover: { ...f, promoteOnce: false } } : model;
}

/**
 * An automatic failover to `to` completed at `at`: anti-flap counts from its completion (a retry after an
 * acknowledged block is the same failover, and the window starts when the writer is open again).
 */
export function noteFailoverDone(model: ClusterModel, to: string, at: number): ClusterModel {
  const f = model.failover;
  if (f?.lastAuto?.to !== to) return model;
  return { ...model, failover: { ...f, lastAuto: { ...f.lastAuto, at } } };
}
