// One hung host must not hold the tick (issue 6: "no monitor step may block behind one hung host"). An agent
// whose mysqld is frozen answers its status and desired-state calls only when its own MySQL statements time
// out (seconds); the tick must still decide every `tick` s. PerHostCalls runs at most one call per host at a
// time and lets the caller wait for it only a bounded time: a call that has not settled by then keeps running
// in the background (no second call to that host starts meanwhile) and the caller goes on without its result.

export type Bounded<T> =
  | { readonly kind: 'settled'; readonly value: T }
  | { readonly kind: 'failed'; readonly error: unknown }
  /** Not settled within the wait (or an earlier call to the host is still running): no result this time. */
  | { readonly kind: 'slow' };

export class PerHostCalls<T> {
  readonly #running = new Map<string, Promise<unknown>>();

  /** Is a call to `host` still running? */
  busy(host: string): boolean {
    return this.#running.has(host);
  }

  /**
   * Starts `call` for `host` unless one is running, and waits for it at most `waitMs`. A call that was already
   * running gives `slow` at once: its result belongs to the wait that started it.
   */
  async run(host: string, waitMs: number, call: () => Promise<T>): Promise<Bounded<T>> {
    if (this.#running.has(host)) return { kind: 'slow' };
    const p = this.start(host, call);
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<Bounded<T>>((resolve) => {
      timer = setTimeout(() => {
        resolve({ kind: 'slow' });
      }, waitMs);
    });
    try {
      return await Promise.race([
        p.then(
          (value): Bounded<T> => ({ kind: 'settled', value }),
          (error: unknown): Bounded<T> => ({ kind: 'failed', error }),
        ),
        slow,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts `call` for `host` in the background (nothing when one is running); the promise of the call. */
  start(host: string, call: () => Promise<T>): Promise<T> {
    const running = this.#running.get(host);
    if (running !== undefined) return running as Promise<T>;
    const p = call();
    this.#running.set(host, p);
    const clear = (): void => {
      if (this.#running.get(host) === p) this.#running.delete(host);
    };
    p.then(clear, clear);
    return p;
  }

  /** Waits for every running call (at stop). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#running.values()]);
  }
}
