// The ping methods on loopback (no lab needed): fping, iputils ping, and the TCP-connect fallback. Unreachable
// hosts are covered in checks.test.ts, where a lab host is cut off the network.
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/log/index.js';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FpingBatcher, parseFpingLine, Pinger, pingOnce } from '../../../monitor/checks/index.js';

let server: Server;
let openPort: number;

beforeAll(async () => {
  server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  openPort = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
});

describe('ping methods', () => {
  it('fping and ping answer OK for a reachable address', async () => {
    expect(await pingOnce({ kind: 'fping', path: '/usr/bin/fping' }, '127.0.0.1', 3306, 1000)).toEqual({
      kind: 'ok',
      message: 'OK',
    });
    expect(await pingOnce({ kind: 'ping', path: '/usr/bin/ping' }, '127.0.0.1', 3306, 1000)).toEqual({
      kind: 'ok',
      message: 'OK',
    });
  });

  it('the TCP fallback counts an accepted and a refused connection alike as "the host answered"', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => {
          resolve(port);
        });
      });
    });
    expect((await pingOnce({ kind: 'tcp' }, '127.0.0.1', openPort, 1000)).kind).toBe('ok');
    expect((await pingOnce({ kind: 'tcp' }, '127.0.0.1', closed, 1000)).kind).toBe('ok');
  });

  it('exit 1 means no answer; other exit codes and spawn failures are UNKNOWN (a problem of the monitor host)', async () => {
    const r = await pingOnce({ kind: 'ping', path: '/bin/false' }, '127.0.0.1', 3306, 1000);
    expect(r).toEqual({ kind: 'error', message: 'ERROR: Could not ping 127.0.0.1' });
    const bad = await pingOnce({ kind: 'fping', path: '/usr/bin/fping' }, 'not-an-address', 3306, 500);
    expect(bad.kind).toBe('unknown');
    expect(bad.message).toMatch(/^UNKNOWN: Error occurred: fping exited with/);
    const missing = await pingOnce({ kind: 'ping', path: '/nonexistent/ping' }, '127.0.0.1', 3306, 500);
    expect(missing.kind).toBe('unknown');
  });

  it('pings due together share one fping process; each target gets its own result', async () => {
    // a wrapper that logs each start and runs the real fping: loopback targets only
    const dir = mkdtempSync(join(tmpdir(), 'mmm-fping-'));
    const wrapper = join(dir, 'fping');
    writeFileSync(wrapper, `#!/bin/sh\necho "$@" >> ${dir}/calls\nexec /usr/bin/fping "$@"\n`);
    chmodSync(wrapper, 0o755);
    try {
      const batcher = new FpingBatcher(wrapper, 30);
      const [a, b, a2] = await Promise.all([
        batcher.ping('127.0.0.1', 500),
        batcher.ping('127.0.0.2', 500),
        batcher.ping('127.0.0.1', 500),
      ]);
      expect([a.kind, b.kind, a2.kind]).toEqual(['ok', 'ok', 'ok']);
      const later = await batcher.ping('127.0.0.3', 300); // after the window: a process of its own
      expect(later.kind).toBe('ok');
      const calls = readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
      expect(calls).toEqual(['-r 0 -e -t 500 127.0.0.1 127.0.0.2', '-r 0 -e -t 300 127.0.0.3']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("parses fping's verdict lines", () => {
    expect(parseFpingLine('198.18.0.11 is alive (0.05 ms)')).toEqual({ ip: '198.18.0.11', alive: true });
    expect(parseFpingLine('198.18.0.12 is unreachable')).toEqual({ ip: '198.18.0.12', alive: false });
    expect(parseFpingLine('ICMP Host Unreachable from 198.18.0.1 for ICMP Echo sent to 198.18.0.12')).toBeUndefined();
  });

  it('Pinger picks fping here, once, and says so in the log', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const pinger = new Pinger(createLogger({ name: 't', destination: stream }));
    const [a, b] = await Promise.all([pinger.method(), pinger.method()]);
    expect(a).toBe(b);
    expect(a.kind).toBe('fping');
    expect((await pinger.ping('127.0.0.1', 3306, 1000)).kind).toBe('ok');
    expect(lines.filter((l) => l.includes('ping check: using'))).toHaveLength(1);
  });
});
