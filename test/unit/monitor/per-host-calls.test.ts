// PerHostCalls: one call per host at a time, a bounded wait, slow calls keep running in the background.
import { describe, expect, it } from 'vitest';
import { PerHostCalls } from '../../../monitor/per-host-calls.js';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('PerHostCalls', () => {
  it('gives the value of a call that settles within the wait, and its error when it fails', async () => {
    const calls = new PerHostCalls<number>();
    expect(await calls.run('db1', 1000, async () => Promise.resolve(7))).toEqual({ kind: 'settled', value: 7 });
    const failed = await calls.run('db1', 1000, async () => Promise.reject(new Error('refused')));
    expect(failed.kind).toBe('failed');
    expect(calls.busy('db1')).toBe(false);
  });

  it('a slow call: slow after the wait, no second call while it runs, a new one once it ended', async () => {
    const calls = new PerHostCalls<number>();
    const d = deferred<number>();
    let started = 0;
    const slowCall = async (): Promise<number> => {
      started += 1;
      return d.promise;
    };
    expect(await calls.run('db1', 20, slowCall)).toEqual({ kind: 'slow' });
    expect(calls.busy('db1')).toBe(true);
    expect(await calls.run('db1', 20, slowCall)).toEqual({ kind: 'slow' });
    expect(started).toBe(1);
    // other hosts are not held by db1
    expect(await calls.run('db2', 20, async () => Promise.resolve(2))).toEqual({ kind: 'settled', value: 2 });
    d.resolve(1);
    await calls.settle();
    expect(calls.busy('db1')).toBe(false);
    expect(await calls.run('db1', 20, async () => Promise.resolve(3))).toEqual({ kind: 'settled', value: 3 });
  });

  it('start runs in the background and returns the running call instead of a second one', async () => {
    const calls = new PerHostCalls<string>();
    const d = deferred<string>();
    const first = calls.start('db1', async () => d.promise);
    const second = calls.start('db1', async () => Promise.resolve('second'));
    expect(second).toBe(first);
    d.reject(new Error('timeout'));
    await expect(first).rejects.toThrow('timeout');
    await calls.settle();
    expect(calls.busy('db1')).toBe(false);
  });
});
