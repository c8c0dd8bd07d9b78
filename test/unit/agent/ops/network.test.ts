import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MmmError } from '../../../../common/errors/index.js';
import { silentLogger } from '../../../../common/log/index.js';
import { classifyExecFailure, runCommand, runInBackground } from '../../../../agent/ops/exec.js';
import { createNetworkOps, parseAddresses } from '../../../../agent/ops/network.js';

const SHOW = `2: eth0    inet 198.18.30.11/24 brd 198.18.30.255 scope global eth0\\       valid_lft forever preferred_lft forever
2: eth0    inet 198.18.30.250/32 scope global eth0\\       valid_lft forever preferred_lft forever
2: eth0    inet 198.18.30.2/32 scope global eth0\\       valid_lft forever preferred_lft forever`;

describe('parseAddresses', () => {
  it('reads exact addresses (no regex on the IP: .25 is not .250)', () => {
    const set = parseAddresses(SHOW);
    expect([...set]).toEqual(['198.18.30.11', '198.18.30.250', '198.18.30.2']);
    expect(set.has('198.18.30.25')).toBe(false);
  });
});

/** A scripted `ip`: keeps a set of addresses and answers like iproute2. */
function fakeIp(opts: { refuse?: boolean } = {}) {
  const addrs = new Set(['198.18.30.11']);
  const calls: string[][] = [];
  const background: string[][] = [];
  const run = (argv: readonly string[]): Promise<{ stdout: string; stderr: string }> => {
    calls.push([...argv]);
    const [, a, verb, target] = argv;
    if (a === '-o') {
      return Promise.resolve({
        stdout: [...addrs].map((ip) => `2: eth0    inet ${ip}/32 scope global eth0`).join('\n'),
        stderr: '',
      });
    }
    const ip = (target ?? '').replace('/32', '');
    if (opts.refuse === true) {
      return Promise.reject(
        classifyExecFailure(argv, { code: 2, stderr: 'RTNETLINK answers: Operation not permitted\n' }, 2000),
      );
    }
    if (verb === 'add' && addrs.has(ip)) {
      return Promise.reject(
        classifyExecFailure(argv, { code: 2, stderr: 'Error: ipv4: Address already assigned.\n' }, 2000),
      );
    }
    if (verb === 'del' && !addrs.has(ip)) {
      return Promise.reject(classifyExecFailure(argv, { code: 2, stderr: 'Error: ipv4: Address not found.\n' }, 2000));
    }
    if (verb === 'add') addrs.add(ip);
    else addrs.delete(ip);
    return Promise.resolve({ stdout: '', stderr: '' });
  };
  const stopped: string[] = [];
  const net = createNetworkOps({
    iface: 'eth0',
    logger: silentLogger(),
    run,
    runBackground: (argv) => {
      background.push([...argv]);
      return {
        stop: () => {
          stopped.push(argv.at(-1) ?? '');
        },
      };
    },
  });
  return { net, calls, background, addrs, stopped };
}

describe('network ops', () => {
  it('adds a /32 on the interface with an argv (no shell), idempotently, and announces it in the background', async () => {
    const { net, calls, background } = fakeIp();
    await net.addVip('198.18.30.250');
    await net.addVip('198.18.30.250');
    net.announce('198.18.30.250');
    expect(calls[0]).toEqual(['ip', 'addr', 'add', '198.18.30.250/32', 'dev', 'eth0']);
    expect(calls[1]).toEqual(['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0']);
    expect(background).toEqual([['arping', '-q', '-U', '-c', '3', '-I', 'eth0', '198.18.30.250']]);
  });

  it('stops announcing a VIP it gives up, and restarts the announcement of a VIP bound again', async () => {
    const { net, background, stopped } = fakeIp();
    await net.addVip('198.18.30.250');
    net.announce('198.18.30.250');
    await net.removeVip('198.18.30.250');
    expect(stopped).toEqual(['198.18.30.250']);
    await net.addVip('198.18.30.250');
    net.announce('198.18.30.250');
    net.announce('198.18.30.250');
    expect(background).toHaveLength(3);
    expect(stopped).toEqual(['198.18.30.250', '198.18.30.250']); // the second announce replaced the first
    await net.removeVip('198.18.30.221'); // never announced: nothing to stop
    expect(stopped).toHaveLength(2);
  });

  it('removes idempotently and verifies', async () => {
    const { net, addrs } = fakeIp();
    addrs.add('198.18.30.221');
    await net.removeVip('198.18.30.221');
    await net.removeVip('198.18.30.221');
    expect(addrs.has('198.18.30.221')).toBe(false);
  });

  it('says which capability is missing', async () => {
    const { net } = fakeIp({ refuse: true });
    const e = await net.addVip('198.18.30.250').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(MmmError);
    expect((e as MmmError).code).toBe('MMM_NO_PRIVILEGE');
    expect((e as MmmError).message).toBe(
      "'ip addr add 198.18.30.250/32 dev eth0' was refused (RTNETLINK answers: Operation not permitted): the agent needs CAP_NET_ADMIN in the host's network namespace",
    );
  });
});

describe('classifyExecFailure', () => {
  it.each([
    [['arping', '-U'], { code: 'EPERM' }, 'MMM_NO_PRIVILEGE', 'CAP_NET_RAW'],
    [['ip', 'addr'], { code: 'ENOENT' }, 'MMM_EXEC_FAILED', "'ip' is not installed"],
    [['ip', 'addr'], { killed: true, signal: 'SIGKILL' }, 'MMM_TIMEOUT', 'did not finish within 2000 ms'],
    [
      ['ip', 'addr'],
      { code: 1, stderr: 'Cannot find device "eth9"' },
      'MMM_EXEC_FAILED',
      '(exit 1): Cannot find device "eth9"',
    ],
  ])('%j %j → %s', (argv, failure, code, text) => {
    const e = classifyExecFailure(argv, failure, 2000);
    expect(e.code).toBe(code);
    expect(e.message).toContain(text);
  });
});

describe('runCommand / runInBackground (real processes)', () => {
  it('runs, fails with the exit status, times out, reports missing binaries', async () => {
    expect((await runCommand(['echo', 'hi'], { timeoutMs: 2000 })).stdout).toBe('hi\n');
    await expect(runCommand(['false'], { timeoutMs: 2000 })).rejects.toMatchObject({ code: 'MMM_EXEC_FAILED' });
    await expect(runCommand(['sleep', '5'], { timeoutMs: 100 })).rejects.toMatchObject({ code: 'MMM_TIMEOUT' });
    await expect(runCommand(['/nonexistent/ip'], { timeoutMs: 2000 })).rejects.toMatchObject({
      code: 'MMM_EXEC_FAILED',
    });
  });

  it('reports a background failure later, without blocking the caller', async () => {
    const started = performance.now();
    const failure = new Promise<MmmError>((resolve) => {
      runInBackground(['sh', '-c', 'sleep 0.2; echo "socket: Operation not permitted" >&2; exit 2'], {
        timeoutMs: 5000,
        onError: resolve,
      });
    });
    expect(performance.now() - started).toBeLessThan(100);
    const e = await failure;
    expect(e.code).toBe('MMM_NO_PRIVILEGE');
  });

  it('stop ends a background command early and is not reported as a failure', async () => {
    const errors: MmmError[] = [];
    const marker = `/tmp/mmm-bg-stop-${process.pid}`;
    const job = runInBackground(['sh', '-c', `sleep 0.3; touch ${marker}`], {
      timeoutMs: 5000,
      onError: (e) => errors.push(e),
    });
    job.stop();
    job.stop(); // twice is fine
    await new Promise((r) => setTimeout(r, 600));
    expect(existsSync(marker)).toBe(false);
    expect(errors).toEqual([]);
  });
});
