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
import { UsageError, parseControlArgs, type ControlArgs } from './args.js';
import { Output, type ControlIo } from './output.js';

export const CONTROL_EXIT = { OK: 0, REFUSED: 1, USAGE: 2, UNREACHABLE: 3 } as const;

export const CANT_CONNECT = "ERROR: Can't connect to monitor daemon!";

export interface RunIo extends ControlIo {
  /** How the program was invoked, for MMM's "See '<argv0> help'" line. */
  readonly argv0?: string;
  /** Overrides MMM's search path (tests). */
  readonly searchPath?: readonly string[];
  readonly fs?: ConfigFs;
}

export function usageText(): string {
  return [
    'Usage: mmm_control [@CLUSTER] [--config FILE] [--json] [--timeout S] <command> [args]',
    '       mmm_control --version | --help',
    '',
    '  @CLUSTER     use mmm_mon_CLUSTER.conf instead of mmm_mon.conf',
    '  --config F   configuration file (MMM .conf or YAML); default: the first mmm_mon[_CLUSTER].conf',
    '               in /etc, /etc/mmm, /etc/mysql-mmm',
    '  --json       print the answer as JSON: {ok, exitCode, text, data}',
    '  --timeout S  give up after S seconds without an answer (default 30); exit 3',
    '',
    "The commands are answered by the monitor: 'mmm_control help' lists them.",
    'Exit status: 0 success, 1 command refused, 2 usage or configuration error, 3 monitor unreachable.',
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
    client = await monitorClient(loadControlConfig(args, io), args.timeoutMs);
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

async function monitorClient(config: Config, timeoutMs: number): Promise<JsonClient> {
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
    timeoutMs,
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
    return reportCallError(e, out);
  }
  out.answer(answer);
  return answer.exitCode;
}

function reportCallError(e: unknown, out: Output): number {
  const code = isMmmError(e) ? e.code : 'MMM_INTERNAL';
  if (code === 'MMM_MONITOR_UNREACHABLE' || code === 'MMM_TIMEOUT') {
    // stdout carries exactly MMM's text; the reason (refused, timed out) goes to stderr.
    out.answer({ ok: false, exitCode: CONTROL_EXIT.UNREACHABLE, text: CANT_CONNECT });
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
