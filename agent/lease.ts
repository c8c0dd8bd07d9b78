// The writer lease, decided purely (time comes in as numbers). An agent holding the writer role that has not
// heard from the monitor for `leaseMs` fences itself, so the monitor can promote another host once the lease
// has surely expired even when it cannot reach this agent (ARCHITECTURE.md §2.3).
//
// Refinement (peer check): a monitor restart must not take writes away. Before fencing, the agent asks the
// other agents when they last heard from the monitor. If at least one answered and none heard from it within
// the lease, the monitor itself is presumed down (not a partition around this host): the writer stays open.
// If any peer heard from the monitor recently, this host is the one cut off: fence. If no peer answered, this
// host may be isolated: fence. agent/README.md explains the limit of this reasoning.

export interface PeerAnswer {
  readonly host: string;
  /** ms since the peer last heard from the monitor; null: never; 'unreachable': no answer (down, timeout, refused). */
  readonly lastMonitorContactAgoMs: number | null | 'unreachable';
}

export interface LeaseInput {
  readonly enabled: boolean;
  readonly leaseMs: number;
  readonly holdsWriter: boolean;
  /** ms since the last accepted monitor request (since agent start when none came yet). */
  readonly contactAgoMs: number;
  readonly peerCheck: boolean;
  /** Answers of the peer agents to this expiry, or undefined when they have not been asked yet. */
  readonly peers: readonly PeerAnswer[] | undefined;
}

export type LeaseDecision =
  | { readonly kind: 'ok' }
  | { readonly kind: 'ask-peers' }
  | { readonly kind: 'hold'; readonly message: string }
  | { readonly kind: 'fence'; readonly message: string };

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function decideLease(input: LeaseInput): LeaseDecision {
  if (!input.enabled || !input.holdsWriter || input.contactAgoMs < input.leaseMs) return { kind: 'ok' };
  const silent = `no desired state from the monitor for ${seconds(input.contactAgoMs)} (writer_lease ${seconds(input.leaseMs)})`;
  if (!input.peerCheck) return { kind: 'fence', message: `writer lease expired: ${silent}` };
  if (input.peers === undefined) return { kind: 'ask-peers' };

  const answered = input.peers.filter((p) => p.lastMonitorContactAgoMs !== 'unreachable');
  const unreachable = input.peers.filter((p) => p.lastMonitorContactAgoMs === 'unreachable').map((p) => p.host);
  if (answered.length === 0) {
    const who =
      unreachable.length === 0 ? 'no peer agent is configured' : `no peer agent answered (${unreachable.join(', ')})`;
    return { kind: 'fence', message: `writer lease expired: ${silent}; ${who}` };
  }
  const heard = answered.filter(
    (p) => typeof p.lastMonitorContactAgoMs === 'number' && p.lastMonitorContactAgoMs < input.leaseMs,
  );
  if (heard.length > 0) {
    const who = heard.map((p) => `${p.host} ${seconds(p.lastMonitorContactAgoMs as number)} ago`).join(', ');
    return { kind: 'fence', message: `writer lease expired: ${silent}, but peers still hear from it (${who})` };
  }
  const asked = answered.map((p) => p.host).join(', ');
  const rest = unreachable.length === 0 ? '' : `; no answer from ${unreachable.join(', ')}`;
  return { kind: 'hold', message: `lease held: monitor silent to all reachable agents (${asked})${rest}` };
}
