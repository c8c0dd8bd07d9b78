// When the monitor vouches for the writer through the other agents (lease relay, agent/lease.ts): only while
// the writer is healthy as far as the monitor can tell, although the monitor cannot reach its agent. Pure.
//
// All of these must hold: the model names the host writer and it is ONLINE; the writer gate saw it open; the
// monitor cannot reach its agent (flagged unreachable, or no answer for max(tick, writer_lease / 3): a failed
// push takes agent_timeout, too late for a 3 s lease); and the liveness verdict on it is
// `reachable-by-replicas` (the monitor cannot reach the host, its replicas still receive from it). With the
// verdict `dead` or `unknown` a failover may come: no relay, so the old writer's lease runs out on its own.
// A healthy host whose agent alone is unreachable (verdict `alive`) gets no relay either: its mysqld answers
// the monitor, and relaying would only delay a later failover (e.g. after its agent was killed).

export interface RelayInput {
  /** The writer the model names (undefined: none). */
  readonly writer: string | undefined;
  readonly state: string | undefined;
  /** The writer gate's last view of its agent's writer holding. */
  readonly holding: string | undefined;
  readonly agentReachable: boolean;
  /** ms since its agent last answered (undefined: never since the monitor started). */
  readonly lastAnswerAgoMs: number | undefined;
  /** Liveness verdict (monitor/checks); undefined with corroboration off. */
  readonly verdict: string | undefined;
  readonly leaseMs: number;
  readonly tickMs: number;
}

/** The host whose lease the other agents may relay, or null. */
export function leaseRelayTarget(i: RelayInput): string | null {
  if (i.writer === undefined || i.leaseMs <= 0) return null;
  if (i.state !== 'ONLINE' || i.holding !== 'open' || i.verdict !== 'reachable-by-replicas') return null;
  const silentMs = Math.max(i.tickMs, i.leaseMs / 3);
  const linkDown = !i.agentReachable || i.lastAnswerAgoMs === undefined || i.lastAnswerAgoMs > silentMs;
  return linkDown ? i.writer : null;
}
