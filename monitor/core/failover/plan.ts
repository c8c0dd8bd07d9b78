// The recovery plan for a writer move, as a pure function of the model, the fresh facts and what the shell
// knows about writers that may still be open. The executor (monitor/failover/) runs it step by step;
// `failover_plan` and GET /v1/failover-plan show it without running it.
import type { Config } from '../../../common/config/types.js';
import { exclusiveOwner } from '../role-slots.js';
import { NO_FAILOVER, type ClusterModel } from '../types.js';
import { rankWriterCandidates, type Ranking } from './candidates.js';
import type { FactsByHost } from './facts.js';
import { antiFlapHolds } from './tick.js';

export type RecoveryKind = 'failover' | 'switchover' | 'failback' | 'initial';

/** A host that is, or may still be, an open writer, as the shell last heard from its agent. */
export interface OpenWriter {
  readonly host: string;
  /** Epoch ms of the agent's last answer; undefined: never heard. */
  readonly lastContactAt: number | undefined;
}

export interface PlanInput {
  readonly config: Config;
  readonly model: ClusterModel;
  readonly facts: FactsByHost;
  /** Writers that must be fenced before the target opens (not the target). */
  readonly open: readonly OpenWriter[];
  /** The host to promote; undefined: the best candidate (dry run). */
  readonly target: string | undefined;
  readonly kind: RecoveryKind;
  readonly now: number;
}

export interface FenceStep {
  readonly host: string;
  /** Epoch ms by which its writer lease has certainly run out (lease + margin after the last contact). */
  readonly leaseOverAt: number | undefined;
}

export interface RepointStep {
  readonly host: string;
  /** Where it replicates from now ('' when nowhere or unknown). */
  readonly from: string;
}

export interface RecoveryPlan {
  readonly kind: RecoveryKind;
  readonly from: readonly string[];
  readonly to: string | undefined;
  readonly ranking: Ranking;
  readonly fence: readonly FenceStep[];
  /** Catch-up on the target (undefined when it replicates from nobody). */
  readonly catchUp: { readonly timeoutMs: number; readonly policy: 'abort' | 'promote' } | undefined;
  /**
   * Always stop: the target's replication from the old writer is cut (a frozen old writer cannot feed it
   * later); in master-master the rejoin restores the writer's link back to its peer once the peer follows.
   */
  readonly promote: 'stop' | 'keep';
  /** Hosts to point at the target by GTID, in parallel. */
  readonly repoint: readonly RepointStep[];
  readonly skipped: readonly { readonly host: string; readonly reason: string }[];
  /** Why the recovery cannot run ('' when it can). */
  readonly blocked: string;
}

/** Builds the plan. */
export function planRecovery(input: PlanInput): RecoveryPlan {
  const { config, model, facts, now } = input;
  const mon = config.monitor;
  const roleName = config.activeMasterRole;
  const role = config.roles.find((r) => r.name === roleName);
  const from = input.open.map((o) => o.host);
  const emptyRanking: Ranking = { ranked: [], excluded: [], reason: `no role '${roleName}'` };
  const ranking = role === undefined ? emptyRanking : rankWriterCandidates(role, model, facts, { exclude: from });
  const to = input.target ?? ranking.ranked[0];
  const leaseMs = config.agent.writerLease * 1000;
  const marginMs = (mon?.failover.leaseMargin ?? 0) * 1000;
  const fence = input.open.map((o) => ({
    host: o.host,
    leaseOverAt: leaseMs > 0 && o.lastContactAt !== undefined ? o.lastContactAt + leaseMs + marginMs : undefined,
  }));
  const f = model.failover;
  const policy = f?.promoteOnce === true ? 'promote' : (mon?.failover.catchupPolicy ?? 'abort');
  const timeoutS =
    input.kind === 'switchover' ? (mon?.failover.switchoverTimeout ?? 10) : (mon?.failover.catchupTimeout ?? 30);
  const tf = to === undefined ? undefined : facts[to];
  const catchUp =
    tf === undefined || tf.replication === null ? undefined : { timeoutMs: Math.round(timeoutS * 1000), policy };
  const repoint: RepointStep[] = [];
  const skipped: { host: string; reason: string }[] = [];
  for (const h of config.hosts) {
    if (h.name === to) continue;
    const why = repointSkip(h.name, model, facts, from);
    if (why !== undefined) {
      skipped.push({ host: h.name, reason: why });
      continue;
    }
    const r = facts[h.name]?.replication ?? null;
    if (r !== null && r.sourceHost === to && r.ioRunning !== 'no' && r.sqlRunning) continue;
    repoint.push({ host: h.name, from: r?.sourceHost ?? '' });
  }
  let blocked = '';
  if (to === undefined) blocked = ranking.reason;
  else if (f?.blocked !== undefined) blocked = `failover blocked (${f.blocked.kind}): ${f.blocked.reason}`;
  else if (input.kind === 'failover' && antiFlapHolds(f ?? NO_FAILOVER, mon?.failover.antiFlapWindow ?? 0, now)) {
    const agoS = Math.round((now - (f?.lastAuto?.at ?? now)) / 1000);
    blocked = `anti-flap: an automatic failover ran ${agoS} s ago (anti_flap_window ${mon?.failover.antiFlapWindow ?? 0} s)`;
  }
  return {
    kind: input.kind,
    from,
    to,
    ranking,
    fence,
    catchUp,
    promote: 'stop',
    repoint,
    skipped,
    blocked,
  };
}

function repointSkip(
  host: string,
  model: ClusterModel,
  facts: FactsByHost,
  from: readonly string[],
): string | undefined {
  const h = model.hosts[host];
  if (h?.state === 'ADMIN_OFFLINE') return 'it is ADMIN_OFFLINE (its replication stays stopped)';
  if (h?.heldOut !== undefined) return `it is held out: ${h.heldOut.reason}`;
  if (facts[host] === undefined) {
    return from.includes(host)
      ? 'the old writer is not reachable: it is compared and repointed when it returns'
      : 'no fresh facts (agent or mysqld did not answer): repointed when it returns';
  }
  return undefined;
}

/** The writer the model names (holder of the active-master role). */
export function modelWriter(model: ClusterModel, config: Config): string | undefined {
  return exclusiveOwner(model.roles, config.activeMasterRole);
}
