// The writer lease, decided purely (time comes in as numbers). An agent holding the writer role that has not
// heard from the monitor for `leaseMs` fences itself, so the monitor can promote another host once the lease
// has surely expired even when it cannot reach this agent (ARCHITECTURE.md §2.3).
//
// Refinement (peer check): a monitor restart must not take writes away. Before fencing, the agent asks the
// other agents when they last heard from the monitor. If at least one answered and none heard from it clearly
// later than this host did (by more than a third of the lease), the monitor itself is presumed down (not a
// partition around this host): the writer stays open. If a peer heard from the monitor since, this host is the
// one cut off: fence. If no peer answered, this host may be isolated: fence. agent/README.md explains the
// limit of this reasoning.
//
// Lease relay: when the monitor cannot reach this host's agent but sees the writer alive through its replicas,
// it names this host in the desired states it pushes to the other agents (`leaseRelay`). A peer answer that
// received such a state within the lease, from a monitor epoch not older than this agent's, renews the lease
// as of (the time this agent sent its question - how long ago the peer received it): never later than the
// peer's real receipt. The monitor counts a relayed host as possibly open until writer_lease + lease_margin
// after its last relaying request ended (monitor/writer-gate.ts), so the relay never outlives its gate.
// Peers are asked from `aheadMs` before the expiry on, so a relayed writer never closes between two relays.

export interface PeerRelay {
  /** The host whose lease the monitor vouched for. */
  readonly forHost: string;
  /** ms between the peer receiving that desired state and answering. */
  readonly agoMs: number;
  /** Epoch of the desired state that carried it. */
  readonly epoch: number;
}

export interface PeerAnswer {
  readonly host: string;
  /** ms since the peer last heard from the monitor; null: never; 'unreachable': no answer (down, timeout, refused). */
  readonly lastMonitorContactAgoMs: number | null | 'unreachable';
  /** The lease relay the peer's last desired state carried (absent/null: none). */
  readonly relay?: PeerRelay | null;
}

export interface LeaseInput {
  readonly enabled: boolean;
  readonly leaseMs: number;
  readonly holdsWriter: boolean;
  /** This agent's host name (a relay must name it). */
  readonly self: string;
  /** Newest monitor epoch this agent accepted (null: none yet): an older relay does not count. */
  readonly epoch: number | null;
  /** ms since the lease was last renewed: the last accepted monitor request, or a relay (since agent start when none). */
  readonly contactAgoMs: number;
  readonly peerCheck: boolean;
  /** The peers are asked from this long before the expiry on (a relay renews before the lease runs out). */
  readonly aheadMs: number;
  /** Answers of the peer agents, or undefined when they have not been asked for this decision. */
  readonly peers: readonly PeerAnswer[] | undefined;
  /** ms since the question to the peers was sent (their answers are at most this old). */
  readonly askedAgoMs: number;
}

export type LeaseDecision =
  | { readonly kind: 'ok' }
  | { readonly kind: 'ask-peers' }
  /** A peer relays the monitor's word: the lease now started `contactAgoMs` ago. */
  | { readonly kind: 'renew'; readonly contactAgoMs: number; readonly via: string; readonly message: string }
  | { readonly kind: 'hold'; readonly message: string }
  | { readonly kind: 'fence'; readonly message: string };

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The freshest valid relay for this host among the answers, as a lease age on this agent's clock. */
function bestRelay(input: LeaseInput, peers: readonly PeerAnswer[]): { via: string; contactAgoMs: number } | undefined {
  let best: { via: string; contactAgoMs: number } | undefined;
  for (const p of peers) {
    const r = p.relay;
    if (r?.forHost !== input.self) continue;
    if (!Number.isFinite(r.agoMs) || r.agoMs < 0) continue;
    if (input.epoch !== null && r.epoch < input.epoch) continue;
    const age = Math.max(0, input.askedAgoMs) + r.agoMs;
    if (age >= input.leaseMs) continue;
    if (best === undefined || age < best.contactAgoMs) best = { via: p.host, contactAgoMs: age };
  }
  return best;
}

export function decideLease(input: LeaseInput): LeaseDecision {
  if (!input.enabled || !input.holdsWriter) return { kind: 'ok' };
  const expired = input.contactAgoMs >= input.leaseMs;
  const silent = `no desired state from the monitor for ${seconds(input.contactAgoMs)} (writer_lease ${seconds(input.leaseMs)})`;
  if (!input.peerCheck) return expired ? { kind: 'fence', message: `writer lease expired: ${silent}` } : { kind: 'ok' };
  if (input.peers === undefined) {
    return input.contactAgoMs >= input.leaseMs - Math.max(0, input.aheadMs) ? { kind: 'ask-peers' } : { kind: 'ok' };
  }

  const relay = bestRelay(input, input.peers);
  if (relay !== undefined && relay.contactAgoMs < input.contactAgoMs) {
    return {
      kind: 'renew',
      contactAgoMs: relay.contactAgoMs,
      via: relay.via,
      message: `lease renewed by relay: the monitor vouched for this writer through ${relay.via} ${seconds(relay.contactAgoMs)} ago`,
    };
  }
  if (!expired) return { kind: 'ok' };

  const answered = input.peers.filter((p) => p.lastMonitorContactAgoMs !== 'unreachable');
  const unreachable = input.peers.filter((p) => p.lastMonitorContactAgoMs === 'unreachable').map((p) => p.host);
  if (answered.length === 0) {
    const who =
      unreachable.length === 0 ? 'no peer agent is configured' : `no peer agent answered (${unreachable.join(', ')})`;
    return { kind: 'fence', message: `writer lease expired: ${silent}; ${who}` };
  }
  // A peer heard the monitor later than this host did, by more than the skew between the monitor's renewals
  // of two hosts: the monitor is alive and only this host is cut off. A peer that went silent at about the same
  // moment (monitor stopped, crashed, or in PASSIVE) is no such evidence. Its answer is at most askedAgoMs old,
  // so the peer's contact is taken as late as it can have been (the fencing side of the doubt).
  const skewMs = input.leaseMs / 3;
  const heard = answered.filter(
    (p) => typeof p.lastMonitorContactAgoMs === 'number' && p.lastMonitorContactAgoMs < input.contactAgoMs - skewMs,
  );
  if (heard.length > 0) {
    const who = heard.map((p) => `${p.host} ${seconds(p.lastMonitorContactAgoMs as number)} ago`).join(', ');
    return { kind: 'fence', message: `writer lease expired: ${silent}, but peers still hear from it (${who})` };
  }
  const asked = answered.map((p) => p.host).join(', ');
  const rest = unreachable.length === 0 ? '' : `; no answer from ${unreachable.join(', ')}`;
  return { kind: 'hold', message: `lease held: monitor silent to all reachable agents (${asked})${rest}` };
}

/** How long before the expiry the peers are asked: a third of the lease, at least the ask deadline + 2 checks. */
export function askAheadMs(leaseMs: number, askTimeoutMs: number, tickMs: number): number {
  return Math.min(leaseMs / 2, Math.max(leaseMs / 3, askTimeoutMs + 2 * tickMs));
}
