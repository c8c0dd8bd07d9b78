// Reading config files: MMM's search path, the @cluster file names, `include` resolution (next to the
// including file first, then the search path; `.conf` appended for MMM files; cycles refused), and the
// permission rules (world-writable: error; world-readable with passwords: warning, checked after parsing).
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { MmmError } from '../errors/index.js';
import { errorCode } from './kinds.js';
import type { Issues, Pos } from './issues.js';
import { parseMmm } from './mmm-parser.js';
import { newTree, type ConfigFormat, type RawTree } from './raw.js';
import type { ProgramClass } from './types.js';
import { parseYaml } from './yaml-parser.js';

/** MMM 2.2.1's hard-coded search path (spec §7.1). */
export const MMM_SEARCH_PATH: readonly string[] = ['/etc', '/etc/mmm', '/etc/mysql-mmm'];

const MAX_INCLUDE_DEPTH = 16;

/** The file system as the loader sees it; tests may replace it. */
export interface ConfigFs {
  readFile(path: string): string;
  /** Permission bits of a file (follows symlinks); throws a Node error when it cannot. */
  mode(path: string): number;
  exists(path: string): boolean;
  isExecutable(path: string): boolean;
}

export const nodeFs: ConfigFs = {
  readFile: (p) => readFileSync(p, 'utf8'),
  mode: (p) => statSync(p).mode & 0o777,
  exists: (p) => {
    try {
      statSync(p);
      return true;
    } catch {
      return false;
    }
  },
  isExecutable: (p) => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  },
};

export function formatOf(path: string): ConfigFormat {
  return /\.ya?ml$/i.test(path) ? 'yaml' : 'mmm';
}

/** `mmm_mon[_CLUSTER].conf` for monitor and control, `mmm_agent[_CLUSTER].conf` for the agent. */
export function configFileName(program: ProgramClass, cluster: string | undefined): string {
  const base = program === 'AGENT' ? 'mmm_agent' : 'mmm_mon';
  return `${base}${cluster === undefined ? '' : `_${cluster}`}.conf`;
}

/** First existing file of that name on the search path, as MMM looked it up. */
export function findConfigFile(
  program: ProgramClass,
  cluster: string | undefined,
  searchPath: readonly string[] = MMM_SEARCH_PATH,
  fs: ConfigFs = nodeFs,
): string {
  const name = configFileName(program, cluster);
  const found = searchPath.map((d) => join(d, name)).find((p) => fs.exists(p));
  if (found === undefined) {
    throw new MmmError(
      'MMM_CONFIG_NOT_FOUND',
      `no config file ${name} in ${searchPath.join(', ')} (use --config FILE)`,
    );
  }
  return found;
}

export interface ReadResult {
  readonly tree: RawTree;
  /** Permission bits of every file read. */
  readonly modes: ReadonlyMap<string, number>;
}

/** Reads the main file and everything it includes into one raw tree. */
export function readTree(mainFile: string, issues: Issues, fs: ConfigFs, searchPath: readonly string[]): ReadResult {
  const format = formatOf(mainFile);
  const tree = newTree(format, mainFile);
  const modes = new Map<string, number>();
  let text: string;
  try {
    text = fs.readFile(mainFile);
  } catch (e) {
    throw new MmmError('MMM_CONFIG_NOT_FOUND', `${mainFile}: cannot read the configuration file (${errorCode(e)})`);
  }
  const stack: string[] = [];
  const shown: string[] = [];

  const load = (file: string, source: string): void => {
    tree.files.push(file);
    stack.push(resolve(file));
    shown.push(file);
    checkMode(file, fs, modes, issues);
    const onInclude = (name: string, pos: Pos): void => {
      include(name, pos);
    };
    if (format === 'mmm') parseMmm(source, file, tree, issues, onInclude);
    else parseYaml(source, file, tree, issues, onInclude);
    stack.pop();
    shown.pop();
  };

  const include = (name: string, pos: Pos): void => {
    const fileName = format === 'mmm' && !name.endsWith('.conf') ? `${name}.conf` : name;
    if (formatOf(fileName) !== format) {
      issues.error(
        pos,
        'include',
        `${name}: a ${format === 'mmm' ? 'MMM .conf' : 'YAML'} file can only include files of the same format`,
      );
      return;
    }
    const candidates = isAbsolute(fileName)
      ? [fileName]
      : [join(dirname(pos.file), fileName), ...searchPath.map((d) => join(d, fileName))];
    const found = candidates.find((c) => fs.exists(c));
    if (found === undefined) {
      issues.error(
        pos,
        'include',
        `${name}: file not found; looked in ${[...new Set(candidates.map(dirname))].join(', ')}`,
      );
      return;
    }
    const cycleStart = stack.indexOf(resolve(found));
    if (cycleStart >= 0) {
      issues.error(pos, 'include', `${name}: include cycle ${[...shown.slice(cycleStart), found].join(' → ')}`);
      return;
    }
    if (stack.length >= MAX_INCLUDE_DEPTH) {
      issues.error(pos, 'include', `${name}: includes nested deeper than ${String(MAX_INCLUDE_DEPTH)} levels`);
      return;
    }
    let source: string;
    try {
      source = fs.readFile(found);
    } catch (e) {
      issues.error(pos, 'include', `${found}: cannot read the file (${errorCode(e)})`);
      return;
    }
    load(found, source);
  };

  load(mainFile, text);
  return { tree, modes };
}

function checkMode(file: string, fs: ConfigFs, modes: Map<string, number>, issues: Issues): void {
  let mode: number;
  try {
    mode = fs.mode(file);
  } catch {
    return;
  }
  modes.set(file, mode);
  if ((mode & 0o002) !== 0) {
    issues.error(
      { file, line: 1 },
      undefined,
      `the file is writable by every user (mode ${octal(mode)}); expected chmod 640 or stricter`,
    );
  }
}

/** Warns about world-readable files that hold passwords or tokens in clear (MMM refused to start). */
export function warnReadableSecrets(
  modes: ReadonlyMap<string, number>,
  literals: ReadonlyMap<string, { pos: Pos; key: string }>,
  issues: Issues,
): void {
  for (const [file, first] of literals) {
    const mode = modes.get(file);
    if (mode === undefined || (mode & 0o004) === 0) continue;
    issues.warn(
      first.pos,
      first.key,
      `the file holds passwords in clear and is readable by every user (mode ${octal(mode)}); chmod 640 it, or use env:VAR / file:/path (MMM 2.2.1 refused to start)`,
    );
  }
}

export function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}
