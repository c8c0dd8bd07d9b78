// Collects every problem found while loading a configuration, so the operator sees all of them at once.
// Each issue names the file, the line, the key (as written in that file's format) and what was expected.
// Values of secret keys never reach an issue: callers pass only key names and non-secret text.
import { MmmError } from '../errors/index.js';
import type { ConfigWarning } from './types.js';

/** Where something was written: a file and a 1-based line. */
export interface Pos {
  readonly file: string;
  readonly line: number;
}

/** Same shape for errors and warnings. `key` is the printable path, e.g. `<host db1> mode` or `hosts.db1.mode`. */
export type ConfigIssue = ConfigWarning;

export function formatIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}`;
  return issue.key === undefined ? `${where}: ${issue.message}` : `${where}: ${issue.key}: ${issue.message}`;
}

export class Issues {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  readonly #seen = new Set<string>();
  #fatal = false;

  error(pos: Pos, key: string | undefined, message: string): void {
    this.#add(this.errors, pos, key, message);
  }

  /** An error after which the rest of the file means nothing (unparsable YAML): checking stops there. */
  fatal(pos: Pos, key: string | undefined, message: string): void {
    this.#fatal = true;
    this.error(pos, key, message);
  }

  get isFatal(): boolean {
    return this.#fatal;
  }

  warn(pos: Pos, key: string | undefined, message: string): void {
    this.#add(this.warnings, pos, key, message);
  }

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }

  /** Throws MMM_CONFIG_INVALID listing every error (one line each), if there is any. */
  throwIfErrors(fileOrder: readonly string[]): void {
    if (!this.hasErrors) return;
    const errors = sortIssues(this.errors, fileOrder);
    throw new MmmError('MMM_CONFIG_INVALID', errors.map(formatIssue).join('\n'), {
      details: { errors, warnings: sortIssues(this.warnings, fileOrder) },
    });
  }

  sortedWarnings(fileOrder: readonly string[]): ConfigIssue[] {
    return sortIssues(this.warnings, fileOrder);
  }

  #add(list: ConfigIssue[], pos: Pos, key: string | undefined, message: string): void {
    const id = `${pos.file}\0${String(pos.line)}\0${key ?? ''}\0${message}`;
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    // One line per issue: a value echoed in a message (a YAML block scalar, a stray CR) must not break it.
    list.push({
      file: pos.file,
      line: pos.line,
      key: key === undefined ? undefined : oneLine(key),
      message: oneLine(message),
    });
  }
}

/** Control characters (line breaks included) as escapes, so an issue is always one printable line. */
function oneLine(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Files in the order they were read, then by line; stable otherwise. */
function sortIssues(list: readonly ConfigIssue[], fileOrder: readonly string[]): ConfigIssue[] {
  const rank = (f: string): number => {
    const i = fileOrder.indexOf(f);
    return i < 0 ? fileOrder.length : i;
  };
  return list
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => rank(a.issue.file) - rank(b.issue.file) || a.issue.line - b.issue.line || a.i - b.i)
    .map((x) => x.issue);
}
