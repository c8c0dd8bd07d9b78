// Public entry points of configuration loading: find the file (explicit path, or MMM's search path with the
// @cluster name), read it with its includes, type and validate it against the schema, and return the frozen
// Config. Every problem is collected first; then one MmmError('MMM_CONFIG_INVALID') lists them all.
import { resolve } from 'node:path';
import { MmmError } from '../errors/index.js';
import { buildSections, type BuiltSections } from './build.js';
import { finishSocket, resolveKillHost } from './finish.js';
import { deepFreeze } from './freeze.js';
import { Issues, type Pos } from './issues.js';
import { errorCode, type ParseEnv } from './kinds.js';
import type { RawTree } from './raw.js';
import {
  MMM_SEARCH_PATH,
  findConfigFile,
  nodeFs,
  octal,
  readTree,
  warnReadableSecrets,
  type ConfigFs,
} from './sources.js';
import type { Config, ProgramClass } from './types.js';
import { validateSections } from './validate.js';

export interface LoadOptions {
  /** Which program loads it: decides the default file name and the required keys. */
  readonly program: ProgramClass;
  /** Config file (.conf = MMM format, .yaml/.yml = ours). Default: MMM's search path. */
  readonly path?: string;
  /** `@cluster`: selects mmm_mon_<cluster>.conf / mmm_agent_<cluster>.conf when no path is given. */
  readonly cluster?: string;
  /** Environment for env:VAR secrets. Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default /etc, /etc/mmm, /etc/mysql-mmm. */
  readonly searchPath?: readonly string[];
  readonly fs?: ConfigFs;
}

export interface LoadedTree {
  readonly tree: RawTree;
  readonly modes: ReadonlyMap<string, number>;
  readonly issues: Issues;
}

/** Loads, validates and freezes the configuration. Throws MmmError MMM_CONFIG_INVALID / MMM_CONFIG_NOT_FOUND / MMM_USAGE. */
export function loadConfig(opts: LoadOptions): Config {
  return compile(readConfigTree(opts), opts);
}

/** Same as loadConfig for text already in memory (tests, tools); includes are still read relative to `file`. */
export function loadConfigText(text: string, file: string, opts: Omit<LoadOptions, 'path'>): Config {
  const fs = opts.fs ?? nodeFs;
  const memFs: ConfigFs = {
    ...fs,
    readFile: (p) => (p === file ? text : fs.readFile(p)),
    mode: (p) => (p === file ? 0o600 : fs.mode(p)),
  };
  return loadConfig({ ...opts, path: file, fs: memFs });
}

export function resolveConfigPath(opts: LoadOptions): string {
  if (opts.cluster !== undefined) checkClusterName(opts.cluster);
  return opts.path ?? findConfigFile(opts.program, opts.cluster, opts.searchPath ?? MMM_SEARCH_PATH, opts.fs ?? nodeFs);
}

/** Reads the raw tree with its includes; parse errors are collected in `issues`, not thrown. */
export function readConfigTree(opts: LoadOptions): LoadedTree {
  const issues = new Issues();
  const { tree, modes } = readTree(
    resolveConfigPath(opts),
    issues,
    opts.fs ?? nodeFs,
    opts.searchPath ?? MMM_SEARCH_PATH,
  );
  return { tree, modes, issues };
}

/** Types, validates and freezes a raw tree (throws when anything is wrong). */
export function compile(loaded: LoadedTree, opts: LoadOptions): Config {
  const { tree, issues } = loaded;
  const built = buildAndValidate(loaded, opts);
  issues.throwIfErrors(tree.files);
  const config: Config = {
    source: { format: tree.format, files: tree.files.map((f) => resolve(f)) },
    cluster: opts.cluster,
    this: built.global.this,
    debug: built.global.debug,
    activeMasterRole: built.global.activeMasterRole,
    hosts: built.hosts,
    roles: built.roles,
    checks: built.checks,
    monitor: built.monitor,
    socket: built.socket,
    agent: built.global.agent,
    warnings: issues.sortedWarnings(tree.files),
  };
  return deepFreeze(config);
}

/**
 * Everything but the throw: typed sections plus all errors and warnings in loaded.issues. With
 * resolveSecrets false, env:/file: references are checked for form only (the converter copies them as written).
 */
export function buildAndValidate(loaded: LoadedTree, opts: LoadOptions, resolveSecrets = true): BuiltSections {
  const { tree, modes, issues } = loaded;
  if (issues.isFatal) issues.throwIfErrors(tree.files);
  const fs = opts.fs ?? nodeFs;
  const literals = new Map<string, { pos: Pos; key: string }>();
  const env: ParseEnv = {
    env: opts.env ?? process.env,
    referencesUnresolved: !resolveSecrets,
    literalSecret: (pos, key) => {
      if (!literals.has(pos.file)) literals.set(pos.file, { pos, key });
    },
    readSecretFile: (path, pos, key) => {
      const text = fs.readFile(path);
      let mode = 0;
      try {
        mode = fs.mode(path);
      } catch (e) {
        issues.warn(pos, key, `cannot check the permissions of ${path} (${errorCode(e)})`);
      }
      if ((mode & 0o004) !== 0)
        issues.warn(pos, key, `${path} is readable by every user (mode ${octal(mode)}); chmod 600 it`);
      return text;
    },
  };
  const built = buildSections(tree, { program: opts.program, issues, env });
  validateSections(built, issues);
  const socket = finishSocket(built.socket, built.positions, env, (p) => fs.exists(p), issues);
  const monitor =
    built.monitor === undefined
      ? undefined
      : resolveKillHost(built.monitor, built.positions, (p) => fs.isExecutable(p), issues);
  warnReadableSecrets(modes, literals, issues);
  return { ...built, socket, monitor };
}

export function checkClusterName(cluster: string): void {
  if (!/^\w[\w.-]*$/.test(cluster)) {
    throw new MmmError('MMM_USAGE', `invalid cluster name '${cluster}'; expected letters, digits, '_', '-' or '.'`);
  }
}
