// What the failover planning reads about each host: GTID state and replication, as the host's agent reported
// it (GET /v1/status) at planning time. The shell converts the agent's report; the core only reads this shape.
// A host without an entry is "unknown" (agent or mysqld did not answer): it is never a candidate and never
// judged errant on stale data.

export interface ReplicationFacts {
  /** Config host name of the source, undefined when the source is not a configured host. */
  readonly sourceHost: string | undefined;
  readonly ioRunning: 'yes' | 'no' | 'connecting';
  readonly sqlRunning: boolean;
  /** What the IO thread received (MariaDB Gtid_IO_Pos, MySQL Retrieved_Gtid_Set); '' when none. */
  readonly received: string;
  /** What the SQL thread applied (MariaDB gtid_slave_pos, MySQL Executed_Gtid_Set); '' when none. */
  readonly executed: string;
  readonly lastIoErrno: number;
  readonly lastIoError: string;
  readonly lastSqlErrno: number;
  readonly lastSqlError: string;
}

export interface GtidFacts {
  readonly flavor: 'mariadb' | 'mysql';
  readonly serverId: number;
  readonly readOnly: boolean;
  /** MariaDB @@gtid_binlog_pos, MySQL @@gtid_executed. */
  readonly binlogPos: string;
  /** MariaDB @@gtid_binlog_state (errant checks); MySQL: @@gtid_executed again. */
  readonly binlogState: string;
  /** null: replicates from nobody. */
  readonly replication: ReplicationFacts | null;
  /** Epoch ms of the observation. */
  readonly observedAt: number;
}

/** Fresh facts per host name; a missing host is unknown. */
export type FactsByHost = Readonly<Record<string, GtidFacts>>;

/** True when the replication of the host is stopped by an SQL error (not just lagging or stopped by hand). */
export function sqlBroken(f: GtidFacts): boolean {
  const r = f.replication;
  return r !== null && !r.sqlRunning && r.lastSqlErrno !== 0;
}
