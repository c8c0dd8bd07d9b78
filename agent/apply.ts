// Runs planned actions through the ops ports, in order, and reports each one (what, ok, how long). A failed
// step does not stop the ones after it: when MySQL is down the writer VIP must still go. Once MySQL is known to
// be unreachable, the remaining MySQL steps are skipped instead of each waiting for its own timeout.
import type { AgentActionKind, StepResult } from '../common/api/agent.js';
import { isMmmError } from '../common/errors/index.js';
import type { Action } from './reconcile.js';
import type { NetworkOps } from './ops/network.js';
import type { KillOptions, MysqlOps } from './ops/mysql.js';

export interface ApplyPorts {
  readonly network: NetworkOps;
  readonly mysql: MysqlOps;
  readonly kill: KillOptions;
  /** Monotonic milliseconds, for step durations. */
  readonly now: () => number;
}

export interface Applied {
  readonly steps: StepResult[];
  /** Client sessions killed by kill-sessions steps. */
  readonly killed: number;
}

const MYSQL_ACTIONS: ReadonlySet<AgentActionKind> = new Set<AgentActionKind>([
  'deny-writes',
  'kill-sessions',
  'allow-writes',
  'stop-replication',
  'start-replication',
  'reset-replication',
  'change-source',
  'verify-replication',
]);

/** MySQL cannot be talked to at all (as opposed to refusing one statement). */
export function isMysqlUnavailable(e: unknown): boolean {
  return isMmmError(e) && (e.code === 'MMM_MYSQL_UNREACHABLE' || e.code === 'MMM_TIMEOUT');
}

export function errorOf(e: unknown): { code: string; message: string } {
  if (isMmmError(e)) return { code: e.code, message: e.message };
  return { code: 'MMM_INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

const targetOf = (a: Action): string | undefined => ('ip' in a ? a.ip : undefined);

export interface StepOutcome {
  readonly step: StepResult;
  /** What the step threw (undefined when it succeeded), for callers that react to the error code. */
  readonly error: unknown;
}

/** One step with timing; `run` returns an optional detail text and kill count. Never throws. */
export async function timedStep(
  action: AgentActionKind,
  target: string | undefined,
  now: () => number,
  run: () => Promise<{ detail?: string } | undefined>,
): Promise<StepOutcome> {
  const started = now();
  const base = { action, ...(target === undefined ? {} : { target }) };
  try {
    const detail = (await run())?.detail;
    const step = {
      ...base,
      ok: true,
      durationMs: Math.round(now() - started),
      ...(detail === undefined ? {} : { detail }),
    };
    return { step, error: undefined };
  } catch (e) {
    return { step: { ...base, ok: false, durationMs: Math.round(now() - started), error: errorOf(e) }, error: e };
  }
}

export async function runAction(
  a: Action,
  ports: ApplyPorts,
): Promise<{ detail?: string; killed?: number } | undefined> {
  const { network, mysql } = ports;
  switch (a.kind) {
    case 'deny-writes':
      await mysql.setReadOnly(true, ports.kill);
      return { detail: 'read_only=1' };
    case 'kill-sessions': {
      const killed = await mysql.killClientSessions(ports.kill);
      return { detail: `${killed} client session(s) killed`, killed };
    }
    case 'remove-vip':
      await network.removeVip(a.ip);
      return { detail: `${a.role}(${a.ip}) removed` };
    case 'revoke-writer':
      return { detail: 'writer grant dropped' };
    case 'stop-replication':
      await mysql.stopReplication();
      return undefined;
    case 'start-replication':
      await mysql.startReplication();
      return undefined;
    case 'add-vip':
      await network.addVip(a.ip);
      network.announce(a.ip);
      return { detail: `${a.role}(${a.ip}) bound; gratuitous ARP sent in the background` };
    case 'allow-writes':
      await mysql.setReadOnly(false);
      return { detail: 'read_only=0' };
  }
}

/**
 * Runs every action in order and returns one step per action. `mysqlDown`: MySQL was just found unreachable
 * or hung, so its steps are skipped from the start (a hung server would otherwise hold the writer VIP's
 * removal for another timeout).
 */
export async function applyActions(
  actions: readonly Action[],
  ports: ApplyPorts,
  mysqlDown?: unknown,
): Promise<Applied> {
  const steps: StepResult[] = [];
  let killed = 0;
  for (const a of actions) {
    if (isMysqlUnavailable(mysqlDown) && MYSQL_ACTIONS.has(a.kind)) {
      steps.push({
        action: a.kind,
        ok: false,
        skipped: true,
        durationMs: 0,
        detail: 'skipped: MySQL is unreachable',
        error: errorOf(mysqlDown),
      });
      continue;
    }
    const { step, error } = await timedStep(a.kind, targetOf(a), ports.now, async () => {
      const out = await runAction(a, ports);
      killed += out?.killed ?? 0;
      return out;
    });
    if (MYSQL_ACTIONS.has(a.kind) && isMysqlUnavailable(error)) mysqlDown = error;
    steps.push(step);
  }
  return { steps, killed };
}

/** The bound set after VIP steps ran (successful adds and removes). */
export function boundAfter(before: ReadonlySet<string>, steps: readonly StepResult[]): ReadonlySet<string> {
  const out = new Set(before);
  for (const s of steps) {
    if (!s.ok || s.target === undefined) continue;
    if (s.action === 'add-vip') out.add(s.target);
    if (s.action === 'remove-vip') out.delete(s.target);
  }
  return out;
}
