// The monitor's side of the agent contract (common/api/agent.ts): one JSON client per host, every call bounded
// by `agent_timeout`, and the conversions between the agent's report and what the pure core reads.
import {
  AGENT_ROUTES,
  type AgentStatusReport,
  type CatchUpResult,
  type DesiredState,
  type DesiredStateResult,
  type DisksAnswer,
  type FenceResult,
  type PromoteRequest,
  type PromoteResult,
  type RepointResult,
  type RoleIp,
} from '../common/api/agent.js';
import type { Config, HostConfig } from '../common/config/types.js';
import { MmmError } from '../common/errors/index.js';
import type { HttpAuth, TlsMaterial } from '../common/http/auth.js';
import { JsonClient } from '../common/http/client.js';
import type { AgentView, Answer, DesiredAgentState, GtidFacts, ReplicationInfo, SystemView } from './core/index.js';

/** Default seconds for one agent request when the config leaves it out. */
export const DEFAULT_AGENT_TIMEOUT_S = 2;

/** `name(ip)` → { role, ip }; throws on a malformed id (the core only produces well-formed ones). */
export function parseRoleIp(id: string): RoleIp {
  const m = /^([^()]+)\(([^()]+)\)$/.exec(id);
  if (m === null) throw new MmmError('MMM_INTERNAL', `malformed role id '${id}'`);
  return { role: m[1] ?? '', ip: m[2] ?? '' };
}

export function roleIpId(r: RoleIp): string {
  return `${r.role}(${r.ip})`;
}

/**
 * The wire form of a desired state the core decided; `leaseRelay` (the writer whose lease this agent may relay)
 * is only sent when set, so agents without the field keep accepting desired states.
 */
export function toDesiredState(
  host: string,
  epoch: number,
  seq: number,
  d: DesiredAgentState,
  leaseRelay: string | null = null,
): DesiredState {
  if (d.state === 'UNKNOWN') throw new MmmError('MMM_INTERNAL', `refusing to push state UNKNOWN to ${host}`);
  return {
    host,
    epoch,
    seq,
    state: d.state,
    roles: d.roles.map(parseRoleIp),
    activeMaster: d.activeMaster === '' ? null : d.activeMaster,
    ...(leaseRelay === null ? {} : { leaseRelay }),
  };
}

/** MMM's GET_AGENT_STATUS view of a report: what the agent was last told. */
export function agentViewOf(r: AgentStatusReport): AgentView {
  return { state: r.hostState, roles: r.roles.map(roleIpId), master: r.activeMaster ?? '', uptime: r.osUptimeS };
}

/** MMM's GET_SYSTEM_STATUS view of a report: what is really on the host. */
export function systemViewOf(r: AgentStatusReport): SystemView {
  const up = r.mysql.up ? r.mysql : undefined;
  return {
    writable: up !== undefined && !up.readOnly,
    roles: r.vips.bound.map(roleIpId),
    masterIp: up?.replication?.sourceIp ?? '',
  };
}

/** Replication facts of a report for the model (undefined when MySQL could not be read or has no source). */
export function replicationOf(r: AgentStatusReport, now: number): ReplicationInfo | undefined {
  if (!r.mysql.up || r.mysql.replication === null) return undefined;
  const rep = r.mysql.replication;
  return {
    masterHost: rep.sourceHost ?? undefined,
    // Connecting: the thread runs and retries (MMM's rep_threads treats it as OK, too).
    ioRunning: rep.ioRunning !== 'no',
    sqlRunning: rep.sqlRunning,
    secondsBehind: rep.secondsBehind,
    gtid: rep.executed.gtid ?? undefined,
    observedAt: now,
  };
}

/** The failover planner's facts from a report (undefined when MySQL could not be read). */
export function factsOf(r: AgentStatusReport, now: number): GtidFacts | undefined {
  if (!r.mysql.up) return undefined;
  const m = r.mysql;
  const rep = m.replication;
  return {
    flavor: m.flavor,
    serverId: m.serverId,
    readOnly: m.readOnly,
    binlogPos: m.gtid.binlogPos ?? '',
    binlogState: m.gtid.binlogState ?? m.gtid.binlogPos ?? '',
    replication:
      rep === null
        ? null
        : {
            sourceHost: rep.sourceHost ?? undefined,
            ioRunning: rep.ioRunning,
            sqlRunning: rep.sqlRunning,
            received: rep.received.gtid ?? '',
            executed: rep.executed.gtid ?? '',
            lastIoErrno: rep.lastIoErrno,
            lastIoError: rep.lastIoError,
            lastSqlErrno: rep.lastSqlErrno,
            lastSqlError: rep.lastSqlError,
          },
    observedAt: now,
  };
}

export function answerOf<T>(v: T | Error): Answer<T> {
  return v instanceof Error ? { ok: false, answer: v.message } : { ok: true, view: v };
}

/** A replication source for repoint: a configured host. */
export interface SourceRef {
  readonly host: string;
  readonly ip: string;
  readonly port: number;
}

/** What the daemon needs from the agents; a fake implements it in unit tests. */
export interface AgentPort {
  /** `timeoutMs` overrides agent_timeout for this call. */
  status(host: string, timeoutMs?: number): Promise<AgentStatusReport>;
  push(state: DesiredState): Promise<DesiredStateResult>;
  fence(host: string, epoch: number, reason: string): Promise<FenceResult>;
  /** replication: keep (default) leaves the host's replication alone; stop cuts it from the old master. */
  promote(host: string, epoch: number, replication?: PromoteRequest['replication']): Promise<PromoteResult>;
  /** Waits (bounded by timeoutMs on the agent, a little longer on the wire) until the relay log is applied. */
  catchUp(host: string, epoch: number, timeoutMs: number, target?: { gtid: string }): Promise<CatchUpResult>;
  /** Points `host` at `source` by GTID and checks both threads run within verifyTimeoutMs. */
  repoint(host: string, epoch: number, source: SourceRef, verifyTimeoutMs: number): Promise<RepointResult>;
  /** Free space where mysqld writes, without MySQL (GET /v1/disks); optional for test fakes. */
  disks?(host: string): Promise<DisksAnswer>;
  close(): void;
}

/** Extra wire time over an agent-side bound (the agent answers just after its own deadline). */
const WIRE_MARGIN_MS = 2000;
/** Extra time for a fence over agent_timeout (the agent's MySQL statement timeout and VIP steps). */
const FENCE_EXTRA_MS = 3000;

/** The real thing: HTTP to every configured agent. */
export class HttpAgents implements AgentPort {
  readonly #clients = new Map<string, JsonClient>();
  readonly #timeoutMs: number;

  constructor(config: Config, auth: HttpAuth, tls?: TlsMaterial) {
    const timeoutMs = (config.monitor?.agentTimeout ?? DEFAULT_AGENT_TIMEOUT_S) * 1000;
    this.#timeoutMs = timeoutMs;
    for (const h of config.hosts) this.#clients.set(h.name, clientFor(h, auth, timeoutMs, tls));
  }

  #client(host: string): JsonClient {
    const c = this.#clients.get(host);
    if (c === undefined) throw new MmmError('MMM_INTERNAL', `no agent client for host '${host}'`);
    return c;
  }

  async status(host: string, timeoutMs?: number): Promise<AgentStatusReport> {
    return this.#client(host).get<AgentStatusReport>(
      AGENT_ROUTES.status.path,
      timeoutMs === undefined ? undefined : { timeoutMs },
    );
  }

  async disks(host: string): Promise<DisksAnswer> {
    return this.#client(host).get<DisksAnswer>(AGENT_ROUTES.disks.path);
  }

  async push(state: DesiredState): Promise<DesiredStateResult> {
    return this.#client(state.host).put<DesiredStateResult>(AGENT_ROUTES.desiredState.path, state);
  }

  async fence(host: string, epoch: number, reason: string): Promise<FenceResult> {
    // A hung mysqld makes the agent's deny-writes wait for its statement timeout: give it that time. The
    // executor races this call against the writer lease, so a longer bound never delays a recovery.
    return this.#client(host).post<FenceResult>(
      AGENT_ROUTES.fence.path,
      { host, epoch, reason },
      { timeoutMs: this.#timeoutMs + FENCE_EXTRA_MS },
    );
  }

  async promote(
    host: string,
    epoch: number,
    replication: PromoteRequest['replication'] = 'keep',
  ): Promise<PromoteResult> {
    // Stopping the applier may wait for the statement it is applying (the agent bounds it): allow for that.
    return this.#client(host).post<PromoteResult>(
      AGENT_ROUTES.promote.path,
      { host, epoch, replication },
      { timeoutMs: this.#timeoutMs + FENCE_EXTRA_MS },
    );
  }

  async catchUp(host: string, epoch: number, timeoutMs: number, target?: { gtid: string }): Promise<CatchUpResult> {
    const body = target === undefined ? { host, epoch, timeoutMs } : { host, epoch, timeoutMs, target };
    return this.#client(host).post<CatchUpResult>(AGENT_ROUTES.catchUp.path, body, {
      timeoutMs: timeoutMs + WIRE_MARGIN_MS,
    });
  }

  async repoint(host: string, epoch: number, source: SourceRef, verifyTimeoutMs: number): Promise<RepointResult> {
    const body = { host, epoch, source, position: { mode: 'gtid' }, verifyTimeoutMs };
    return this.#client(host).post<RepointResult>(AGENT_ROUTES.repoint.path, body, {
      // the agent's STOP may take up to 5 s (a source cut off: agent/ops/mysql-ops.ts), then CHANGE and START
      timeoutMs: verifyTimeoutMs + 6000 + WIRE_MARGIN_MS,
    });
  }

  close(): void {
    for (const c of this.#clients.values()) c.close();
  }
}

function clientFor(h: HostConfig, auth: HttpAuth, timeoutMs: number, tls: TlsMaterial | undefined): JsonClient {
  return new JsonClient({
    name: `agent ${h.name}`,
    host: h.ip,
    port: h.agentPort,
    auth,
    ...(tls === undefined ? {} : { tls }),
    timeoutMs,
  });
}
