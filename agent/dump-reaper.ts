// Closes binlog dump connections whose replica is gone from the network (measured on our lab, MariaDB 10.11.19
// with semi-sync): a replica cut off without a FIN leaves its dump thread on the source, sending into a dead TCP
// connection. When that replica comes back and reconnects, the new dump thread kills the old one ("zombie dump
// thread with the same server_id") and, still holding the server's thread list, waits for the semi-sync ACK
// receiver to let go of the old socket. That receiver sleeps in poll() until a socket moves: a semi-sync ACK or
// the old socket's retransmission finally reaching the replica, which answers with a reset. Until then every new
// connection to the source waits (measured: 3 s after an 8 s cut of a replica, 5.5 s on a new writer after a
// failover; with exponential TCP backoff a longer cut means a longer wait). New connections to the writer
// stalling is an outage for clients, and the monitor's own checks see a dead writer.
//
// The agent sees it coming from its own network namespace: the dump thread's socket has unacknowledged data and
// its retransmit timer has fired again and again (/proc/net/tcp). KILL CONNECTION on such a dump thread shuts its
// socket down at once, the ACK receiver wakes, and the replica's later reconnect meets no zombie.
//
// Pure parts here (parse the kernel table, pick the dead peers, match dump threads); DumpReaper runs them.
import { readFile } from 'node:fs/promises';
import type { Logger } from '../common/log/index.js';
import { describeError } from '../common/errors/index.js';
import type { SessionInfo } from './ops/mysql.js';

/** One row of /proc/net/tcp or /proc/net/tcp6, the fields we use. */
export interface TcpSocket {
  readonly localIp: string;
  readonly localPort: number;
  readonly remoteIp: string;
  readonly remotePort: number;
  /** Kernel TCP state code (1 = ESTABLISHED). */
  readonly state: number;
  /** Bytes sent and not acknowledged yet. */
  readonly txQueue: number;
  /** Active timer (1 = retransmit). */
  readonly timer: number;
  /** Retransmit timeouts in a row without an acknowledgement. */
  readonly retransmits: number;
}

const ESTABLISHED = 1;
const RETRANSMIT_TIMER = 1;
/**
 * Retransmit timeouts in a row that mark the peer gone: with the 200 ms minimum RTO and doubling, three mean at
 * least 1.4 s without one acknowledgement while data waits. A healthy replica acknowledges within milliseconds;
 * killing a slow but alive one costs it a reconnect, nothing more.
 */
export const DEAD_AFTER_RETRANSMITS = 3;

/** Hex address of /proc/net/tcp{,6} (little-endian 32-bit words) to text; v4-mapped IPv6 comes out as IPv4. */
export function procAddress(hex: string): string {
  const word = (w: string): string[] => [w.slice(6, 8), w.slice(4, 6), w.slice(2, 4), w.slice(0, 2)];
  if (hex.length === 8) {
    return word(hex)
      .map((b) => String(Number.parseInt(b, 16)))
      .join('.');
  }
  const bytes = [0, 8, 16, 24].flatMap((i) => word(hex.slice(i, i + 8)));
  const mapped = bytes.slice(0, 10).every((b) => b === '00') && bytes[10] === 'FF' && bytes[11] === 'FF';
  if (mapped) return procAddress(bytes.slice(12).reverse().join(''));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(Number.parseInt(`${bytes[i]}${bytes[i + 1]}`, 16).toString(16));
  return compressIpv6(groups);
}

function compressIpv6(groups: readonly string[]): string {
  // The longest run of two or more zero groups becomes '::' (RFC 5952).
  let best = { at: -1, len: 1 };
  for (let i = 0; i < groups.length;) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

function endpoint(text: string): { ip: string; port: number } | null {
  const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(text);
  if (m === null) return null;
  return { ip: procAddress((m[1] ?? '').toUpperCase()), port: Number.parseInt(m[2] ?? '0', 16) };
}

/** Parses /proc/net/tcp or /proc/net/tcp6 (header line and malformed lines are skipped). */
export function parseProcNetTcp(text: string): TcpSocket[] {
  const out: TcpSocket[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    // sl local rem st tx:rx tr:when retrnsmt ...
    if (f.length < 7 || !/^\d+:$/.test(f[0] ?? '')) continue;
    const local = endpoint(f[1] ?? '');
    const remote = endpoint(f[2] ?? '');
    const [tx] = (f[4] ?? '').split(':');
    const [tr] = (f[5] ?? '').split(':');
    if (local === null || remote === null || tx === undefined || tr === undefined) continue;
    out.push({
      localIp: local.ip,
      localPort: local.port,
      remoteIp: remote.ip,
      remotePort: remote.port,
      state: Number.parseInt(f[3] ?? '', 16),
      txQueue: Number.parseInt(tx, 16),
      timer: Number.parseInt(tr, 16),
      retransmits: Number.parseInt(f[6] ?? '', 16),
    });
  }
  return out;
}

/** Connections to mysqld's port whose peer stopped acknowledging (see DEAD_AFTER_RETRANSMITS). */
export function deadPeers(sockets: readonly TcpSocket[], mysqlPort: number): TcpSocket[] {
  return sockets.filter(
    (s) =>
      s.localPort === mysqlPort &&
      s.state === ESTABLISHED &&
      s.txQueue > 0 &&
      s.timer === RETRANSMIT_TIMER &&
      s.retransmits >= DEAD_AFTER_RETRANSMITS,
  );
}

/** A session as the process list shows it (agent/ops/mysql.ts). */
export type DumpSession = SessionInfo;

/** `ip:port` of a process-list Host ('[::1]:3306', '::ffff:10.0.0.1:3306' too); null for sockets/localhost. */
export function sessionPeer(host: string): { ip: string; port: number } | null {
  const m = /^\[?(.+?)\]?:(\d+)$/.exec(host);
  if (m === null) return null;
  const ip = (m[1] ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return { ip: ip.toLowerCase(), port: Number(m[2]) };
}

/** The binlog dump sessions served over one of the dead connections, each with its socket. */
export function deadDumps(
  sessions: readonly DumpSession[],
  dead: readonly TcpSocket[],
): { session: DumpSession; socket: TcpSocket }[] {
  const byPeer = new Map(dead.map((s) => [`${s.remoteIp} ${s.remotePort}`, s])); // procAddress: lower case
  const out: { session: DumpSession; socket: TcpSocket }[] = [];
  for (const session of sessions) {
    if (!session.command.startsWith('Binlog Dump')) continue;
    const peer = sessionPeer(session.host);
    const socket = peer === null ? undefined : byPeer.get(`${peer.ip} ${peer.port}`);
    if (socket !== undefined) out.push({ session, socket });
  }
  return out;
}

export interface DumpReaperPorts {
  /** Text of /proc/net/tcp and /proc/net/tcp6 of mysqld's network namespace (the agent's own). */
  readonly readTcpTables: () => Promise<string[]>;
  readonly dumpSessions: () => Promise<readonly DumpSession[]>;
  readonly kill: (id: number) => Promise<void>;
  readonly mysqlPort: number;
  /** Configured host name of an address, for the log. */
  readonly hostByIp: (ip: string) => string | null;
  readonly logger: Logger;
  /** Default 1000. */
  readonly intervalMs?: number;
}

export async function readProcTcpTables(): Promise<string[]> {
  const read = async (p: string): Promise<string> => readFile(p, 'utf8').catch(() => '');
  return Promise.all([read('/proc/net/tcp'), read('/proc/net/tcp6')]);
}

/** Looks at the kernel's TCP table every second and kills the dump threads of replicas that are gone. */
export class DumpReaper {
  readonly #p: DumpReaperPorts;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = true;
  #lastError = '';
  /** Dump sessions killed since the start. */
  reaped = 0;

  constructor(ports: DumpReaperPorts) {
    this.#p = ports;
  }

  start(): void {
    this.#stopped = false;
    const loop = (): void => {
      if (this.#stopped) return;
      this.#timer = setTimeout(() => {
        this.#running = this.sweep()
          .then(
            () => undefined,
            () => undefined,
          )
          .finally(loop);
      }, this.#p.intervalMs ?? 1000);
    };
    loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One look; returns how many dump sessions it killed. Never throws (logs a failure once per kind). */
  async sweep(): Promise<number> {
    try {
      const tables = await this.#p.readTcpTables();
      const dead = deadPeers(tables.flatMap(parseProcNetTcp), this.#p.mysqlPort);
      if (dead.length === 0) return 0;
      let n = 0;
      for (const { session, socket } of deadDumps(await this.#p.dumpSessions(), dead)) {
        await this.#p.kill(session.id);
        n++;
        this.reaped++;
        const name = this.#p.hostByIp(socket.remoteIp) ?? 'an unconfigured replica';
        this.#p.logger.warn(
          { thread: session.id, peer: session.host, retransmits: socket.retransmits, unackedBytes: socket.txQueue },
          `closed the binlog dump connection of ${name} (${session.host}, thread ${session.id}): the replica acknowledged nothing through ${socket.retransmits} retransmissions; left open, its reconnect would hold every new connection to this server (MariaDB zombie dump thread)`,
        );
      }
      this.#lastError = '';
      return n;
    } catch (e) {
      const text = describeError(e);
      if (text !== this.#lastError) this.#p.logger.debug(`dead replica connections not checked: ${text}`);
      this.#lastError = text;
      return 0;
    }
  }
}
