// `mmm_control` command semantics as one pure function (spec §1.2–§1.4): parse the words the way MMM's
// monitor did, dispatch on command name and exact argument count, answer with MMM's exact text.
import { say } from '../messages.js';
import { buildTopology } from '../topology.js';
import type { ClusterModel } from '../types.js';
import { CommandRun, type CommandContext, type CommandOutcome } from './context.js';
import { setOffline, setOnline } from './host-commands.js';
import { setActive, setManual, setPassive } from './mode-commands.js';
import { forceMoveRole, moveRole, setIp } from './role-commands.js';
import { checks, help, mode, ping, show } from './view-commands.js';
import { failoverAck, failoverPlan, history } from './failover-commands.js';

/** A command handler for an exact number of arguments. */
type Handler = (run: CommandRun, args: readonly string[]) => CommandOutcome;

// Handlers are chosen by exact argument count, so the arguments they read are always there.
const arg = (a: readonly string[], i: number): string => String(a[i]);

/** name → argument count → handler (MMM's if/elsif chain in Monitor::_process_commands). */
const COMMANDS = new Map<string, ReadonlyMap<number, Handler>>([
  ['help', new Map([[0, (r) => help(r)]])],
  ['ping', new Map([[0, (r) => ping(r)]])],
  ['show', new Map([[0, (r) => show(r)]])],
  [
    'checks',
    new Map<number, Handler>([
      [0, (r) => checks(r)],
      [1, (r, a) => checks(r, arg(a, 0))],
      [2, (r, a) => checks(r, arg(a, 0), arg(a, 1))],
    ]),
  ],
  ['mode', new Map([[0, (r) => mode(r)]])],
  ['set_active', new Map([[0, (r) => setActive(r)]])],
  ['set_passive', new Map([[0, (r) => setPassive(r)]])],
  ['set_manual', new Map([[0, (r) => setManual(r)]])],
  ['set_online', new Map([[1, (r, a) => setOnline(r, arg(a, 0))]])],
  ['set_offline', new Map([[1, (r, a) => setOffline(r, arg(a, 0))]])],
  ['move_role', new Map([[2, (r, a) => moveRole(r, arg(a, 0), arg(a, 1))]])],
  ['set_ip', new Map([[2, (r, a) => setIp(r, arg(a, 0), arg(a, 1))]])],
  // Not MMM's (issue 6); see failover-commands.ts.
  ['failover_plan', new Map([[0, (r) => failoverPlan(r)]])],
  [
    'history',
    new Map<number, Handler>([
      [0, (r) => history(r)],
      [1, (r, a) => history(r, arg(a, 0))],
    ]),
  ],
  [
    'failover_ack',
    new Map<number, Handler>([
      [0, (r) => failoverAck(r)],
      [1, (r, a) => failoverAck(r, arg(a, 0))],
    ]),
  ],
]);

/** Perl's `split(/\s+/, $line)`: a leading empty field is kept, trailing empty fields are dropped. */
export function splitWords(line: string): string[] {
  const words = line.split(/\s+/);
  while (words.length > 0 && words[words.length - 1] === '') words.pop();
  return words;
}

/**
 * Runs one `mmm_control` command. `args` are the words after `mmm_control [@cluster]`; as MMM did, they are
 * joined with spaces and split again on whitespace. Returns MMM's answer (exit code 0 for success, 1 for
 * `ERROR:` refusals, 2 for `Invalid command`), the model after the command and the changes to carry out.
 */
export function runCommand(model: ClusterModel, args: readonly string[], ctx: CommandContext): CommandOutcome {
  const run = new CommandRun(buildTopology(ctx.config), model, ctx);
  const line = args.join(' ');
  const [name = '', ...rest] = splitWords(line);
  if (name === 'move_role' && rest.length === 3 && rest[0] === '--force') {
    return forceMoveRole(run, arg(rest, 1), arg(rest, 2));
  }
  const handler = COMMANDS.get(name)?.get(rest.length);
  return handler === undefined ? run.finish(say.invalidCommand(line)) : handler(run, rest);
}
