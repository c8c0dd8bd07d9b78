// set_active, set_manual, set_passive (spec §1.3, §5).
//
// Differences from MMM:
// - MMM answered "Already in manual mode." in WAIT mode, so WAIT→MANUAL was impossible (spec §9.5); here
//   set_manual switches WAIT to MANUAL.
// - set_active from PASSIVE also strips roles from hosts that are not ONLINE (MMM did this only from
//   MANUAL/WAIT, so roles a host kept through MANUAL → PASSIVE → ACTIVE stayed on a dead host for ever).
import { cause, logText, say } from '../messages.js';
import { cleanupOrder, stripRolesFromFailedHosts } from '../modes.js';
import type { Mode } from '../types.js';
import type { CommandOutcome, CommandRun } from './context.js';

/** Leaves PASSIVE for `to`: clear the cause, then "cleanup and send status" to every agent. */
function leavePassive(run: CommandRun, to: Mode): void {
  run.d.setMode(to);
  run.d.passiveCause = '';
  run.push.push(...cleanupOrder(run.d.toModel(), run.d.topo));
}

/** `set_active`: roles are stripped from failed hosts (pushed first, killed if unreachable). */
export function setActive(run: CommandRun): CommandOutcome {
  const d = run.d;
  if (d.mode === 'ACTIVE') return run.finish(say.alreadyActive);
  d.log('info', logText.adminMode(d.mode, 'ACTIVE'));
  const fromPassive = d.mode === 'PASSIVE';
  d.setMode('ACTIVE');
  const fenced = stripRolesFromFailedHosts(d);
  run.pushNow(fenced);
  run.kill.push(...fenced);
  if (fromPassive) leavePassive(run, 'ACTIVE');
  return run.finish(say.switchedActive);
}

/** `set_manual`. */
export function setManual(run: CommandRun): CommandOutcome {
  const d = run.d;
  if (d.mode === 'MANUAL') return run.finish(say.alreadyManual);
  d.log('info', logText.adminMode(d.mode, 'MANUAL'));
  if (d.mode === 'PASSIVE') leavePassive(run, 'MANUAL');
  else d.setMode('MANUAL');
  return run.finish(say.switchedManual);
}

/** `set_passive`: nothing is pushed from now on. */
export function setPassive(run: CommandRun): CommandOutcome {
  const d = run.d;
  if (d.mode === 'PASSIVE') return run.finish(say.alreadyPassive);
  d.log('info', logText.adminMode(d.mode, 'PASSIVE'));
  d.setMode('PASSIVE');
  d.passiveCause = cause.admin;
  return run.finish(say.switchedPassive);
}
