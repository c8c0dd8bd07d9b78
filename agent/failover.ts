// The explicit, bounded failover steps the monitor calls one by one: fence, catch-up, promote, repoint. Each
// returns what it did and how long it took; a failure is an MmmError whose details carry the steps so far.
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  CatchUpRequest,
  CatchUpResult,
  FenceResult,
  PromoteRequest,
  PromoteResult,
  ReplicationView,
  RepointRequest,
  RepointResult,
  StepResult,
} from '../common/api/agent.js';
import type { HostConfig } from '../common/config/types.js';
import { MmmError } from '../common/errors/index.js';
import { applyActions, isMysqlUnavailable, timedStep, type ApplyPorts } from './apply.js';
import type { WaitTarget } from './ops/mysql.js';
import { planFence } from './reconcile.js';
import type { AgentSetup } from './setup.js';

export interface OpsContext {
  readonly setup: AgentSetup;
  readonly ports: ApplyPorts;
}

const VERIFY_POLL_MS = 100;
/** How long promote waits for the receiver to stop before it goes on (the applier is stopped already). */
export const RECEIVER_STOP_WAIT_MS = 300;

/** Runs the steps of one operation in order and stops it at the first failure, with the steps so far. */
function stepper(what: string, ports: ApplyPorts) {
  const steps: StepResult[] = [];
  const step = async (
    action: StepResult['action'],
    target: string | undefined,
    run: () => Promise<{ detail?: string } | undefined>,
  ): Promise<void> => {
    const { step: done, error } = await timedStep(action, target, ports.now, run);
    steps.push(done);
    if (done.ok) return;
    const code = error instanceof MmmError ? error.code : 'MMM_INTERNAL';
    const at = `${done.action}${done.target === undefined ? '' : ` ${done.target}`}`;
    throw new MmmError(code, `${what} stopped at ${at}: ${done.error?.message ?? 'failed'}`, { details: { steps } });
  };
  return { steps, step };
}

/**
 * Deny writes, kill client sessions, drop every writer VIP (with `readers`, every other role VIP after them);
 * continues past failures and says what held.
 */
export async function fence(ctx: OpsContext, opts: { readers?: boolean } = {}): Promise<FenceResult> {
  const { setup, ports } = ctx;
  const started = ports.now();
  let bound: ReadonlySet<string>;
  try {
    bound = await ports.network.listAddresses();
  } catch {
    bound = new Set(setup.writerIps); // cannot look: try to remove them all (absent ones are fine)
  }
  const plan = planFence(setup.writerRole, setup.clusterRoleIps, bound, opts.readers === true);
  const { steps, killed } = await applyActions(plan, ports);
  const deny = steps.find((s) => s.action === 'deny-writes');
  const writesDenied = deny?.ok === true ? true : isUnavailableCode(deny?.error?.code) ? null : false;
  let stillBound = true;
  try {
    const after = await ports.network.listAddresses();
    stillBound = setup.writerIps.some((ip) => after.has(ip));
  } catch {
    // unknown counts as still bound
  }
  return {
    fenced: writesDenied === true && !stillBound,
    writesDenied,
    sessionsKilled: killed,
    vipsRemoved: steps.filter((s) => s.action === 'remove-vip' && s.ok).map((s) => s.target ?? ''),
    steps,
    durationMs: Math.round(ports.now() - started),
  };
}

function isUnavailableCode(code: string | undefined): boolean {
  return code === 'MMM_MYSQL_UNREACHABLE' || code === 'MMM_TIMEOUT';
}

/** What catch-up waits for by default: everything the IO thread has received, in the mode replication uses. */
export function receivedTarget(r: ReplicationView): WaitTarget | null {
  if (r.usingGtid !== 'no')
    return r.received.gtid === null || r.received.gtid === '' ? null : { gtid: r.received.gtid };
  if (r.received.file === null || r.received.file === '' || r.received.pos === null) return null;
  return { file: r.received.file, pos: r.received.pos };
}

const asPosition = (t: WaitTarget | null): { gtid: string | null; file: string | null; pos: number | null } =>
  t === null
    ? { gtid: null, file: null, pos: null }
    : 'gtid' in t
      ? { gtid: t.gtid, file: null, pos: null }
      : { gtid: null, file: t.file, pos: t.pos };

/** Waits, bounded, until the relay log is applied; returns the position reached. Never hangs. */
export async function catchUp(ctx: OpsContext, req: CatchUpRequest): Promise<CatchUpResult> {
  const { ports } = ctx;
  const started = ports.now();
  const before = await ports.mysql.replication();
  if (before === null)
    throw new MmmError('MMM_REFUSED', `${ctx.setup.host.name} replicates from nobody: there is no relay log to apply`);
  const target = req.target ?? receivedTarget(before);
  const waitStarted = ports.now();
  const outcome = target === null ? 'reached' : await ports.mysql.waitFor(target, req.timeoutMs);
  const waitedMs = Math.round(ports.now() - waitStarted);
  const after = (await ports.mysql.replication()) ?? before;
  const details = { target: asPosition(target), reached: after.executed, waitedMs, sqlRunning: after.sqlRunning };
  const sql = after.sqlRunning ? 'running' : `not running${after.lastSqlError === '' ? '' : `: ${after.lastSqlError}`}`;
  switch (outcome) {
    case 'reached':
      return {
        target: asPosition(target),
        reached: after.executed,
        waitedMs,
        durationMs: Math.round(ports.now() - started),
      };
    case 'timeout':
      throw new MmmError(
        'MMM_CATCHUP_TIMEOUT',
        `relay log not applied within ${req.timeoutMs} ms (SQL thread ${sql})`,
        { details },
      );
    case 'not-replicating':
      throw new MmmError('MMM_REPLICATION_BROKEN', `relay log cannot be applied: the SQL thread is ${sql}`, {
        details,
      });
  }
}

/**
 * Opens this host as the writer: replication from the old master stopped (and reset) if asked, the writer
 * grant recorded (`grant`, persisted before anything is opened), the writer VIP bound and announced, then
 * writes allowed. Stops at the first failure; repeating a promote is harmless.
 */
export async function promote(
  ctx: OpsContext,
  req: PromoteRequest,
  grant: () => Promise<void>,
): Promise<PromoteResult> {
  const { setup, ports } = ctx;
  const started = ports.now();
  if (!setup.writerCandidate) {
    throw new MmmError('MMM_REFUSED', `host ${setup.host.name} is not among the hosts of role '${setup.writerRole}'`);
  }
  if (setup.writerIps.length === 0) throw new MmmError('MMM_REFUSED', `role '${setup.writerRole}' has no IP`);
  const { steps, step } = stepper('promote', ports);
  if (req.replication === 'stop') await cutReplication(ports, step, steps);
  if (req.replication === 'reset') {
    await step('stop-replication', undefined, () => ports.mysql.stopReplication().then(() => undefined));
    await step('reset-replication', undefined, () => ports.mysql.resetReplication().then(() => undefined));
  }
  await step('grant-writer', undefined, () => grant().then(() => ({ detail: 'writer grant recorded' })));
  for (const ip of setup.writerIps) {
    await step('add-vip', ip, async () => {
      await ports.network.addVip(ip);
      ports.network.announce(ip);
      return { detail: `${setup.writerRole}(${ip}) bound; gratuitous ARP sent in the background` };
    });
  }
  await step('allow-writes', undefined, () => ports.mysql.setReadOnly(false).then(() => ({ detail: 'read_only=0' })));
  const position = await ports.mysql.ownPosition().catch(() => ({ gtid: null, file: null, pos: null }));
  return { writerIps: setup.writerIps, position, steps, durationMs: Math.round(ports.now() - started) };
}

/**
 * Cuts replication from the old master for a promotion: the applier (SQL thread) is stopped first, so nothing
 * that arrives later (a frozen old master that resumes with an in-flight write) is applied here; then the
 * receiver, which waits for a hung source until slave_net_timeout: promote does not wait for it.
 */
async function cutReplication(
  ports: ApplyPorts,
  step: ReturnType<typeof stepper>['step'],
  steps: StepResult[],
): Promise<void> {
  await step('stop-replication', 'SQL thread', () => ports.mysql.stopReplication('sql').then(() => undefined));
  const started = ports.now();
  const receiver = ports.mysql.stopReceiver().then(
    () => 'stopped',
    (e: unknown) => `not stopped: ${e instanceof Error ? e.message : String(e)}`,
  );
  const outcome = await Promise.race([receiver, sleep(RECEIVER_STOP_WAIT_MS).then(() => 'pending')]);
  steps.push({
    action: 'stop-replication',
    target: 'IO thread',
    ok: outcome === 'stopped',
    durationMs: Math.round(ports.now() - started),
    detail:
      outcome === 'pending' ? 'still stopping (the source does not answer); nothing it receives is applied' : outcome,
  });
}

/** Points replication at `source` by GTID or exact coordinates, starts it and checks both threads run. */
export async function repoint(ctx: OpsContext, req: RepointRequest, source: HostConfig): Promise<RepointResult> {
  const { ports } = ctx;
  const started = ports.now();
  const { steps, step } = stepper('repoint', ports);
  const label = `${source.name} (${source.ip}:${source.mysqlPort})`;
  const how = req.position.mode === 'gtid' ? 'by GTID' : `at ${req.position.file}:${req.position.pos}`;
  // The applier first: a stuck receiver (hung old source) may keep STOP waiting until slave_net_timeout, and
  // nothing that source sends meanwhile (a write that commits as it resumes) may be applied here.
  await step('stop-replication', 'SQL thread', () => ports.mysql.stopReplication('sql').then(() => undefined));
  await step('stop-replication', undefined, () => ports.mysql.stopReplication().then(() => undefined));
  await step('change-source', label, async () => {
    await ports.mysql.changeSource({
      host: source.ip,
      port: source.mysqlPort,
      user: source.replicationUser,
      password: source.replicationPassword,
      position: req.position,
      heartbeatPeriodS: req.heartbeatPeriodS ?? 1,
      connectRetryS: req.connectRetryS ?? 1,
    });
    return { detail: `source ${label} ${how}` };
  });
  await step('start-replication', undefined, () => ports.mysql.startReplication().then(() => undefined));
  const verified: ReplicationView[] = [];
  await step('verify-replication', label, async () => {
    verified.push(await waitForThreads(ctx, req.verifyTimeoutMs ?? 5000));
    return { detail: 'IO and SQL threads running' };
  });
  const replication = verified[0];
  if (replication === undefined) throw new MmmError('MMM_INTERNAL', 'repoint verified nothing');
  return { replication, steps, durationMs: Math.round(ports.now() - started) };
}

/** Polls until both threads run; fails early on a replication error (e.g. 1236 diverged), or at the deadline. */
async function waitForThreads(ctx: OpsContext, timeoutMs: number): Promise<ReplicationView> {
  const { ports } = ctx;
  const deadline = ports.now() + timeoutMs;
  for (;;) {
    let r: ReplicationView | null;
    try {
      r = await ports.mysql.replication();
    } catch (e) {
      if (isMysqlUnavailable(e) || ports.now() >= deadline) throw e;
      r = null;
    }
    if (r !== null) {
      if (r.ioRunning === 'yes' && r.sqlRunning) return r;
      const broken =
        (r.ioRunning === 'no' && r.lastIoErrno !== 0) || (!r.sqlRunning && r.lastSqlErrno !== 0)
          ? `IO thread ${r.ioRunning} (${r.lastIoErrno} ${r.lastIoError}), SQL thread ${r.sqlRunning ? 'yes' : 'no'} (${r.lastSqlErrno} ${r.lastSqlError})`
          : undefined;
      if (broken !== undefined)
        throw new MmmError('MMM_REPLICATION_BROKEN', `replication does not run: ${broken}`, {
          details: { replication: r },
        });
      if (ports.now() >= deadline) {
        throw new MmmError(
          'MMM_REPLICATION_BROKEN',
          `replication threads not running after ${timeoutMs} ms: IO ${r.ioRunning}${r.lastIoError === '' ? '' : ` (${r.lastIoErrno} ${r.lastIoError})`}, SQL ${r.sqlRunning ? 'yes' : 'no'}`,
          { details: { replication: r } },
        );
      }
    } else if (ports.now() >= deadline) {
      throw new MmmError('MMM_REPLICATION_BROKEN', 'replication is not configured after CHANGE MASTER');
    }
    await sleep(VERIFY_POLL_MS);
  }
}
