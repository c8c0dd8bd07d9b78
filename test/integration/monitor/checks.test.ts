// The four checks against a real 4-host MariaDB lab (lab id 40): healthy cluster, a stopped SQL thread, a
// full server, a host cut off the network, a hung server (SIGSTOP) next to healthy ones, a crashed server.
// Timed assertions use generous bounds; the numbers that matter for performance belong to benchmarks.
import { Writable } from 'node:stream';
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckName } from '../../../common/config/types.js';
import { createLogger, silentLogger } from '../../../common/log/index.js';
import {
  CheckScheduler,
  NetworkChecker,
  Pinger,
  pingIpProbe,
  pingOnce,
  type CheckStatusView,
} from '../../../monitor/checks/index.js';
import { Lab } from '../../lab/index.js';
import { checksConfigOf, sleep, waitFor } from './checks-lab.js';

const LAB_ID = 40;
const PERIOD = 0.5;
const TRAP = 1;
const TIMEOUT = 0.5;

let lab: Lab;
let checks: CheckScheduler;
const logLines: string[] = [];
const changes: { host: string; check: CheckName; at: number; status: CheckStatusView; previous: CheckStatusView }[] =
  [];
const lost: { host: string; at: number; reason: string }[] = [];
let stoppedHost: string | undefined;

function changesOf(host: string, check: CheckName): typeof changes {
  return changes.filter((c) => c.host === host && c.check === check);
}

function logSink(): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
}

beforeAll(async () => {
  lab = await Lab.up({ id: LAB_ID, hosts: 4 });
  const stream = logSink();
  checks = new CheckScheduler({
    config: checksConfigOf(lab, { period: PERIOD, trap: TRAP, timeout: TIMEOUT }),
    logger: createLogger({ name: 'checks-test', level: 'debug', destination: stream }),
  });
  checks.onChange((host, check, status, previous) => changes.push({ host, check, at: Date.now(), status, previous }));
  checks.onConnectionLost((host, reason) => lost.push({ host, at: Date.now(), reason }));
  await checks.start();
});

afterAll(async () => {
  if (stoppedHost !== undefined) await lab.cont(stoppedHost).catch(() => undefined);
  await checks.stop();
  await lab.down();
});

describe('checks on a real lab', () => {
  it("all four checks are OK on a healthy 4-host lab, with MMM's messages, and observations are filled", async () => {
    // On a loaded 2-core machine an initial check may hit its short timeout; a healthy lab must converge to OK
    // on the next runs (recovery is reported at once), so wait for that rather than trusting the first round.
    const allOk = (): boolean =>
      lab.hosts.every((h) => Object.values(checks.getStatuses(h.name)).every((st) => st.result === 'ok'));
    await waitFor('every check of every host OK', () => allOk() || undefined);
    for (const h of lab.hosts) {
      const s = checks.getStatuses(h.name);
      expect(s.ping).toMatchObject({ result: 'ok', message: 'OK' });
      expect(s.mysql).toMatchObject({ result: 'ok', message: 'OK' });
      expect(s.rep_threads).toMatchObject({ result: 'ok', message: 'OK' });
      expect(s.rep_backlog).toMatchObject({ result: 'ok', message: 'OK: Backlog is null' });
    }
    // observations are filled by the checks' own runs; under load the first round may not have brought all
    await waitFor('GTID and version observations of db1 and db3', () =>
      checks.getObservation('db3').gtid !== undefined && checks.getObservation('db1').version !== undefined
        ? true
        : undefined,
    );
    const db1 = checks.getObservation('db1');
    expect(db1.readOnly?.value.readOnly).toBe(false);
    expect(db1.replica?.value.source).toBe('db2');
    expect(db1.version?.value.flavor).toBe('mariadb');
    expect(db1.mysql?.value.reachable).toBe(true);
    const db3 = checks.getObservation('db3');
    expect(db3.readOnly?.value.readOnly).toBe(true);
    expect(db3.replica?.value).toMatchObject({ source: 'db1', status: { ioRunning: 'Yes', sqlRunning: 'Yes' } });
    expect(db3.gtid?.value.flavor).toBe('mariadb');
  });

  it('runs every host×check every 0.5 s', async () => {
    const before = checks.metrics();
    await sleep(2_100);
    const after = checks.metrics();
    for (const h of lab.hosts) {
      for (const c of ['ping', 'mysql', 'rep_threads', 'rep_backlog'] as const) {
        const runs = after.hosts[h.name]!.checks[c].latencyCount - before.hosts[h.name]!.checks[c].latencyCount;
        expect(runs, `${h.name}/${c}`).toBeGreaterThanOrEqual(3);
        expect(runs, `${h.name}/${c}`).toBeLessThanOrEqual(6);
      }
    }
  });

  it('a stopped SQL thread on db3 fails rep_threads after trap_period, and recovery is reported at once', async () => {
    const seenBefore = changesOf('db3', 'rep_threads').length;
    await lab.sql('db3', 'STOP SLAVE SQL_THREAD');
    const firstFailure = await waitFor('a failing rep_threads run on db3', () => {
      const s = checks.getStatus('db3', 'rep_threads');
      return s.lastRaw?.message === 'ERROR: Replication is broken' ? s.lastRunAt : undefined;
    });
    expect(checks.getStatus('db3', 'rep_threads').result).toBe('ok');
    const failed = await waitFor('rep_threads on db3 reported failed', () =>
      changesOf('db3', 'rep_threads')
        .slice(seenBefore)
        .find((c) => c.status.result === 'failed'),
    );
    expect(failed.status).toMatchObject({ result: 'failed', message: 'ERROR: Replication is broken' });
    const trapped = failed.status.lastChange - firstFailure;
    expect(trapped).toBeGreaterThanOrEqual(TRAP * 1000);
    expect(trapped).toBeLessThan(TRAP * 1000 + 2 * PERIOD * 1000 + 500);
    expect(checks.getStatus('db3', 'rep_backlog')).toMatchObject({ result: 'ok', message: 'OK: Backlog is null' });
    expect(checks.getObservation('db3').replica?.value.status).toMatchObject({ sqlRunning: 'No', ioRunning: 'Yes' });
    expect(
      logLines.some((l) =>
        l.includes("Check 'rep_threads' on 'db3' has failed for 1 seconds! Message: ERROR: Replication is broken"),
      ),
    ).toBe(true);

    await lab.sql('db3', 'START SLAVE SQL_THREAD');
    const t = Date.now();
    await waitFor('rep_threads on db3 ok again', () => checks.getStatus('db3', 'rep_threads').result === 'ok');
    expect(Date.now() - t).toBeLessThan(PERIOD * 1000 + 1_000);
  });

  it('"Too many connections" on db4 is UNKNOWN and leaves the stored status OK', async () => {
    // One root session over the socket for the whole test (root may exceed max_connections by one).
    const root = await createConnection({ socketPath: lab.host('db4').socket, user: 'root' });
    const [[row]] = (await root.query('SELECT @@max_connections AS m')) as unknown as [{ m: number }[]];
    const original = row!.m;
    const app = lab.users.app;
    const held: Connection[] = [];
    try {
      // 10 application sessions next to the monitor's 3, then a limit of 10: the server is full the moment
      // the monitor's sessions are killed, so its reconnects get 1040 (no race with the reconnect).
      await root.query('SET GLOBAL max_connections = 20');
      for (let i = 0; i < 10; i++) {
        held.push(
          await createConnection({
            host: lab.host('db4').ip,
            user: app.user,
            password: app.password,
            connectTimeout: 2000,
          }),
        );
      }
      await root.query('SET GLOBAL max_connections = 10');
      const [monitorSessions] = (await root.query(
        "SELECT id FROM information_schema.PROCESSLIST WHERE user = 'mmm_monitor'",
      )) as unknown as [{ id: number }[]];
      expect(monitorSessions).toHaveLength(3);
      for (const { id } of monitorSessions) await root.query(`KILL ${id}`);
      const raw = await waitFor('an UNKNOWN mysql run on db4', () => {
        const m = checks.getStatus('db4', 'mysql').lastRaw?.message ?? '';
        return m.startsWith('UNKNOWN: Too many connections! ') ? m : undefined;
      });
      expect(raw).toMatch(/errno 1040/);
      await sleep((TRAP + PERIOD) * 1000);
      expect(checks.getStatus('db4', 'mysql')).toMatchObject({ result: 'ok', message: 'OK' });
      expect(checks.getStatus('db4', 'mysql').lastRaw?.kind).toBe('unknown');
      expect(checks.getStatus('db4', 'rep_threads')).toMatchObject({
        result: 'ok',
        lastRaw: {
          kind: 'unknown',
          message:
            'UNKNOWN: Connect error (host = 198.18.40.14:3306, user = mmm_monitor)! Too many connections (errno 1040)',
        },
      });
      expect(lost.some((l) => l.host === 'db4')).toBe(true);
    } finally {
      await Promise.all(held.map((c) => c.end().catch(() => undefined)));
      await root.query(`SET GLOBAL max_connections = ${original}`);
      await root.end();
    }
    await waitFor('mysql on db4 OK again', () => checks.getStatus('db4', 'mysql').lastRaw?.kind === 'ok');
  });

  it('a host cut off the network fails ping ("fping could not reach") and mysql; ping_ips notices it', async () => {
    const ip = lab.host('db4').ip;
    // ping_ips self-check pointed at db4: it must see the network go and come back (FATAL log lines)
    const net = new NetworkChecker({
      pingIps: [ip],
      pingInterval: 0.2,
      probe: pingIpProbe(new Pinger(silentLogger())),
      logger: createLogger({ name: 'net-test', destination: logSink() }),
    });
    net.start();
    await waitFor('network reachable', () => net.haveNet);
    await lab.isolate('db4');
    try {
      await waitFor('network unreachable', () => !net.haveNet, 5_000);
      await waitFor('ping on db4 reported failed', () => checks.getStatus('db4', 'ping').result === 'failed', 5_000);
      expect(checks.getStatus('db4', 'ping').message).toBe(`ERROR: fping could not reach ${ip}`);
      await waitFor('mysql on db4 reported failed', () => checks.getStatus('db4', 'mysql').result === 'failed', 5_000);
      // the other ping methods say the same in their words, within their timeout
      for (const method of [{ kind: 'ping', path: '/usr/bin/ping' }, { kind: 'tcp' }] as const) {
        const t = Date.now();
        expect(await pingOnce(method, ip, 3306, 300)).toEqual({
          kind: 'error',
          message: `ERROR: Could not ping ${ip}`,
        });
        expect(Date.now() - t).toBeLessThan(300 + 500);
      }
    } finally {
      await lab.heal('db4');
    }
    await waitFor('network reachable again', () => net.haveNet, 5_000);
    await net.stop();
    expect(
      logLines.filter((l) => l.includes('"name":"net-test"')).map((l) => (JSON.parse(l) as { msg: string }).msg),
    ).toEqual(['Network is unreachable', 'Network is reachable']);
    await waitFor(
      'db4 ok again',
      () => checks.getStatus('db4', 'ping').result === 'ok' && checks.getStatus('db4', 'mysql').result === 'ok',
    );
  });

  it('SIGSTOP of db2: its checks time out while the checks of db1, db3, db4 stay fast', async () => {
    const healthy = ['db1', 'db3', 'db4'];
    const seen = new Map<string, number>();
    let stoppedAt = Number.POSITIVE_INFINITY;
    const sample = (): void => {
      for (const h of healthy) {
        for (const c of ['mysql', 'rep_threads', 'rep_backlog', 'ping'] as const) {
          const s = checks.getStatus(h, c);
          // only runs that started after the SIGSTOP
          if (s.lastRunAt === undefined || s.latencyMs === undefined || s.lastRunAt - s.latencyMs < stoppedAt) continue;
          seen.set(`${h}/${c}/${s.lastRunAt}`, s.latencyMs);
        }
      }
    };
    const hungBefore = checks.metrics().hosts['db2']!.checks.mysql;
    await lab.stop('db2');
    stoppedHost = 'db2';
    stoppedAt = Date.now();
    const end = Date.now() + 4_000;
    while (Date.now() < end) {
      sample();
      await sleep(20);
    }
    const db2 = checks.getStatus('db2', 'mysql');
    expect(db2.result).toBe('failed');
    expect(db2.message).toMatch(
      /^ERROR: (Timeout|Connect error \(host = 198\.18\.40\.12:3306, user = mmm_monitor\)! .*timed out)/,
    );
    // db2's runs really waited for the timeout, and no longer than the timeout plus the deadline grace
    expect(db2.latencyMs).toBeGreaterThanOrEqual(TIMEOUT * 1000 - 50);
    expect(db2.latencyMs).toBeLessThan(TIMEOUT * 1000 + 400);
    const hungAfter = checks.metrics().hosts['db2']!.checks.mysql;
    expect(hungAfter.latencyCount - hungBefore.latencyCount).toBeGreaterThanOrEqual(3);

    const latencies = [...seen.values()].sort((a, b) => a - b);
    expect(latencies.length).toBeGreaterThanOrEqual(50); // 3 hosts × 4 checks × ~7 runs in 4 s
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
    expect(p99).toBeLessThan(300);

    await lab.cont('db2');
    stoppedHost = undefined;
    await waitFor('db2 mysql ok again', () => checks.getStatus('db2', 'mysql').result === 'ok', 15_000);
  });

  it("killing db1's mysqld fires onConnectionLost at once and fails the mysql check after trap_period", async () => {
    lost.length = 0;
    await lab.kill('db1');
    const killedAt = Date.now();
    const first = await waitFor('onConnectionLost(db1)', () => lost.find((l) => l.host === 'db1'), 5_000);
    expect(first.at - killedAt).toBeLessThan(500);
    const failed = await waitFor(
      'mysql on db1 reported failed',
      () => (checks.getStatus('db1', 'mysql').result === 'failed' ? checks.getStatus('db1', 'mysql') : undefined),
      5_000,
    );
    expect(failed.message).toBe(
      'ERROR: Connect error (host = 198.18.40.11:3306, user = mmm_monitor)! connect ECONNREFUSED 198.18.40.11:3306',
    );
    expect(failed.lastChange - killedAt).toBeGreaterThanOrEqual(TRAP * 1000 - 300);
    expect(checks.getObservation('db1').mysql?.value.reachable).toBe(false);
    // replication checks cannot connect: UNKNOWN, which keeps their stored status (as MMM showed stale OKs)
    expect(checks.getStatus('db1', 'rep_threads')).toMatchObject({ result: 'ok', lastRaw: { kind: 'unknown' } });
    expect(checks.getStatus('db1', 'ping').result).toBe('ok');

    await lab.restartDb('db1');
    await waitFor('mysql on db1 ok again', () => checks.getStatus('db1', 'mysql').result === 'ok', 10_000);
  });

  it('never logs the monitor password, and stop() closes every connection', async () => {
    const password = lab.users.mmm_monitor.password;
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((l) => l.includes(password))).toEqual([]);
    await checks.stop();
    await sleep(200);
    for (const h of lab.hosts) {
      const rows = await lab.sql(
        h.name,
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE user = 'mmm_monitor'",
      );
      expect(Number(rows[0]?.['n']), h.name).toBe(0);
    }
  });
});
