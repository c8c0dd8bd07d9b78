// Read-only commands: help, ping, show, checks, mode (spec §1.3). They change nothing.
import { CHECK_NAMES, type CheckName } from '../../../common/config/types.js';
import { HELP_TEXT, say } from '../messages.js';
import { checkRows, renderChecks } from '../render/checks.js';
import { renderShow, showData } from '../render/show.js';
import { diskProblems, diskWarnings } from '../render/disk.js';
import { failoverExplanation } from '../render/explain.js';
import type { CommandRun, CommandOutcome } from './context.js';

/** `help`. */
export function help(run: CommandRun): CommandOutcome {
  return run.finish(HELP_TEXT);
}

/** `ping`: only proves the monitor answers. */
export function ping(run: CommandRun): CommandOutcome {
  return run.finish(say.pinged);
}

/** `show`. */
export function show(run: CommandRun): CommandOutcome {
  const model = run.d.toModel();
  const explain = failoverExplanation(model, run.d.topo, run.ctx.failover?.inProgress ?? '');
  const disks = run.ctx.disks ?? {};
  const disk = diskWarnings(disks, run.d.topo.hostNames);
  const data = showData(model, run.d.topo);
  const problems = diskProblems(disks, run.d.topo.hostNames);
  return run.finish(renderShow(model, run.d.topo) + explain + disk, {
    ...data,
    ...(explain === '' ? {} : { failover: explainData(run) }),
    ...(problems.length === 0 ? {} : { disks: problems }),
  });
}

/** `mode`: ACTIVE, MANUAL, WAIT or PASSIVE. */
export function mode(run: CommandRun): CommandOutcome {
  return run.finish(run.d.mode, { mode: run.d.mode });
}

/** Perl's `shift || 'all'`: a missing, empty or "0" argument means all. */
function orAll(arg: string | undefined): string {
  return arg === undefined || arg === '' || arg === '0' ? 'all' : arg;
}

function isCheckName(s: string): s is CheckName {
  return (CHECK_NAMES as readonly string[]).includes(s);
}

/** `checks [<host>|all [<check>|all]]`: the check is validated before the host, as in MMM. */
export function checks(run: CommandRun, hostArg?: string, checkArg?: string): CommandOutcome {
  const host = orAll(hostArg);
  const check = orAll(checkArg);
  if (check !== 'all' && !isCheckName(check)) return run.finish(say.unknownCheck(check));
  if (host !== 'all' && !run.d.topo.hosts.has(host)) return run.finish(say.unknownHost(host));
  const model = run.d.toModel();
  const listed = host === 'all' ? run.d.topo.hostNames : [host];
  const explain = failoverExplanation(model, run.d.topo, '', listed)
    .split('\n')
    .filter((l) => l.startsWith('# Host') || l.startsWith('#   Errant'))
    .join('\n');
  const text = renderChecks(model, run.d.topo, host, check, run.ctx.utcOffset) + (explain === '' ? '' : `${explain}\n`);
  return run.finish(text, { checks: checkRows(model, run.d.topo, host, check) });
}

/** The failover part of `show --json`: block, waiting reason, held-out hosts, recovery in progress. */
function explainData(run: CommandRun): unknown {
  const model = run.d.toModel();
  const heldOut = Object.values(model.hosts).flatMap((h) =>
    h.heldOut === undefined ? [] : [{ host: h.name, ...h.heldOut }],
  );
  return {
    blocked: model.failover?.blocked ?? null,
    waiting: model.failover?.waiting ?? '',
    heldOut,
    inProgress: run.ctx.failover?.inProgress ?? '',
  };
}
