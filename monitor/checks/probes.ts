// The four checks against one host (spec §3.2): each run gives MMM's result text and what it observed.
//
//   ping         fping / ping / TCP connect (ping.ts)
//   mysql        connect (reused session) + a trivial query: the read_only state, which the failover logic
//                needs anyway (MMM ran SELECT NOW()); then, best effort, the GTID state for the observation.
//   rep_threads  SHOW SLAVE/REPLICA STATUS (dialect) → "Replication is broken" when a thread says No
//   rep_backlog  the same statement → Seconds_Behind_Master against max_backlog
//
// Each MySQL check has its own connection, so a slow statement of one check never queues behind another's.
import type { CheckName, HostConfig } from '../../common/config/types.js';
import { MmmError } from '../../common/errors/index.js';
import type { Logger } from '../../common/log/index.js';
import type { GtidState, HeartbeatCounters } from '../../common/mysql/dialect.js';
import type { ReplicaStatus } from '../../common/mysql/replica-status.js';
import { CheckConnection } from './connection.js';
import {
  evaluateRepBacklog,
  evaluateRepThreads,
  mysqlFailure,
  OK,
  replicationFailure,
  type MysqlTarget,
  type RawResult,
} from './messages.js';
import { sourceHostName, type ObservationPatch, type ReplicaObservation } from './observation.js';
import type { Pinger } from './ping.js';

export interface ProbeOutcome {
  readonly raw: RawResult;
  readonly patch: ObservationPatch;
}

/** One liveness probe (liveness.ts): the host answered, and what it says about its own replication. */
export type LivenessProbeOutcome =
  | {
      readonly ok: true;
      readonly latencyMs: number;
      readonly replica: ReplicaObservation;
      /** Received heartbeats and period; null when not replicating or not readable. */
      readonly heartbeats: HeartbeatCounters | null;
    }
  | { readonly ok: false; readonly latencyMs: number; readonly raw: RawResult };

export interface ProbeSettings {
  /** The check's timeout in ms. */
  readonly timeoutMs: number;
  /** rep_backlog: seconds. */
  readonly maxBacklog: number;
}

export interface HostProbesOptions {
  readonly logger: Logger;
  readonly pinger: Pinger;
  /** Every configured host, to name a replica's source. */
  readonly hosts: readonly HostConfig[];
  /** Per MySQL check of this host: the timeout in ms its connection is built with. */
  readonly timeoutsMs: Readonly<Record<Exclude<CheckName, 'ping'>, number>>;
  /** Timeout of the liveness probe's own connection; undefined = no liveness probe. */
  readonly livenessTimeoutMs?: number;
  readonly onLost: (check: CheckName | 'liveness', reason: string) => void;
}

type MysqlCheck = Exclude<CheckName, 'ping'>;

export class HostProbes {
  readonly #host: HostConfig;
  readonly #opts: HostProbesOptions;
  readonly #target: MysqlTarget;
  readonly #connections: Readonly<Record<MysqlCheck, CheckConnection>>;
  readonly #liveness: CheckConnection | undefined;

  constructor(host: HostConfig, opts: HostProbesOptions) {
    this.#host = host;
    this.#opts = opts;
    this.#target = { ip: host.ip, port: host.mysqlPort, user: host.monitorUser };
    const endpoint = { host: host.ip, port: host.mysqlPort, user: host.monitorUser, password: host.monitorPassword };
    const make = (check: MysqlCheck | 'liveness', timeoutMs: number): CheckConnection =>
      new CheckConnection(endpoint, timeoutMs, {
        logger: opts.logger.child({ host: host.name, check }),
        onLost: (reason) => {
          opts.onLost(check, reason);
        },
      });
    const t = opts.timeoutsMs;
    this.#connections = {
      mysql: make('mysql', t.mysql),
      rep_threads: make('rep_threads', t.rep_threads),
      rep_backlog: make('rep_backlog', t.rep_backlog),
    };
    this.#liveness = opts.livenessTimeoutMs === undefined ? undefined : make('liveness', opts.livenessTimeoutMs);
  }

  async run(check: CheckName, s: ProbeSettings): Promise<ProbeOutcome> {
    switch (check) {
      case 'ping': {
        const raw = await this.#opts.pinger.ping(this.#host.ip, this.#host.mysqlPort, s.timeoutMs);
        return { raw, patch: { ping: raw.kind === 'ok' } };
      }
      case 'mysql':
        return this.#mysql();
      case 'rep_threads':
      case 'rep_backlog':
        return this.#replication(check, s.maxBacklog);
    }
  }

  async #mysql(): Promise<ProbeOutcome> {
    const started = performance.now();
    const out = await this.#connections.mysql.use(async (q, d) => {
      const readOnly = await q.run(d.readOnlyState());
      let gtid: GtidState | undefined;
      try {
        gtid = await q.run(d.gtidState());
      } catch (e) {
        this.#opts.logger.debug({ host: this.#host.name, error: String(e) }, 'GTID state not readable');
      }
      return { readOnly, gtid };
    });
    const latencyMs = performance.now() - started;
    if (!out.ok) {
      const raw = mysqlFailure(this.#target, out.failure);
      return { raw, patch: { mysql: { reachable: false, latencyMs, error: raw.message } } };
    }
    return {
      raw: OK,
      patch: {
        mysql: { reachable: true, latencyMs, error: undefined },
        readOnly: out.value.readOnly,
        version: out.dialect.version,
        ...(out.value.gtid === undefined ? {} : { gtid: out.value.gtid }),
      },
    };
  }

  async #replication(check: 'rep_threads' | 'rep_backlog', maxBacklog: number): Promise<ProbeOutcome> {
    const out = await this.#connections[check].use((q, d) => q.run(d.showReplicaStatus()));
    if (!out.ok) return { raw: replicationFailure(this.#target, out.failure), patch: {} };
    const status: ReplicaStatus | null = out.value;
    const raw = check === 'rep_threads' ? evaluateRepThreads(status) : evaluateRepBacklog(status, maxBacklog);
    return {
      raw,
      patch: {
        replica: { status, source: sourceHostName(this.#opts.hosts, status) },
        version: out.dialect.version,
      },
    };
  }

  /**
   * The liveness probe: one cheap round trip that proves the host answers (SHOW SLAVE STATUS), plus the
   * heartbeat counters when it replicates, on a connection of its own with the short liveness timeout.
   */
  async liveness(): Promise<LivenessProbeOutcome> {
    const conn = this.#liveness;
    if (conn === undefined) throw new Error('liveness probe not configured');
    const started = performance.now();
    const out = await conn.use(async (q, d) => {
      const status = await q.run(d.showReplicaStatus());
      let heartbeats: HeartbeatCounters | null = null;
      if (status !== null) {
        try {
          heartbeats = await q.run(d.heartbeatCounters());
        } catch (e) {
          // a server error (e.g. no access to performance_schema) only costs the counters; no answer is a failure
          if (!(e instanceof MmmError) || e.code !== 'MMM_MYSQL_ERROR') throw e;
          this.#opts.logger.debug({ host: this.#host.name, error: e.message }, 'heartbeat counters not readable');
        }
      }
      return { status, heartbeats };
    });
    const latencyMs = performance.now() - started;
    if (!out.ok) return { ok: false, latencyMs, raw: mysqlFailure(this.#target, out.failure) };
    const { status, heartbeats } = out.value;
    return { ok: true, latencyMs, replica: { status, source: sourceHostName(this.#opts.hosts, status) }, heartbeats };
  }

  async close(): Promise<void> {
    await Promise.all(
      [...Object.values(this.#connections), ...(this.#liveness === undefined ? [] : [this.#liveness])].map((c) =>
        c.close(),
      ),
    );
  }
}
