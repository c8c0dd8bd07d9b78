// One change at a time: desired states, fence, promote, repoint and the lease self-fence all mutate the host,
// and two of them interleaving (say a fence between a promote's VIP bind and its read_only=0) would break the
// ordering guarantees. Reads (status, lease answers) and the catch-up wait do not take the lock.
export class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once everything queued so far has finished. */
  async idle(): Promise<void> {
    await this.#tail;
  }
}
