// Which hosts may still be an open writer, and whether the host the core names writer may be promoted now.
//
// A desired state never opens the writer by itself (the agent waits for POST /v1/ops/promote). The monitor
// promotes the host the core names writer only when no other host may still be an open writer: every such
// host either answered a desired state without the writer role (the agent fenced it first) or has been out
// of contact for longer than writer_lease + lease_margin (its lease fenced it). With writer_lease 0 an
// unreachable old writer blocks the promotion for good: nothing else fences it. Failover (issue 6) refines it.

export type GateAnswer =
  | { readonly promote: true; readonly presumedFenced: readonly string[] }
  | {
      readonly promote: false;
      readonly blockedBy: string;
    };

export class WriterGate {
  readonly #startedAt: number;
  /** Epoch ms of the last answer of each agent. */
  readonly #lastContact = new Map<string, number>();
  /** Writer holding each agent reported in its last answer. */
  readonly #holding = new Map<string, string>();
  /** Hosts that are, or may still be, an open writer. */
  readonly #maybeOpen = new Set<string>();

  constructor(startedAt: number) {
    this.#startedAt = startedAt;
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

  /** Epoch ms of the last answer of the host's agent (the monitor's start when it never answered). */
  lastContact(host: string): number {
    return Math.max(this.#lastContact.get(host) ?? 0, this.#startedAt);
  }

  /** May `target` be promoted at `now`? `leaseS`/`marginS` from the config. */
  check(target: string, now: number, leaseS: number, marginS: number): GateAnswer {
    const presumed: string[] = [];
    for (const other of this.#maybeOpen) {
      if (other === target) continue;
      const since = Math.max(this.#lastContact.get(other) ?? 0, this.#startedAt);
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
