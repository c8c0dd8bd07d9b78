// The agent's port to its local MySQL server. The implementation (mysql-ops.ts) runs every statement through
// common/mysql (dialect + bounded connections); tests use a fake. Every method is bounded in time and throws
// MmmError: MMM_MYSQL_UNREACHABLE (down, refused, link lost), MMM_TIMEOUT (hung), MMM_MYSQL_ERROR.
import type { MysqlFacts, Position, ReplicationView } from '../../common/api/agent.js';
import type { Secret } from '../../common/config/secret.js';
import type { ProcessInfo, StoragePaths } from '../../common/mysql/dialect.js';

export type MysqlState = MysqlFacts;

/** A session of the process list as the dump reaper reads it (Host is `ip:port` for TCP clients). */
export type SessionInfo = Pick<ProcessInfo, 'id' | 'host' | 'command'>;

export type WaitTarget = { readonly gtid: string } | { readonly file: string; readonly pos: number };

export type WaitOutcome = 'reached' | 'timeout' | 'not-replicating';

export interface ChangeSourceRequest {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: Secret;
  readonly position:
    { readonly mode: 'gtid' } | { readonly mode: 'coordinates'; readonly file: string; readonly pos: number };
  readonly heartbeatPeriodS: number;
  readonly connectRetryS: number;
}

export interface KillOptions {
  /** Passes over the process list (sessions that connect between passes are caught by the next one). */
  readonly passes: number;
  /** Sessions of these users are ours (agent, monitor), not clients: never killed. */
  readonly spareUsers: readonly string[];
}

export interface MysqlOps {
  /** Everything the status report shows about MySQL. */
  state(): Promise<MysqlState>;
  /**
   * read_only (and super_read_only where it exists) on or off; resolves once the server confirms it. Turning it
   * on waits for running write statements; with `unblock`, client sessions are killed when that wait lasts.
   */
  setReadOnly(on: boolean, unblock?: KillOptions): Promise<void>;
  /** Kills client sessions (not replication threads, downstream replicas, our own or `spareUsers`); returns the count. */
  killClientSessions(opts: KillOptions): Promise<number>;
  /** Both threads, or only the receiver ('io') or only the applier ('sql'). */
  stopReplication(thread?: 'io' | 'sql'): Promise<void>;
  /**
   * STOP of the receiver (IO thread) on a session of its own: with a hung source it can wait until
   * slave_net_timeout, and must not hold the connection the other statements use.
   */
  stopReceiver(): Promise<void>;
  startReplication(): Promise<void>;
  /** Forget the source (RESET SLAVE ALL / RESET REPLICA ALL); replication must be stopped. */
  resetReplication(): Promise<void>;
  changeSource(req: ChangeSourceRequest): Promise<void>;
  replication(): Promise<ReplicationView | null>;
  /** Waits (bounded by timeoutMs) until the SQL thread has applied `target`. */
  waitFor(target: WaitTarget, timeoutMs: number): Promise<WaitOutcome>;
  /** The server's own binlog position (GTID and coordinates). */
  ownPosition(): Promise<Position>;
  /** Where mysqld writes (datadir, binlog directory); read for the disk space report. */
  storagePaths?: (() => Promise<StoragePaths>) | undefined;
  /** Sessions of the process list (id, Host, Command): the dump reaper looks for Binlog Dump ones. */
  sessions?: (() => Promise<readonly SessionInfo[]>) | undefined;
  /** KILL CONNECTION id (a session that already ended is no error). */
  killSession?: ((id: number) => Promise<void>) | undefined;
  /** Keeps a standby session open for armReadOnly (standby-read-only.ts); never throws. */
  prepareStandby?(): Promise<void>;
  /** Sends read_only=1 on the standby session without a deadline, for a hung mysqld; false: no standby ready. */
  armReadOnly?(): boolean;
  close(): Promise<void>;
}
