// Fault injection on one lab host. Each call returns once the fault is in place: the process is dead,
// frozen or running again, the link is down or up, the nftables rules are committed, or the server answers.
import { MmmError } from '../../common/errors/index.js';
import { linkOperstate } from './net.js';
import { procState, run, signal, waitDead, waitFor } from './proc.js';
import { mariadbdPid, startServer, stopServer, type HostPlace } from './server.js';

interface FaultHost extends HostPlace {
  readonly veth: string;
}

async function requirePid(h: FaultHost): Promise<number> {
  const pid = await mariadbdPid(h);
  if (pid === undefined) throw new MmmError('MMM_CONFLICT', `${h.name}: mariadbd is not running`);
  return pid;
}

export async function killDb(h: FaultHost): Promise<number> {
  const pid = await requirePid(h);
  signal(pid, 'SIGKILL');
  if ((await waitDead([pid], 5_000)).length > 0) {
    throw new MmmError('MMM_TIMEOUT', `${h.name}: mariadbd PID ${pid} still alive 5 s after SIGKILL`);
  }
  return pid;
}

async function signalAndWait(h: FaultHost, sig: NodeJS.Signals, want: 'stopped' | 'running'): Promise<number> {
  const pid = await requirePid(h);
  signal(pid, sig);
  await waitFor(`${h.name} mariadbd ${want}`, async () => ((await procState(pid)) === want ? true : undefined), {
    timeoutMs: 5_000,
    intervalMs: 2,
  });
  return pid;
}

export const freezeDb = (h: FaultHost): Promise<number> => signalAndWait(h, 'SIGSTOP', 'stopped');
export const thawDb = (h: FaultHost): Promise<number> => signalAndWait(h, 'SIGCONT', 'running');

async function setLink(h: FaultHost, up: boolean): Promise<void> {
  await run(['ip', 'link', 'set', h.veth, up ? 'up' : 'down']);
  await waitFor(
    `${h.veth} ${up ? 'up' : 'down'}`,
    async () => {
      const state = await linkOperstate(h.veth);
      return (up ? state === 'up' : state !== 'up') ? true : undefined;
    },
    { timeoutMs: 5_000, intervalMs: 2 },
  );
}

export const linkDown = (h: FaultHost): Promise<void> => setLink(h, false);
export const linkUp = (h: FaultHost): Promise<void> => setLink(h, true);

// nftables in the host's namespace: one table, an interval set of blocked peers (0.0.0.0/0 = everything).
// Only eth0 is filtered, so the host still talks to itself over lo. ARP is not IPv4 and passes.
const TABLE = 'mmm_lab_fault';
const ALL = '0.0.0.0/0';

function nft(h: FaultHost, script: string): Promise<unknown> {
  return run(['ip', 'netns', 'exec', h.ns, 'nft', '-f', '-'], { input: script });
}

function assertIpv4(peer: string): void {
  if (!/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(peer)) {
    throw new MmmError('MMM_USAGE', `drop peer: expected an IPv4 address, got '${peer}'`);
  }
}

/** Declares the table idempotently: re-declaring would append the rules again, so the chains are flushed. */
function declareTable(): string {
  return [
    `table ip ${TABLE} {`,
    '  set blocked { type ipv4_addr; flags interval; }',
    '  chain input { type filter hook input priority -10; policy accept; }',
    '  chain output { type filter hook output priority -10; policy accept; }',
    '}',
    `flush chain ip ${TABLE} input`,
    `flush chain ip ${TABLE} output`,
    `add rule ip ${TABLE} input iifname "eth0" ip saddr @blocked drop`,
    `add rule ip ${TABLE} output oifname "eth0" ip daddr @blocked drop`,
  ].join('\n');
}

export async function dropTraffic(h: FaultHost, peer?: string): Promise<void> {
  if (peer !== undefined) assertIpv4(peer);
  await nft(h, `${declareTable()}\nadd element ip ${TABLE} blocked { ${peer ?? ALL} }\n`);
}

async function blockedPeers(h: FaultHost): Promise<string[]> {
  const listed = await run(['ip', 'netns', 'exec', h.ns, 'nft', 'list', 'set', 'ip', TABLE, 'blocked']).catch(() => ({
    stdout: '',
  }));
  const elements = /elements = \{([^}]*)\}/.exec(listed.stdout)?.[1] ?? '';
  return elements
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
}

export async function undropTraffic(h: FaultHost, peer?: string): Promise<void> {
  if (peer === undefined) {
    // Declaring the table first makes the delete succeed when nothing was dropped.
    await nft(h, `table ip ${TABLE}\ndelete table ip ${TABLE}\n`);
    return;
  }
  assertIpv4(peer);
  if (!(await blockedPeers(h)).includes(peer)) return;
  await nft(h, `delete element ip ${TABLE} blocked { ${peer} }\n`);
}

export async function restartDb(h: FaultHost): Promise<number> {
  await stopServer(h);
  return startServer(h);
}
