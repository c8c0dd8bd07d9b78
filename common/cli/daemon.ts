// Shared command line of mmm_mond and mmm_agentd: `[@cluster] --config FILE --check-config --convert-config
// --insecure --version --help`. Loads and validates the configuration, applies the authentication gate and
// either tells main.ts to exit (with the status) or hands it the frozen Config. Usage and configuration
// errors print one line each (`<program>: file:line: key: problem; expected ...`) and give exit status 2; no
// stack traces. Output goes through the injected streams, so tests capture it.
import { parseArgs } from 'node:util';
import { describeError, isMmmError } from '../errors/index.js';
import {
  convertMmmToYaml,
  formatIssue,
  loadConfig,
  renderEffectiveConfig,
  type Config,
  type ConfigFs,
  type LoadOptions,
} from '../config/index.js';
import { authGateMessage, insecureWarning } from './auth-gate.js';
import { packageVersion } from './version.js';

export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2 } as const;

export interface DaemonSpec {
  readonly name: string;
  readonly program: 'MONITOR' | 'AGENT';
  readonly summary: string;
  /** Default config file name as MMM looks it up, for --help. */
  readonly fileName: string;
}

export const MONITOR_DAEMON: DaemonSpec = {
  name: 'mmm_mond',
  program: 'MONITOR',
  summary: 'mysql-mmm-ng monitor: checks the hosts, moves roles, fails over the writer.',
  fileName: 'mmm_mon',
};

export const AGENT_DAEMON: DaemonSpec = {
  name: 'mmm_agentd',
  program: 'AGENT',
  summary: 'mysql-mmm-ng agent: applies roles, read-only state and replication on its database host.',
  fileName: 'mmm_agent',
};

export interface TextSink {
  write(text: string): unknown;
}

export interface DaemonIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Overrides MMM's search path (tests). */
  readonly searchPath?: readonly string[];
  readonly fs?: ConfigFs;
}

export interface DaemonArgs {
  readonly cluster: string | undefined;
  readonly configPath: string | undefined;
  readonly checkConfig: boolean;
  readonly convertConfig: boolean;
  readonly insecure: boolean;
  readonly version: boolean;
  readonly help: boolean;
}

export type DaemonStart =
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'run'; readonly config: Config; readonly args: DaemonArgs };

class UsageError extends Error {}

export function parseDaemonArgs(argv: readonly string[]): DaemonArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        'check-config': { type: 'boolean' },
        'convert-config': { type: 'boolean' },
        insecure: { type: 'boolean' },
        version: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError(firstSentence(describeError(e)));
  }
  const { values, positionals } = parsed;
  const clusters = positionals.filter((p) => p.startsWith('@'));
  const other = positionals.find((p) => !p.startsWith('@'));
  if (other !== undefined) throw new UsageError(`unexpected argument '${other}'; expected @CLUSTER or options`);
  if (clusters.length > 1) throw new UsageError('more than one @CLUSTER given');
  const cluster = clusters[0]?.slice(1);
  if (cluster === '') throw new UsageError("'@' needs a cluster name, e.g. @prod");
  if (values.config === '') throw new UsageError('--config needs a file name');
  if (values['check-config'] === true && values['convert-config'] === true) {
    throw new UsageError('--check-config and --convert-config exclude each other');
  }
  return {
    cluster,
    configPath: values.config,
    checkConfig: values['check-config'] ?? false,
    convertConfig: values['convert-config'] ?? false,
    insecure: values.insecure ?? false,
    version: values.version ?? false,
    help: values.help ?? false,
  };
}

/** Everything a daemon does before its own work starts. Never throws. */
export function prepareDaemon(argv: readonly string[], spec: DaemonSpec, io: DaemonIo): DaemonStart {
  const say = (sink: TextSink, lines: string): void => {
    for (const line of lines.split('\n')) sink.write(`${spec.name}: ${line}\n`);
  };
  const exit = (code: number): DaemonStart => ({ kind: 'exit', code });
  try {
    const args = parseDaemonArgs(argv);
    if (args.help) {
      io.stdout.write(helpText(spec));
      return exit(EXIT.OK);
    }
    if (args.version) {
      io.stdout.write(`${spec.name} (mysql-mmm-ng) ${packageVersion()}\n`);
      return exit(EXIT.OK);
    }
    const opts: LoadOptions = {
      program: spec.program,
      ...(args.configPath === undefined ? {} : { path: args.configPath }),
      ...(args.cluster === undefined ? {} : { cluster: args.cluster }),
      ...(io.env === undefined ? {} : { env: io.env }),
      ...(io.searchPath === undefined ? {} : { searchPath: io.searchPath }),
      ...(io.fs === undefined ? {} : { fs: io.fs }),
    };
    if (args.convertConfig) {
      io.stdout.write(convertMmmToYaml(opts));
      return exit(EXIT.OK);
    }
    const config = loadConfig(opts);
    for (const w of config.warnings) say(io.stderr, `warning: ${formatIssue(w)}`);
    if (args.checkConfig) {
      io.stdout.write(renderEffectiveConfig(config));
      if (config.socket.type === 'plain') {
        say(
          io.stderr,
          `warning: no authentication is configured (socket type plain); ${spec.name} would refuse to start without --insecure`,
        );
      }
      return exit(EXIT.OK);
    }
    if (config.socket.type === 'plain') {
      if (!args.insecure) {
        say(io.stderr, authGateMessage(spec.name, config.source.format));
        return exit(EXIT.USAGE);
      }
      say(io.stderr, insecureWarning());
    }
    return { kind: 'run', config, args };
  } catch (e) {
    if (e instanceof UsageError) {
      say(io.stderr, `${e.message}; see ${spec.name} --help`);
      return exit(EXIT.USAGE);
    }
    if (isMmmError(e)) {
      say(io.stderr, e.message);
      return exit(EXIT.USAGE);
    }
    say(io.stderr, `internal error: ${describeError(e)}`);
    return exit(EXIT.FAILURE);
  }
}

/** Real process streams and environment, for main.ts. */
export function processIo(): DaemonIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

export function helpText(spec: DaemonSpec): string {
  return [
    `Usage: ${spec.name} [@CLUSTER] [--config FILE] [--check-config | --convert-config] [--insecure]`,
    `       ${spec.name} --version | --help`,
    '',
    spec.summary,
    '',
    `  @CLUSTER          use ${spec.fileName}_CLUSTER.conf instead of ${spec.fileName}.conf`,
    '  --config FILE     configuration file: MMM format (.conf) or YAML (.yaml, .yml);',
    `                    default: the first ${spec.fileName}[_CLUSTER].conf in /etc, /etc/mmm, /etc/mysql-mmm`,
    '  --check-config    validate, print the effective configuration (secrets masked) and exit',
    '  --convert-config  print the MMM configuration converted to YAML and exit',
    '  --insecure        start although the APIs have no authentication (labs only)',
    '  --version         print the version and exit',
    '  --help            print this help and exit',
    '',
    'Exit status: 0 success, 1 failure, 2 usage or configuration error.',
    '',
  ].join('\n');
}

export function firstSentence(message: string): string {
  const m = /^(.*?[^.])\.(\s|$)/.exec(message);
  const sentence = m?.[1] ?? message;
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}
