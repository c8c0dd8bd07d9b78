// Commands that are not MMM's (issue 6): `failover_plan` (dry run: what a writer failover would do now),
// `history [N]` (the last recoveries with their steps), `failover_ack [--promote]` (release a blocked failover
// or anti-flap; --promote lets the next recovery promote even if catch-up times out). `help` stays MMM's text.
import { modelWriter, planRecovery } from '../failover/plan.js';
import { renderHistory, renderPlan } from '../failover/audit.js';
import type { CommandOutcome, CommandRun } from './context.js';

/** `failover_plan`. */
export function failoverPlan(run: CommandRun): CommandOutcome {
  const model = run.d.toModel();
  const config = run.d.topo.config;
  const fc = run.ctx.failover;
  const writer = modelWriter(model, config);
  const writerOk = writer !== undefined && model.hosts[writer]?.state === 'ONLINE';
  // Writer fine: the plan if it failed now (it is fenced first). Otherwise the writers that may be open now.
  const open = writerOk
    ? [{ host: writer, lastContactAt: fc?.open.find((o) => o.host === writer)?.lastContactAt }]
    : (fc?.open ?? []);
  const plan = planRecovery({
    config,
    model,
    facts: fc?.facts ?? {},
    open,
    target: undefined,
    kind: 'failover',
    now: run.ctx.now,
  });
  return run.finish(renderPlan(plan, writer, writerOk), { plan, writer: writer ?? null, writerOk });
}

/** `history [N]`. */
export function history(run: CommandRun, n?: string): CommandOutcome {
  const count = n === undefined ? 10 : Number(n);
  if (!Number.isInteger(count) || count < 1)
    return run.finish(`ERROR: N must be a positive integer, not '${n ?? ''}'.`);
  const records = run.ctx.failover?.history ?? [];
  return run.finish(renderHistory(records, count), { recoveries: records.slice(-count) });
}

/** `failover_ack [--promote]`. */
export function failoverAck(run: CommandRun, flag?: string): CommandOutcome {
  if (flag !== undefined && flag !== '--promote')
    return run.finish(`ERROR: Unknown option '${flag}'. Use failover_ack [--promote].`);
  const d = run.d;
  const f = d.failover;
  const promote = flag === '--promote';
  const antiFlap = f.lastAuto !== undefined && (f.acknowledgedAt === undefined || f.acknowledgedAt < f.lastAuto.at);
  if (f.blocked === undefined && !antiFlap && !promote) return run.finish('OK: Nothing to acknowledge.');
  d.log(
    'fatal',
    `Admin acknowledged the failover state${promote ? ' (--promote)' : ''}${f.blocked === undefined ? '' : `; was blocked: ${f.blocked.reason}`}`,
  );
  d.failover = { ...f, blocked: undefined, acknowledgedAt: run.ctx.now, promoteOnce: promote || f.promoteOnce };
  return run.finish(
    `OK: Acknowledged.${f.blocked === undefined ? '' : ' The failover is retried at the next check.'}${promote ? ' It promotes even if catch-up times out.' : ''}`,
  );
}
