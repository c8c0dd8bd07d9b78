// MysqlOps on common/mysql: one managed connection for the short statements (re-opened after any failure,
// every statement bounded by the connection's timeouts) and a throw-away session for each blocking wait, so
// a catch-up never holds up the status report. All SQL comes from the dialect layer.
import { setTimeout as sleep } from 'node:timers/promises';
import type { GtidView, Position, ReplicationView } from '../../common/api/agent.js';
import { MmmError } from '../../common/errors/index.js';
import type { Logger } from '../../common/log/index.js';
import {
  ManagedConnection,
  mysqlErrno,
  openSession,
  type ConnectionTimeouts,
  type MysqlEndpoint,
  type MysqlSession,
  type Queryable,
} from '../../common/mysql/connection.js';
import { dialectFor, type Dialect, type GtidState, type ProcessInfo } from '../../common/mysql/dialect.js';
import { detectServerVersion } from '../../common/mysql/flavor.js';
import { formatMariaPosition, formatMariaState, formatMysqlGtidSet } from '../../common/mysql/gtid.js';
import type { ReplicaStatus } from '../../common/mysql/replica-status.js';
import type { ChangeSourceRequest, KillOptions, MysqlOps, MysqlState, WaitOutcome, WaitTarget } from './mysql.js';
import { StandbyReadOnly } from './standby-read-only.js';

/** The part of ManagedConnection the agent uses (tests pass a scripted one). */
export type SessionSource = Pick<ManagedConnection, 'session' | 'query' | 'run' | 'close'>;

export interface MysqlOpsOptions {
  readonly endpoint: MysqlEndpoint;
  readonly timeouts: ConnectionTimeouts;
  readonly logger: Logger;
  /** Configured host name for a replication source address (null when it is not a configured host). */
  readonly hostByIp: (ip: string) => string | null;
  /** Default: a ManagedConnection to `endpoint`. */
  readonly connection?: SessionSource;
  /** Opens an extra session (blocking waits, unblocking a fence). Default: openSession(endpoint). */
  readonly openExtra?: () => Promise<MysqlSession>;
}

/** Sessions that are never clients: replication threads, downstream replicas, server daemons. */
function isServerThread(p: ProcessInfo): boolean {
  return (
    p.user === 'system user' ||
    p.user === 'event_scheduler' ||
    p.command.startsWith('Binlog Dump') ||
    p.command.startsWith('Slave_') ||
    p.command === 'Daemon' ||
    p.command === 'Killed'
  );
}

export function gtidView(g: GtidState): GtidView {
  return g.flavor === 'mariadb'
    ? {
        binlogPos: formatMariaPosition(g.binlogPos),
        binlogState: formatMariaState(g.binlogState),
        slavePos: formatMariaPosition(g.slavePos),
        currentPos: formatMariaPosition(g.currentPos),
      }
    : { binlogPos: formatMysqlGtidSet(g.executed), binlogState: null, slavePos: null, currentPos: null };
}

export function replicationView(
  s: ReplicaStatus,
  gtid: GtidState,
  hostByIp: (ip: string) => string | null,
): ReplicationView {
  const io = s.ioRunning === 'Yes' ? 'yes' : s.ioRunning === 'No' ? 'no' : 'connecting';
  return {
    sourceHost: hostByIp(s.sourceHost),
    sourceIp: s.sourceHost,
    sourcePort: s.sourcePort,
    ioRunning: io,
    sqlRunning: s.sqlRunning === 'Yes',
    secondsBehind: s.secondsBehind,
    usingGtid: s.gtidMode === 'off' ? 'no' : s.gtidMode,
    received: { gtid: s.gtidIoPos ?? s.retrievedGtidSet, file: s.ioCoordinates.file, pos: s.ioCoordinates.pos },
    executed: {
      gtid: gtid.flavor === 'mariadb' ? formatMariaPosition(gtid.slavePos) : s.executedGtidSet,
      file: s.execCoordinates.file,
      pos: s.execCoordinates.pos,
    },
    lastIoErrno: s.lastIoErrno,
    lastIoError: s.lastIoError,
    lastSqlErrno: s.lastSqlErrno,
    lastSqlError: s.lastSqlError,
  };
}

/**
 * Deadline of a STOP that stops the receiver. Against an unreachable source (a network cut) the receiver sits in
 * connect() and STOP SLAVE takes 2.01 s (measured, with or without killing the receiver first): just past the
 * agent's 2 s statement limit, so the repoint failed, and with it the failover's fetch of a write only a replica
 * had acknowledged (a soak lost one that way, twice in 8 isolation runs).
 */
export const STOP_REPLICATION_TIMEOUT_MS = 5_000;

/** KILL CONNECTION `id`; false when the session had ended meanwhile (1094 unknown thread). */
async function killIfAlive(q: Queryable, d: Dialect, id: number): Promise<boolean> {
  try {
    await q.query(d.killConnection(id));
    return true;
  } catch (e) {
    if (mysqlErrno(e) !== 1094) throw e;
    return false;
  }
}

/** The replication receiver (IO thread) in the process list. MariaDB only: it names the thread Slave_IO. */
function isReceiver(d: Dialect, p: ProcessInfo): boolean {
  return d.flavor === 'mariadb' && p.command === 'Slave_IO';
}

/**
 * Stops replication (both threads, or the receiver alone with `thread` 'io') after killing the receiver's
 * connection, with STOP_REPLICATION_TIMEOUT_MS for the STOP. A
 * semi-synchronous receiver, asked to stop, opens a new connection to its source to end its dump thread there;
 * against a frozen or cut-off source that waits for the connect timeout (measured: STOP SLAVE took 2.0 s and
 * hit the agent's statement timeout, holding up the repoint of every replica in a failover), and a KILL sent
 * while that STOP waits does not shorten it. Killed first, the receiver just ends (or starts reconnecting) and
 * the STOP returns in ~50 ms. MariaDB only (its receiver is recognisable in the process list); with multi-source
 * replication every receiver is cut, and each reconnects by itself.
 */
async function stopReceiverFirst(q: Queryable, d: Dialect, thread: 'io' | undefined, logger: Logger): Promise<void> {
  let killed = false;
  if (d.flavor === 'mariadb') {
    for (const p of (await q.run(d.processList())).filter((x) => isReceiver(d, x))) {
      if (!(await killIfAlive(q, d, p.id))) continue;
      killed = true;
      logger.info({ thread: p.id, state: p.state }, 'replication receiver connection killed before STOP');
    }
  }
  const stop = async (): Promise<unknown> => q.query(d.stopReplica(thread), { timeoutMs: STOP_REPLICATION_TIMEOUT_MS });
  await stop();
  // A killed receiver reconnects by itself; a STOP that met it between the kill and its restart finds nothing
  // to stop. Make sure it is stopped (twice more at most).
  for (let again = 0; killed && again < 2; again++) {
    const status = await q.run(d.showReplicaStatus());
    if (status === null || status.ioRunning === 'No') return;
    logger.warn(`replication receiver ${status.ioRunning} again after STOP: stopping it again`);
    await sleep(100);
    await stop();
  }
}

/** How long read_only=1 may wait for running writes before their sessions are killed. */
const UNBLOCK_AFTER_MS = 300;

/** Kills client sessions in up to `k.passes` passes (sessions that connect meanwhile are caught next pass). */
async function killClients(q: Queryable, d: Dialect, ownIds: readonly number[], k: KillOptions): Promise<number> {
  let killed = 0;
  for (let pass = 0; pass < k.passes; pass++) {
    const victims = (await q.run(d.processList())).filter(
      (p) => !ownIds.includes(p.id) && !isServerThread(p) && !k.spareUsers.includes(p.user),
    );
    if (victims.length === 0) break;
    for (const p of victims) if (await killIfAlive(q, d, p.id)) killed++;
  }
  return killed;
}

export function createMysqlOps(opts: MysqlOpsOptions): MysqlOps {
  const conn = opts.connection ?? new ManagedConnection(opts.endpoint, opts.timeouts, { logger: opts.logger });
  const openExtra = opts.openExtra ?? (() => openSession(opts.endpoint, opts.timeouts, { logger: opts.logger }));
  // The dialect is detected once per session: a reconnect may reach an upgraded server.
  let known: { session: MysqlSession; dialect: Dialect } | undefined;

  const dialectOn = async (q: Queryable, session: MysqlSession): Promise<Dialect> => {
    if (known?.session === session) return known.dialect;
    const dialect = dialectFor(await detectServerVersion(q));
    known = { session, dialect };
    return dialect;
  };
  const use = async (): Promise<{ d: Dialect; q: Queryable; session: MysqlSession }> => {
    const session = await conn.session();
    return { d: await dialectOn(conn, session), q: conn, session };
  };

  const killSession = async (id: number): Promise<void> => {
    const { d, q } = await use();
    await killIfAlive(q, d, id);
  };

  const standby = new StandbyReadOnly({
    open: openExtra,
    killThread: killSession,
    logger: opts.logger,
  });

  const replication = async (): Promise<ReplicationView | null> => {
    const { d, q } = await use();
    const status = await q.run(d.showReplicaStatus());
    return status === null ? null : replicationView(status, await q.run(d.gtidState()), opts.hostByIp);
  };

  return {
    async state(): Promise<MysqlState> {
      const { d, q } = await use();
      const ro = await q.run(d.readOnlyState());
      const gtid = await q.run(d.gtidState());
      const binlog = await q.run(d.showBinlogStatus());
      const status = await q.run(d.showReplicaStatus());
      const uptimeS = await q.run(d.serverUptime());
      return {
        flavor: d.flavor,
        version: d.version.raw,
        readOnly: ro.readOnly,
        superReadOnly: ro.superReadOnly,
        uptimeS,
        serverId: gtid.serverId,
        gtid: gtidView(gtid),
        binlog: binlog === null ? null : { file: binlog.file, pos: binlog.position },
        replication: status === null ? null : replicationView(status, gtid, opts.hostByIp),
      };
    },

    async storagePaths() {
      const { d, q } = await use();
      return q.run(d.storagePaths());
    },

    async sessions() {
      const { d, q } = await use();
      return q.run(d.processList());
    },

    killSession,

    async setReadOnly(on, unblock) {
      if (!on) await standby.disarm(); // an armed read_only=1 must not land after this
      const { d, q, session } = await use();
      const setting = q.query(d.setReadOnly(on));
      if (on && unblock !== undefined) {
        // SET GLOBAL read_only=1 waits for running write statements (measured: a 3 s INSERT ... SELECT SLEEP
        // held it 2.5 s). Fencing must not wait for them: kill the clients from a second session.
        const late = await Promise.race([
          setting.then(
            () => false,
            () => false, // the error is taken from `setting` below
          ),
          sleep(UNBLOCK_AFTER_MS).then(() => true),
        ]);
        if (late) {
          opts.logger.warn(
            `read_only=1 waits for running writes; killing client sessions after ${UNBLOCK_AFTER_MS} ms`,
          );
          const helper = await openExtra();
          try {
            const n = await killClients(helper, d, [session.threadId, helper.threadId], unblock);
            opts.logger.warn(`killed ${n} client session(s) that blocked read_only=1`);
          } finally {
            await helper.close();
          }
        }
      }
      await setting;
      const now = await q.run(d.readOnlyState());
      const fenced = now.readOnly && now.superReadOnly !== false;
      if (on ? !fenced : now.readOnly) {
        throw new MmmError('MMM_MYSQL_ERROR', `read_only is ${now.readOnly ? 1 : 0} after setting it to ${on ? 1 : 0}`);
      }
    },

    async killClientSessions(k: KillOptions) {
      const { d, q, session } = await use();
      return killClients(q, d, [session.threadId], k);
    },

    async stopReplication(thread?: 'io' | 'sql') {
      const { d, q } = await use();
      if ((await q.run(d.showReplicaStatus())) === null) return; // nothing configured, nothing to stop
      if (thread === 'sql') {
        await q.query(d.stopReplica(thread));
        return;
      }
      await stopReceiverFirst(q, d, thread, opts.logger);
    },

    async stopReceiver() {
      const session = await openExtra();
      try {
        const d = dialectFor(await detectServerVersion(session));
        if ((await session.run(d.showReplicaStatus())) === null) return;
        await stopReceiverFirst(session, d, 'io', opts.logger);
      } finally {
        await session.close();
      }
    },

    async startReplication() {
      const { d, q } = await use();
      if ((await q.run(d.showReplicaStatus())) === null) {
        throw new MmmError('MMM_REFUSED', 'replication is not configured on this host: nothing to start');
      }
      await q.query(d.startReplica());
    },

    async resetReplication() {
      const { d, q } = await use();
      await q.query(d.resetReplicaAll());
    },

    async changeSource(req: ChangeSourceRequest) {
      const { d, q } = await use();
      const netTimeoutSec = await q.run(d.replicaNetTimeout());
      await q.query(
        d.changeSource({
          host: req.host,
          port: req.port,
          user: req.user,
          password: req.password,
          position:
            req.position.mode === 'gtid'
              ? { kind: 'gtid' }
              : { kind: 'file', file: req.position.file, pos: req.position.pos },
          heartbeatPeriodSec: req.heartbeatPeriodS,
          connectRetrySec: req.connectRetryS,
          netTimeoutSec,
        }),
      );
    },

    replication,

    async waitFor(target: WaitTarget, timeoutMs: number): Promise<WaitOutcome> {
      const session = await openExtra();
      try {
        const d = dialectFor(await detectServerVersion(session));
        const seconds = Math.max(0.001, timeoutMs / 1000);
        return await session.run(
          'gtid' in target ? d.waitForGtid(target.gtid, seconds) : d.waitForPosition(target.file, target.pos, seconds),
        );
      } finally {
        await session.close();
      }
    },

    async ownPosition(): Promise<Position> {
      const { d, q } = await use();
      const binlog = await q.run(d.showBinlogStatus());
      const gtid = gtidView(await q.run(d.gtidState()));
      return { gtid: gtid.binlogPos, file: binlog?.file ?? null, pos: binlog?.position ?? null };
    },

    prepareStandby: async () => standby.prepare(),
    armReadOnly: () => (known === undefined ? false : standby.arm(known.dialect.setReadOnly(true))),

    close: async () => {
      standby.close();
      await conn.close();
    },
  };
}
