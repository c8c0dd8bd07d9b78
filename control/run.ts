// mmm_control: reads the command line and the monitor's address and credentials from the configuration, sends
// the command words to the monitor (POST /v1/command) and prints its answer. The monitor does all MMM
// semantics; this client only maps outcomes to exit statuses (see control/README.md):
//   0 success, 1 refused (`ERROR: ...`), 2 usage or configuration error, 3 monitor unreachable.
import type { CommandResponse } from '../common/api/monitor.js';
import { packageVersion } from '../common/cli/version.js';
import { formatIssue, loadConfig, type Config, type ConfigFs, type LoadOptions } from '../common/config/index.js';
import { MmmError, describeError, isMmmError } from '../common/errors/index.js';
import { authFromSocketConfig, loadTlsMaterial } from '../common/http/auth.js';
import { JsonClient } from '../common/http/client.js';
import {
  DEFAULT_CONNECT_TIMEOUT_S,
  DEFAULT_TIMEOUT_S,
  UsageError,
  parseControlArgs,
  type ControlArgs,
} from './args.js';
import { Output, type ControlIo } from './output.js';

export const CONTROL_EXIT = { OK: 0, REFUSED: 1, USAGE: 2, UNREACHABLE: 3 } as const;

export const CANT_CONNECT = "ERROR: Can't connect to monitor daemon!";

/** The monitor accepted the connection but did not answer within `--timeout` (MMM had no read timeout). */
export function noAnswer(timeoutMs: number): string {
  return `ERROR: The monitor daemon did not answer within ${timeoutMs / 1000} s!`;
}

export interface RunIo extends ControlIo {
  /** How the program was invoked, for MMM's "See '<argv0> help'" line. */
  readonly argv0?: string;
  /** Overrides MMM's search path (tests). */
  readonly searchPath?: readonly string[];
  readonly fs?: ConfigFs;
}

/** Commands with an example each, for the long help (`mmm_control --help`). */
const COMMAND_HELP: readonly (readonly [usage: string, what: string, example: string])[] = [
  ['help', "the monitor's own list of commands (MMM's text)", 'help'],
  ['ping', 'check that the monitor answers', 'ping'],
  ['show', 'hosts, states and roles; PASSIVE banner, agent warnings', 'show'],
  ['checks [<host>|all [<check>|all]]', 'check results (ping mysql rep_threads rep_backlog)', 'checks db2 rep_backlog'],
  ['set_online <host>', 'bring an ADMIN_OFFLINE/AWAITING_RECOVERY host ONLINE', 'set_online db3'],
  ['set_offline <host>', 'take a host out: its roles move, replication stops', 'set_offline db3'],
  ['mode', 'print the mode: ACTIVE, MANUAL, WAIT or PASSIVE', 'mode'],
  ['set_active', 'switch into active mode (automatic role moves)', 'set_active'],
  ['set_manual', 'switch into manual mode (no automatic role moves)', 'set_manual'],
  ['set_passive', 'switch into passive mode (nothing is sent to agents)', 'set_passive'],
  [
    'move_role <role> <host>',
    'move an exclusive role (switchover), or take a balanced role off a host',
    'move_role writer db2',
  ],
  [
    'move_role --force <role> <host>',
    'move the writer to a REPLICATION_FAIL/DELAY host',
    'move_role --force writer db2',
  ],
  ['set_ip <ip> <host>', 'PASSIVE mode only: put the role with this IP on a host', 'set_ip 192.168.0.50 db1'],
  ['failover_plan', 'the failover that would run now, as a dry run (no change)', 'failover_plan'],
  ['history [<n>]', 'the last n failovers/switchovers with their steps and durations', 'history 5'],
  ['failover_ack', 'release a blocked failover (anti-flap, catch-up timeout): retry it', 'failover_ack'],
  [
    'failover_ack --promote',
    'release it and promote even if the candidate lacks transactions',
    'failover_ack --promote',
  ],
];

export function usageText(): string {
  const width = Math.max(...COMMAND_HELP.map(([usage]) => usage.length));
  const commands = COMMAND_HELP.flatMap(([usage, what, example]) => [
    `  ${usage.padEnd(width)}  ${what}`,
    `  ${''.padEnd(width)}    e.g. mmm_control ${example}`,
  ]);
  return [
    'Usage: mmm_control [@CLUSTER] [options] <command> [args]',
    '       mmm_control --version | --help',
    '',
    'Options (only before the command word):',
    '  @CLUSTER             use mmm_mon_CLUSTER.conf instead of mmm_mon.conf',
    '  --config FILE        configuration file (MMM .conf or YAML); default: the first mmm_mon[_CLUSTER].conf',
    '                       in /etc, /etc/mmm, /etc/mysql-mmm',
    '  --json               print the answer as one JSON document: {ok, exitCode, text, data}',
    `  --connect-timeout S  give up connecting to the monitor after S seconds (default ${DEFAULT_CONNECT_TIMEOUT_S}); exit 3`,
    `  --timeout S          give up waiting for the answer after S seconds (default ${DEFAULT_TIMEOUT_S}); exit 3`,
    '',
    'Commands (sent to the monitor as they are; it answers every command, unknown ones with',
    "'Invalid command' and its list):",
    ...commands,
    '',
    'Exit status:',
    `  ${CONTROL_EXIT.OK}  success`,
    `  ${CONTROL_EXIT.REFUSED}  command refused by the monitor (the answer starts with ERROR:)`,
    `  ${CONTROL_EXIT.USAGE}  usage or configuration error (Invalid command, bad option, no config, credentials refused)`,
    `  ${CONTROL_EXIT.UNREACHABLE}  monitor unreachable (ERROR: Can't connect to monitor daemon!) or no answer in time`,
  ].join('\n');
}

/** Runs mmm_control and returns its exit status. Never throws. */
export async function runControl(argv: readonly string[], io: RunIo): Promise<number> {
  let args: ControlArgs;
  try {
    args = parseControlArgs(argv);
  } catch (e) {
    const out = new Output(io, false);
    out.diagnostic(`${describeError(e)}; see mmm_control --help`);
    return CONTROL_EXIT.USAGE;
  }
  const out = new Output(io, args.json);
  if (args.help) {
    out.line(usageText());
    return CONTROL_EXIT.OK;
  }
  if (args.version) {
    out.line(`mmm_control ${packageVersion()}`);
    return CONTROL_EXIT.OK;
  }
  if (args.command.length === 0) {
    // MMM: die "See '$0 help' for usage information" (exit 255). Same text, exit status 2.
    io.stderr.write(`See '${io.argv0 ?? 'mmm_control'} help' for usage information\n`);
    return CONTROL_EXIT.USAGE;
  }
  let client: JsonClient;
  try {
    client = await monitorClient(loadControlConfig(args, io), args);
  } catch (e) {
    return reportSetupError(e, out);
  }
  try {
    return await sendCommand(client, args, out);
  } finally {
    client.close();
  }
}

function loadControlConfig(args: ControlArgs, io: RunIo): Config {
  const opts: LoadOptions = {
    program: 'CONTROL',
    ...(args.configPath === undefined ? {} : { path: args.configPath }),
    ...(args.cluster === undefined ? {} : { cluster: args.cluster }),
    ...(io.env === undefined ? {} : { env: io.env }),
    ...(io.searchPath === undefined ? {} : { searchPath: io.searchPath }),
    ...(io.fs === undefined ? {} : { fs: io.fs }),
  };
  const config = loadConfig(opts);
  if (config.warnings.length > 0) {
    const out = new Output(io, false);
    for (const w of config.warnings) out.diagnostic(`warning: ${formatIssue(w)}`);
  }
  return config;
}

async function monitorClient(config: Config, args: ControlArgs): Promise<JsonClient> {
  const monitor = config.monitor;
  if (monitor === undefined) throw new MmmError('MMM_CONFIG_INVALID', 'the configuration has no <monitor> section');
  // `plain` is accepted here: the monitor decides whether it runs without authentication (--insecure).
  const auth = await authFromSocketConfig(config.socket, { insecure: true });
  const tls = auth.type === 'ssl' ? await loadTlsMaterial(auth) : undefined;
  return new JsonClient({
    name: 'monitor',
    host: monitor.ip,
    port: monitor.port,
    auth,
    ...(tls === undefined ? {} : { tls }),
    timeoutMs: args.timeoutMs,
    connectTimeoutMs: args.connectTimeoutMs,
    unreachableCode: 'MMM_MONITOR_UNREACHABLE',
  });
}

function reportSetupError(e: unknown, out: Output): number {
  if (e instanceof UsageError || isMmmError(e)) {
    out.failure(CONTROL_EXIT.USAGE, describeError(e));
    return CONTROL_EXIT.USAGE;
  }
  out.failure(CONTROL_EXIT.REFUSED, `internal error: ${describeError(e)}`);
  return CONTROL_EXIT.REFUSED;
}

async function sendCommand(client: JsonClient, args: ControlArgs, out: Output): Promise<number> {
  let answer: CommandResponse;
  try {
    answer = checkAnswer(await client.post<unknown>('/v1/command', { args: args.command }));
  } catch (e) {
    return reportCallError(e, args, out);
  }
  out.answer(answer);
  return answer.exitCode;
}

function reportCallError(e: unknown, args: ControlArgs, out: Output): number {
  const code = isMmmError(e) ? e.code : 'MMM_INTERNAL';
  if (code === 'MMM_MONITOR_UNREACHABLE' || code === 'MMM_TIMEOUT') {
    // Unreachable: stdout carries exactly MMM's text. Connected but no answer (MMM hung here): our own text.
    // The reason (refused, connect timeout, no answer) goes to stderr.
    const text = code === 'MMM_TIMEOUT' ? noAnswer(args.timeoutMs) : CANT_CONNECT;
    out.answer({ ok: false, exitCode: CONTROL_EXIT.UNREACHABLE, text });
    out.diagnostic(describeError(e));
    return CONTROL_EXIT.UNREACHABLE;
  }
  if (code === 'MMM_UNAUTHORIZED' || code === 'MMM_FORBIDDEN') {
    out.failure(
      CONTROL_EXIT.USAGE,
      `the monitor refused our credentials (check <socket> in the configuration): ${describeError(e)}`,
    );
    return CONTROL_EXIT.USAGE;
  }
  const text = `ERROR: ${describeError(e)}`;
  out.answer({ ok: false, exitCode: CONTROL_EXIT.REFUSED, text });
  return CONTROL_EXIT.REFUSED;
}

/** The monitor is another program (maybe another version): check the shape before trusting it. */
function checkAnswer(body: unknown): CommandResponse {
  const b = body as Partial<CommandResponse> | null | undefined;
  if (
    typeof b !== 'object' ||
    b === null ||
    typeof b.ok !== 'boolean' ||
    typeof b.text !== 'string' ||
    (b.exitCode !== 0 && b.exitCode !== 1 && b.exitCode !== 2)
  ) {
    throw new MmmError('MMM_INTERNAL', 'the monitor sent an answer that is not {ok, exitCode 0|1|2, text, data}');
  }
  return b as CommandResponse;
}
