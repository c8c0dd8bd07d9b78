// Which hosts may still be an open writer, and whether the host the core names writer may be promoted now.
//
// A desired state never opens the writer by itself (the agent waits for POST /v1/ops/promote). The monitor
// promotes the host the core names writer only when no other host may still be an open writer: every such
// host either answered a desired state without the writer role (the agent fenced it first) or has been out
// of contact for longer than writer_lease + lease_margin (its lease fenced it). With writer_lease 0 an
// unreachable old writer blocks the promotion for good: nothing else fences it. Failover (issue 6) refines it.
//
// Lease relay (agent/lease.ts): a desired state naming host X in `leaseRelay` lets its receiver renew X's lease
// as of no later than it received that state. So "out of contact" counts from the later of X's own last answer
// and the END of the last relaying request to any agent (its answer, error or timeout, on the monitor clock:
// the receipt happened before). A relaying request still in flight counts until its client deadline.

export type GateAnswer =
  | { readonly promote: true; readonly presumedFenced: readonly string[] }
  | {
      readonly promote: false;
      readonly blockedBy: string;
    };

export class WriterGate {
  #startedAt: number;
  /** Epoch ms of the last answer of each agent. */
  readonly #lastContact = new Map<string, number>();
  /** Writer holding each agent reported in its last answer. */
  readonly #holding = new Map<string, string>();
  /** Hosts that are, or may still be, an open writer. */
  readonly #maybeOpen = new Set<string>();
  /** Per relayed host: when the last relaying request ended (epoch ms). */
  readonly #relayEnded = new Map<string, number>();
  /** Relaying requests in flight: relayed host and the deadline by which the request ends. */
  readonly #relayInFlight = new Map<number, { host: string; until: number }>();
  #relayIds = 0;

  constructor(startedAt: number) {
    this.#startedAt = startedAt;
  }

  /**
   * The monitor starts talking to the agents now: an agent that lost the previous monitor counts its peers'
   * contact from here (agent/lease.ts, held writer), so no lease is taken as older than this moment.
   */
  firstPush(now: number): void {
    this.#startedAt = Math.max(this.#startedAt, now);
  }

  /** An agent answered (status or desired state) with its writer holding. */
  answered(host: string, holding: string, now: number): void {
    this.#lastContact.set(host, now);
    this.#holding.set(host, holding);
    if (holding === 'open') this.#maybeOpen.add(host);
    else this.#maybeOpen.delete(host);
  }

  /** A writer candidate whose state is unknown (no answer at startup): it may be open. */
  unknown(host: string): void {
    this.#maybeOpen.add(host);
  }

  holding(host: string): string | undefined {
    return this.#holding.get(host);
  }

  maybeOpen(): readonly string[] {
    return [...this.#maybeOpen];
  }

  /** Epoch ms of the last answer of the host's own agent (undefined: none since the monitor started). */
  lastAnswer(host: string): number | undefined {
    return this.#lastContact.get(host);
  }

  /** A desired state relaying `host`'s lease is being sent; its client gives up by `deadline`. Returns its id. */
  relaySent(host: string, deadline: number): number {
    const id = ++this.#relayIds;
    this.#relayInFlight.set(id, { host, until: deadline });
    return id;
  }

  /** The relaying request `id` ended at `at` (answered, failed or timed out). */
  relayEnded(id: number, at: number): void {
    const r = this.#relayInFlight.get(id);
    if (r === undefined) return;
    this.#relayInFlight.delete(id);
    this.#relayEnded.set(r.host, Math.max(this.#relayEnded.get(r.host) ?? 0, at));
  }

  /** Until when a peer may have renewed `host`'s lease by relay (epoch ms), or undefined when never relayed. */
  relayedUntil(host: string): number | undefined {
    let until = this.#relayEnded.get(host);
    for (const r of this.#relayInFlight.values()) if (r.host === host) until = Math.max(until ?? 0, r.until);
    return until;
  }

  /**
   * Epoch ms from which the host's writer lease counts: its agent's last answer, or the end of the last request
   * relaying its lease, whichever is later (the monitor's first push when neither happened since).
   */
  lastContact(host: string): number {
    return Math.max(this.#lastContact.get(host) ?? 0, this.relayedUntil(host) ?? 0, this.#startedAt);
  }

  /** May `target` be promoted at `now`? `leaseS`/`marginS` from the config. */
  check(target: string, now: number, leaseS: number, marginS: number): GateAnswer {
    const presumed: string[] = [];
    for (const other of this.#maybeOpen) {
      if (other === target) continue;
      const since = this.lastContact(other);
      if (leaseS <= 0 || now - since < (leaseS + marginS) * 1000) return { promote: false, blockedBy: other };
      presumed.push(other);
    }
    return { promote: true, presumedFenced: presumed };
  }

  /** The promotion happened: `target` is the open writer, the presumed-fenced ones are forgotten. */
  promoted(target: string, presumedFenced: readonly string[]): void {
    for (const h of presumedFenced) this.#maybeOpen.delete(h);
    this.#holding.set(target, 'open');
    this.#maybeOpen.add(target);
  }
}
