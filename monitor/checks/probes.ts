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
import type { Logger } from '../../common/log/index.js';
import type { GtidState } from '../../common/mysql/dialect.js';
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
import { sourceHostName, type ObservationPatch } from './observation.js';
import type { Pinger } from './ping.js';

export interface ProbeOutcome {
  readonly raw: RawResult;
  readonly patch: ObservationPatch;
}

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
  readonly onLost: (check: CheckName, reason: string) => void;
}

type MysqlCheck = Exclude<CheckName, 'ping'>;

export class HostProbes {
  readonly #host: HostConfig;
  readonly #opts: HostProbesOptions;
  readonly #target: MysqlTarget;
  readonly #connections: Readonly<Record<MysqlCheck, CheckConnection>>;

  constructor(host: HostConfig, opts: HostProbesOptions) {
    this.#host = host;
    this.#opts = opts;
    this.#target = { ip: host.ip, port: host.mysqlPort, user: host.monitorUser };
    const endpoint = { host: host.ip, port: host.mysqlPort, user: host.monitorUser, password: host.monitorPassword };
    const make = (check: MysqlCheck): CheckConnection =>
      new CheckConnection(endpoint, opts.timeoutsMs[check], {
        logger: opts.logger.child({ host: host.name, check }),
        onLost: (reason) => {
          opts.onLost(check, reason);
        },
      });
    this.#connections = { mysql: make('mysql'), rep_threads: make('rep_threads'), rep_backlog: make('rep_backlog') };
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

  async close(): Promise<void> {
    await Promise.all(Object.values(this.#connections).map((c) => c.close()));
  }
}
