// The latest raw facts the checks saw on each host, beyond pass/fail: what the monitor tick and the failover
// logic read (reachability and latency, read_only, replication threads and lag, GTID state, version). Each
// fact carries its own observation time, because different checks see it at different moments. Pure.
import type { HostConfig } from '../../common/config/types.js';
import type { GtidState, ReadOnlyState } from '../../common/mysql/dialect.js';
import type { ServerVersion } from '../../common/mysql/flavor.js';
import type { ReplicaStatus } from '../../common/mysql/replica-status.js';

export interface Observed<T> {
  readonly value: T;
  /** Epoch ms the fact was seen. */
  readonly at: number;
}

export interface MysqlReach {
  /** Connect (if needed) and the trivial query worked. */
  readonly reachable: boolean;
  /** Duration of the mysql check run (ms), including a reconnect when there was one. */
  readonly latencyMs: number;
  /** The check's result text when not reachable. */
  readonly error: string | undefined;
}

export interface ReplicaObservation {
  /** Normalized SHOW SLAVE/REPLICA STATUS; null when replication is not configured on the host. */
  readonly status: ReplicaStatus | null;
  /** Config name of the host the replica's source address/port belongs to; undefined if none matches. */
  readonly source: string | undefined;
}

export interface HostObservation {
  readonly host: string;
  /** Last `ping` check: the host answered. */
  readonly ping: Observed<boolean> | undefined;
  /** Last `mysql` check. */
  readonly mysql: Observed<MysqlReach> | undefined;
  readonly readOnly: Observed<ReadOnlyState> | undefined;
  /** Last rep_threads or rep_backlog run that got an answer. */
  readonly replica: Observed<ReplicaObservation> | undefined;
  readonly gtid: Observed<GtidState> | undefined;
  /** Server version of the last session opened to the host. */
  readonly version: Observed<ServerVersion> | undefined;
  /** Epoch ms a connection to this host last broke (link lost, timeout); undefined if never. */
  readonly connectionLostAt: number | undefined;
  /** The latest of all times above; undefined before the first observation. */
  readonly observedAt: number | undefined;
}

/** What one check run adds to the observation (the scheduler stamps it). */
export interface ObservationPatch {
  readonly ping?: boolean;
  readonly mysql?: MysqlReach;
  readonly readOnly?: ReadOnlyState;
  readonly replica?: ReplicaObservation;
  readonly gtid?: GtidState;
  readonly version?: ServerVersion;
}

export function emptyObservation(host: string): HostObservation {
  return Object.freeze({
    host,
    ping: undefined,
    mysql: undefined,
    readOnly: undefined,
    replica: undefined,
    gtid: undefined,
    version: undefined,
    connectionLostAt: undefined,
    observedAt: undefined,
  });
}

function stamp<T>(value: T | undefined, at: number, old: Observed<T> | undefined): Observed<T> | undefined {
  return value === undefined ? old : Object.freeze({ value, at });
}

export function applyPatch(o: HostObservation, patch: ObservationPatch, at: number): HostObservation {
  const touched = Object.values(patch).some((v) => v !== undefined);
  return Object.freeze({
    host: o.host,
    ping: stamp(patch.ping, at, o.ping),
    mysql: stamp(patch.mysql, at, o.mysql),
    readOnly: stamp(patch.readOnly, at, o.readOnly),
    replica: stamp(patch.replica, at, o.replica),
    gtid: stamp(patch.gtid, at, o.gtid),
    version: stamp(patch.version, at, o.version),
    connectionLostAt: o.connectionLostAt,
    observedAt: touched ? Math.max(at, o.observedAt ?? at) : o.observedAt,
  });
}

export function markConnectionLost(o: HostObservation, at: number): HostObservation {
  return Object.freeze({ ...o, connectionLostAt: at, observedAt: Math.max(at, o.observedAt ?? at) });
}

/** The configured host a replica's Master_Host/Master_Port points at (by IP and MySQL port). */
export function sourceHostName(
  hosts: readonly Pick<HostConfig, 'name' | 'ip' | 'mysqlPort'>[],
  status: ReplicaStatus | null,
): string | undefined {
  if (status === null || status.sourceHost === '') return undefined;
  return hosts.find((h) => h.ip === status.sourceHost && h.mysqlPort === status.sourcePort)?.name;
}
