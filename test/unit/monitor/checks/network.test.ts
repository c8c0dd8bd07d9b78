// ping_ips network self-check (spec §3.6) with a scripted probe and fake timers.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../../common/log/index.js';
import { NetworkChecker } from '../../../../monitor/checks/network.js';

interface LogLine {
  level: string;
  msg: string;
}

function sink(): { lines: LogLine[]; stream: Writable } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      done();
    },
  });
  return { lines, stream };
}

let up: Set<string>;
let probed: string[];
const probe = (ip: string): Promise<boolean> => {
  probed.push(ip);
  return Promise.resolve(up.has(ip));
};

function checker(pingIps: string[], pingInterval: number): { net: NetworkChecker; lines: LogLine[] } {
  const { lines, stream } = sink();
  const net = new NetworkChecker({
    pingIps,
    pingInterval,
    probe,
    logger: createLogger({ name: 't', destination: stream }),
  });
  return { net, lines };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  up = new Set(['198.18.40.1']);
  probed = [];
});

afterEach(() => {
  vi.useRealTimers();
});

describe('NetworkChecker', () => {
  it('pings ping_ips in order and stops at the first that answers', async () => {
    const { net } = checker(['198.18.40.2', '198.18.40.1', '198.18.40.3'], 1);
    expect(await net.checkOnce()).toBe(true);
    expect(probed).toEqual(['198.18.40.2', '198.18.40.1']);
  });

  it("logs each flip at FATAL with MMM's words and tells listeners; no log without a flip", async () => {
    const { net, lines } = checker(['198.18.40.1'], 0.5);
    const flips: boolean[] = [];
    net.onChange((v) => flips.push(v));
    net.start();
    await vi.advanceTimersByTimeAsync(1_000);
    up.clear();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(net.haveNet).toBe(false);
    up.add('198.18.40.1');
    await vi.advanceTimersByTimeAsync(1_000);
    await net.stop();
    expect(net.haveNet).toBe(true);
    expect(flips).toEqual([false, true]);
    expect(lines.filter((l) => l.level === 'fatal').map((l) => l.msg)).toEqual([
      'Network is unreachable',
      'Network is reachable',
    ]);
    // one round per ping_interval (0.5 s) over 3 s, and nothing after stop()
    expect(probed.length).toBeGreaterThanOrEqual(6);
    expect(probed.length).toBeLessThanOrEqual(7);
    const n = probed.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(probed.length).toBe(n);
  });

  it('waits at startup, retrying every ping_interval, until one of ping_ips answers', async () => {
    up.clear();
    const { net } = checker(['198.18.40.1'], 1);
    let ready = false;
    const waiting = net.waitUntilReachable().then(() => (ready = true));
    await vi.advanceTimersByTimeAsync(2_500);
    expect(ready).toBe(false);
    expect(probed).toHaveLength(3);
    up.add('198.18.40.1');
    await vi.advanceTimersByTimeAsync(1_000);
    await waiting;
    expect(ready).toBe(true);
  });

  it('the startup wait can be aborted', async () => {
    up.clear();
    const { net } = checker(['198.18.40.1'], 1);
    const ac = new AbortController();
    const waiting = net.waitUntilReachable(ac.signal);
    await vi.advanceTimersByTimeAsync(500);
    ac.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
  });

  it('without ping_ips the network counts as reachable, with a warning', async () => {
    const { net, lines } = checker([], 1);
    expect(await net.checkOnce()).toBe(true);
    expect(probed).toEqual([]);
    expect(lines.map((l) => l.msg)).toEqual([
      'no ping_ips configured: the monitor assumes its network is always reachable',
    ]);
  });
});
