// The command line of mmm_control:
// `[@cluster] [--config FILE] [--json] [--timeout S] [--connect-timeout S] <command> [args]`.
// Options are only read before the command word: everything from the first word that is not an option (or
// after `--`) belongs to the command and goes to the monitor untouched, so `move_role --force writer db2`
// keeps its `--force`.
import { parseArgs } from 'node:util';
import { firstSentence } from '../common/cli/daemon.js';
import { describeError } from '../common/errors/index.js';

/** Default deadline for the monitor's answer. MMM had no read timeout and hung as long as the monitor did. */
export const DEFAULT_TIMEOUT_S = 30;
/** Default deadline for the TCP connection to the monitor: MMM's 10 s. */
export const DEFAULT_CONNECT_TIMEOUT_S = 10;

export interface ControlArgs {
  readonly cluster: string | undefined;
  readonly configPath: string | undefined;
  readonly json: boolean;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly version: boolean;
  readonly help: boolean;
  /** The command and its words, as sent to the monitor (empty: no command given). */
  readonly command: readonly string[];
}

export class UsageError extends Error {}

/** Options that take a value: the word after them is never the command. */
const VALUE_OPTIONS = new Set(['--config', '--timeout', '--connect-timeout']);

/** Splits argv into the part before the command (options and @cluster) and the command words. */
function splitAtCommand(argv: readonly string[]): { head: string[]; command: string[] } {
  const head: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (word === '--') return { head, command: argv.slice(i + 1) };
    if (word.startsWith('@') || word.startsWith('-')) {
      head.push(word);
      if (VALUE_OPTIONS.has(word) && i + 1 < argv.length) head.push(argv[++i] ?? '');
      continue;
    }
    return { head, command: argv.slice(i) };
  }
  return { head, command: [] };
}

export function parseControlArgs(argv: readonly string[]): ControlArgs {
  const { head, command } = splitAtCommand(argv);
  let parsed;
  try {
    parsed = parseArgs({
      args: head,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        'connect-timeout': { type: 'string' },
        version: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError(firstSentence(describeError(e)));
  }
  const { values, positionals } = parsed;
  // Only @words reach positionals (splitAtCommand stops at the first other word).
  if (positionals.length > 1) throw new UsageError('more than one @CLUSTER given');
  const cluster = positionals[0]?.slice(1);
  if (cluster === '') throw new UsageError("'@' needs a cluster name, e.g. @prod");
  if (values.config === '') throw new UsageError('--config needs a file name');
  return {
    cluster,
    configPath: values.config,
    json: values.json ?? false,
    timeoutMs: seconds('--timeout', values.timeout, DEFAULT_TIMEOUT_S),
    connectTimeoutMs: seconds('--connect-timeout', values['connect-timeout'], DEFAULT_CONNECT_TIMEOUT_S),
    version: values.version ?? false,
    help: values.help ?? false,
    command,
  };
}

/** A duration option in seconds (decimals allowed), as milliseconds. */
function seconds(option: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback * 1000;
  const s = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(s > 0 && s <= 3600)) {
    throw new UsageError(`${option} '${text}' is invalid; expected seconds between 0 and 3600, e.g. ${option} 5`);
  }
  return Math.round(s * 1000);
}
