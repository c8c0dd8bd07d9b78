// The latest raw facts the checks saw on each host, beyond pass/fail: what the monitor tick and the failover
// logic read (reachability and latency, read_only, replication threads and lag, GTID state, version). Each
// fact carries its own observation time, because different checks see it at different moments. Pure.
import type { HostConfig } from '../../common/config/types.js';
import type { GtidState, ReadOnlyState } from '../../common/mysql/dialect.js';
import type { ServerVersion } from '../../common/mysql/flavor.js';
import type { ReplicaStatus } from '../../common/mysql/replica-status.js';
import type { LivenessVerdict, ReplicaEvidence } from './liveness-verdict.js';

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

export interface LivenessProbe {
  readonly ok: boolean;
  readonly latencyMs: number;
  /** The probe's failure text (MMM's mysql check wording) when not ok. */
  readonly error: string | undefined;
}

/** Corroboration (liveness-verdict.ts): is the host alive, and who says so. */
export interface LivenessView {
  readonly verdict: LivenessVerdict;
  /** Epoch ms the verdict took its current value. */
  readonly since: number;
  /** One line naming the replicas and what they show. */
  readonly reason: string;
  /** Start of the monitor's current failing spell (ping, mysql, liveness probe); undefined while it reaches the host. */
  readonly monitorFailingSince: number | undefined;
  /** The monitor's latest failure text in this spell. */
  readonly monitorError: string | undefined;
  /** What each replica of this host shows. */
  readonly evidence: readonly ReplicaEvidence[];
  /** The latest liveness probe of this host, with its time. */
  readonly probe: Observed<LivenessProbe> | undefined;
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
  /** Corroborated liveness (only with corroboration on); `at` = when it was last judged. */
  readonly liveness: Observed<LivenessView> | undefined;
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
    liveness: undefined,
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
    liveness: o.liveness,
    observedAt: touched ? Math.max(at, o.observedAt ?? at) : o.observedAt,
  });
}

export function markConnectionLost(o: HostObservation, at: number): HostObservation {
  return Object.freeze({ ...o, connectionLostAt: at, observedAt: Math.max(at, o.observedAt ?? at) });
}

export function withLiveness(o: HostObservation, view: LivenessView, at: number): HostObservation {
  return Object.freeze({ ...o, liveness: Object.freeze({ value: view, at }) });
}

/** The configured host a replica's Master_Host/Master_Port points at (by IP and MySQL port). */
export function sourceHostName(
  hosts: readonly Pick<HostConfig, 'name' | 'ip' | 'mysqlPort'>[],
  status: ReplicaStatus | null,
): string | undefined {
  if (status === null || status.sourceHost === '') return undefined;
  return hosts.find((h) => h.ip === status.sourceHost && h.mysqlPort === status.sourcePort)?.name;
}
