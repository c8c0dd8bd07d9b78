// One mariadbd per lab host: started inside the host's network namespace with its own UTS namespace (so
// @@hostname is the host's name), detached so it outlives a CLI invocation, output appended to a log file.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { MmmError } from '../../common/errors/index.js';
import { query } from './db.js';
import { cmdline, isAlive, procState, signal, sleep, waitDead } from './proc.js';

export const MARIADBD = '/usr/sbin/mariadbd';

/** What a lab process needs to know about its host. */
export interface HostPlace {
  readonly name: string;
  readonly ns: string;
  readonly dir: string;
  /** The server's datadir. */
  readonly data: string;
  readonly cnf: string;
  readonly socket: string;
}

/** argv that runs `argv` inside the host: its network namespace, and a UTS namespace named after it. */
export function inHost(h: Pick<HostPlace, 'name' | 'ns'>, argv: readonly string[]): string[] {
  return [
    'ip',
    'netns',
    'exec',
    h.ns,
    'unshare',
    '--uts',
    '--',
    'sh',
    '-c',
    'hostname "$0" && exec "$@"',
    h.name,
    ...argv,
  ];
}

/**
 * Spawns argv inside the host, detached (own session, not tied to the caller's terminal or lifetime), with
 * stdout and stderr appended to `logFile`. Every wrapper execs, so the returned child's PID is argv's PID.
 * Unless `keepRef`, the child does not keep the caller's event loop alive (servers outlive a CLI run).
 */
export function spawnInHost(
  h: Pick<HostPlace, 'name' | 'ns'>,
  argv: readonly string[],
  logFile: string,
  opts: { env?: NodeJS.ProcessEnv; keepRef?: boolean } = {},
): ReturnType<typeof spawn> {
  const fd = openSync(logFile, 'a');
  try {
    const [cmd, ...args] = inHost(h, argv);
    const child = spawn(cmd!, args, { detached: true, stdio: ['ignore', fd, fd], env: opts.env ?? process.env });
    child.on('error', () => undefined); // reported through the exit/readiness checks
    if (opts.keepRef !== true) child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

async function tail(path: string, lines: number): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** PID of the host's running mariadbd (from its pid file, checked against /proc), or undefined. */
export async function mariadbdPid(h: HostPlace): Promise<number | undefined> {
  const pid = Number((await readFile(`${h.dir}/mysqld.pid`, 'utf8').catch(() => '')).trim());
  if (!(pid > 0) || !(await isAlive(pid))) return undefined;
  return (await cmdline(pid)).includes(h.cnf) ? pid : undefined;
}

/** Starts the host's mariadbd and resolves with its PID once it answers on its socket. */
export async function startServer(h: HostPlace, timeoutMs = 30_000): Promise<number> {
  const child = spawnInHost(h, [MARIADBD, `--defaults-file=${h.cnf}`], `${h.dir}/stdout.log`);
  const pid = child.pid;
  if (pid === undefined) throw new MmmError('MMM_EXEC_FAILED', `${h.name}: could not spawn mariadbd`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await query({ kind: 'socket', socket: h.socket }, 'SELECT 1', { timeoutMs: 1_000 });
      return pid;
    } catch {
      // not ready yet
    }
    const state = await procState(pid);
    if (state === 'gone' || state === 'zombie' || Date.now() > deadline) {
      if (state !== 'gone' && state !== 'zombie') signal(pid, 'SIGKILL');
      const why = state === 'gone' || state === 'zombie' ? 'exited' : `not ready after ${timeoutMs} ms`;
      throw new MmmError(
        'MMM_EXEC_FAILED',
        `${h.name}: mariadbd ${why}; last lines of ${h.dir}/error.log:\n${await tail(`${h.dir}/error.log`, 15)}\n` +
          (await tail(`${h.dir}/stdout.log`, 5)),
      );
    }
    await sleep(15);
  }
}

/** Stops the host's mariadbd: SIGCONT (in case it is frozen), SIGTERM, then SIGKILL after `graceMs`. */
export async function stopServer(h: HostPlace, graceMs = 10_000): Promise<void> {
  const pid = await mariadbdPid(h);
  if (pid === undefined) return;
  signal(pid, 'SIGCONT');
  signal(pid, 'SIGTERM');
  if ((await waitDead([pid], graceMs)).length === 0) return;
  signal(pid, 'SIGKILL');
  if ((await waitDead([pid], 5_000)).length > 0) {
    throw new MmmError('MMM_EXEC_FAILED', `${h.name}: mariadbd PID ${pid} survived SIGKILL`);
  }
}
