// The dump reaper's pure parts over kernel TCP tables as this lab's kernel printed them (db1 of a lab while its
// replica db3 was cut off: the dump socket to db3 has 0xF9E unacknowledged bytes and 5 retransmit timeouts),
// and one sweep with scripted ports.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/log/index.js';
import {
  DEAD_AFTER_RETRANSMITS,
  DumpReaper,
  deadDumps,
  deadPeers,
  parseProcNetTcp,
  procAddress,
  sessionPeer,
  type DumpSession,
} from '../../../agent/dump-reaper.js';

const TCP4 = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7948875 1 0000000055b25020 100 0 0 10 0
   1: 0B4612C6:0CEA 0C4612C6:8920 01 00000000:00000000 02:000AF68E 00000000     0        0 7949948 3 000000002810cfa1 20 4 30 50 -1
   3: 0B4612C6:0CEA 014612C6:CD84 06 00000000:00000000 03:00001182 00000000     0        0 0 3 000000005f49f671
   6: 0B4612C6:0CEA 0D4612C6:BF60 01 00000F9E:00000000 01:000001AD 00000005     0        0 7949947 3 00000000e02546d9 652 4 28 1 -1
   7: 0B4612C6:0CEA 0E4612C6:DD06 01 0000004A:00000000 01:00000010 00000001     0        0 7948892 3 000000004a9a3adb 20 4 30 50 -1
   8: 0B4612C6:C350 0D4612C6:0CEA 01 00000F9E:00000000 01:000001AD 00000009     0        0 7949999 3 00000000e02546d9 652 4 28 1 -1
`;

// mysqld listening on '::': an IPv4 client shows up v4-mapped, an IPv6 one as itself.
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0000000000000000FFFF00000B4612C6:0CEA 0000000000000000FFFF00000D4612C6:BF61 01 00000100:00000000 01:00000100 00000004     0        0 1 3 0
   1: 00000000000000000000000001000000:0CEA 00000000000000000000000001000000:A000 01 00000100:00000000 01:00000100 00000003     0        0 2 3 0
   2: B80D0120000000000000000001000000:0CEA B80D0120000000000000000002000000:A001 01 00000000:00000000 00:00000000 00000000     0        0 3 3 0
`;

function sink(): { lines: { level: string; msg: string }[]; stream: Writable } {
  const lines: { level: string; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: string; msg: string });
      done();
    },
  });
  return { lines, stream };
}

describe('dump reaper: kernel table', () => {
  it('reads addresses, ports, state, unacknowledged bytes, timer and retransmits', () => {
    const rows = parseProcNetTcp(TCP4);
    expect(rows).toHaveLength(6);
    expect(rows[3]).toEqual({
      localIp: '198.18.70.11',
      localPort: 3306,
      remoteIp: '198.18.70.13',
      remotePort: 0xbf60,
      state: 1,
      txQueue: 0xf9e,
      timer: 1,
      retransmits: 5,
    });
    expect(rows[0]?.state).toBe(0x0a); // LISTEN
  });

  it('IPv6: v4-mapped addresses come out as IPv4, others compressed', () => {
    expect(parseProcNetTcp(TCP6).map((r) => r.remoteIp)).toEqual(['198.18.70.13', '::1', '2001:db8::2']);
    expect(procAddress('00000000')).toBe('0.0.0.0');
    expect(procAddress('00000000000000000000000000000000')).toBe('::');
  });

  it('skips the header and lines it cannot read', () => {
    expect(parseProcNetTcp('')).toEqual([]);
    expect(parseProcNetTcp('garbage\n  1: nonsense here\n')).toEqual([]);
  });

  it(`a peer is dead after ${DEAD_AFTER_RETRANSMITS} retransmit timeouts with data waiting, on mysqld's port only`, () => {
    const dead = deadPeers(parseProcNetTcp(TCP4), 3306);
    // db3's dump socket; not db4's (one retransmit), not the outgoing connection from port 50000 to db3:3306
    // (db1's own IO thread: the same dead peer, but not a connection db1 serves), not TIME_WAIT or idle ones.
    expect(dead.map((s) => `${s.remoteIp}:${s.remotePort}`)).toEqual(['198.18.70.13:48992']);
    expect(deadPeers(parseProcNetTcp(TCP6), 3306).map((s) => s.remoteIp)).toEqual(['198.18.70.13', '::1']);
    expect(deadPeers(parseProcNetTcp(TCP4), 3307)).toEqual([]);
  });
});

describe('dump reaper: sessions', () => {
  it('reads the process list Host of TCP clients, IPv4, IPv6 and v4-mapped', () => {
    expect(sessionPeer('198.18.70.13:48992')).toEqual({ ip: '198.18.70.13', port: 48992 });
    expect(sessionPeer('[::1]:40000')).toEqual({ ip: '::1', port: 40000 });
    expect(sessionPeer('::ffff:198.18.70.13:48993')).toEqual({ ip: '198.18.70.13', port: 48993 });
    expect(sessionPeer('localhost')).toBeNull();
    expect(sessionPeer('')).toBeNull();
  });

  it('only Binlog Dump sessions over a dead connection are picked', () => {
    const dead = deadPeers(parseProcNetTcp(TCP4), 3306);
    const sessions: DumpSession[] = [
      { id: 9, host: '198.18.70.13:48992', command: 'Binlog Dump' },
      { id: 10, host: '198.18.70.12:35104', command: 'Binlog Dump' },
      { id: 12, host: '198.18.70.13:48992', command: 'Query' }, // not a dump (cannot happen, but never killed)
      { id: 13, host: 'localhost', command: 'Sleep' },
      { id: 14, host: '198.18.70.13:48992', command: 'Binlog Dump GTID' },
    ];
    expect(deadDumps(sessions, dead).map((d) => d.session.id)).toEqual([9, 14]);
  });
});

describe('DumpReaper.sweep', () => {
  const base = {
    mysqlPort: 3306,
    hostByIp: (ip: string) => (ip === '198.18.70.13' ? 'db3' : null),
  };

  it('kills the dead replica dump and says whose and why; asks MySQL nothing while every peer is alive', async () => {
    const { lines, stream } = sink();
    const killed: number[] = [];
    let asked = 0;
    let tables = [TCP4.replace(' 00000005 ', ' 00000001 '), ''];
    const reaper = new DumpReaper({
      ...base,
      readTcpTables: async () => Promise.resolve(tables),
      dumpSessions: async () => {
        asked++;
        return Promise.resolve([{ id: 9, host: '198.18.70.13:48992', command: 'Binlog Dump' }]);
      },
      kill: async (id) => {
        killed.push(id);
        return Promise.resolve();
      },
      logger: createLogger({ name: 't', destination: stream }),
    });
    expect(await reaper.sweep()).toBe(0);
    expect(asked).toBe(0);
    tables = [TCP4, ''];
    expect(await reaper.sweep()).toBe(1);
    expect(killed).toEqual([9]);
    expect(reaper.reaped).toBe(1);
    const warn = lines.find((l) => l.level === 'warn');
    expect(warn?.msg).toMatch(/closed the binlog dump connection of db3 \(198\.18\.70\.13:48992, thread 9\)/);
    expect(warn?.msg).toMatch(/5 retransmissions/);
  });

  it('a failing MySQL or kernel read is logged, never thrown', async () => {
    const { lines, stream } = sink();
    const reaper = new DumpReaper({
      ...base,
      readTcpTables: async () => Promise.resolve([TCP4]),
      dumpSessions: async () => Promise.reject(new Error('connect ECONNREFUSED')),
      kill: async () => Promise.resolve(),
      logger: createLogger({ name: 't', level: 'debug', destination: stream }),
    });
    expect(await reaper.sweep()).toBe(0);
    expect(await reaper.sweep()).toBe(0);
    // logged once while the same error repeats
    expect(lines.filter((l) => l.msg.includes('ECONNREFUSED'))).toHaveLength(1);
  });
});
