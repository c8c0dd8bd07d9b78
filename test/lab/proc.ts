// Small process helpers for the lab: run a command with a timeout (argv, never a shell), and inspect
// processes through /proc. PID 1 on these machines reaps orphans late, so a killed process can linger as a
// zombie: liveness is "has a /proc entry whose state is not Z", never `kill -0`.
import { execFile } from 'node:child_process';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { MmmError } from '../../common/errors/index.js';

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly timeoutMs?: number;
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs argv and resolves with its output; rejects with MMM_EXEC_FAILED naming the command and its stderr. */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new MmmError('MMM_USAGE', 'run: empty command');
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { timeout: opts.timeoutMs ?? 30_000, killSignal: 'SIGKILL', maxBuffer: 16 << 20, env: opts.env ?? process.env },
      (err, stdout, stderr) => {
        if (err === null) {
          resolve({ stdout, stderr });
          return;
        }
        const why = err.killed ? `timed out after ${opts.timeoutMs ?? 30_000} ms` : `exit ${String(err.code)}`;
        reject(
          new MmmError('MMM_EXEC_FAILED', `${argv.join(' ')}: ${why}: ${stderr.trim() || stdout.trim()}`, {
            cause: err,
          }),
        );
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Feeds commands to one `ip -batch` process (one fork for many netlink operations). */
export async function ipBatch(lines: readonly string[], opts: { force?: boolean } = {}): Promise<RunResult> {
  if (lines.length === 0) return { stdout: '', stderr: '' };
  return run(['ip', ...(opts.force === true ? ['-force'] : []), '-batch', '-'], { input: lines.join('\n') + '\n' });
}

export type ProcState = 'running' | 'stopped' | 'zombie' | 'gone';

/** State of a PID from /proc/<pid>/stat: R/S/D/… → running, T/t → stopped, Z/X → zombie, missing → gone. */
export async function procState(pid: number): Promise<ProcState> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 'gone';
  }
  // The command name (field 2) is in parentheses and may contain spaces; the state follows the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === 'Z' || state === 'X') return 'zombie';
  if (state === 'T' || state === 't') return 'stopped';
  return 'running';
}

export async function isAlive(pid: number): Promise<boolean> {
  const s = await procState(pid);
  return s === 'running' || s === 'stopped';
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with `p`'s value, or with undefined after `ms` (the timer does not keep the process alive). */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => {
    timer = setTimeout(r, ms, undefined);
    timer.unref();
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` every `intervalMs` until it returns a value other than undefined; MMM_TIMEOUT after timeoutMs. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() >= deadline) throw new MmmError('MMM_TIMEOUT', `timed out after ${opts.timeoutMs} ms: ${what}`);
    await sleep(opts.intervalMs ?? 20);
  }
}

/** Waits until none of the PIDs is alive (gone or zombie). Returns the PIDs still alive at the deadline. */
export async function waitDead(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = [...pids];
  while (alive.length > 0) {
    alive = (await Promise.all(alive.map(async (p) => ((await isAlive(p)) ? p : -1)))).filter((p) => p >= 0);
    if (alive.length === 0 || Date.now() >= deadline) break;
    await sleep(5);
  }
  return alive;
}

export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** The command line of a PID, arguments joined by spaces ('' when gone). */
export async function cmdline(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

export async function allPids(): Promise<number[]> {
  const names = await readdir('/proc');
  return names.filter((n) => /^[0-9]+$/.test(n)).map(Number);
}

/**
 * Live PIDs per network namespace, like `ip netns pids` but for many namespaces in one /proc scan:
 * a process belongs to a namespace when its /proc/<pid>/ns/net link names the namespace file's inode.
 */
export async function pidsInNetns(nsInodes: ReadonlyMap<string, number>): Promise<Map<string, number[]>> {
  const byInode = new Map<number, string>();
  const out = new Map<string, number[]>();
  for (const [ns, ino] of nsInodes) {
    byInode.set(ino, ns);
    out.set(ns, []);
  }
  await Promise.all(
    (await allPids()).map(async (pid) => {
      let link: string;
      try {
        link = await readlink(`/proc/${pid}/ns/net`);
      } catch {
        return; // gone, or a zombie (no namespace links)
      }
      const ns = byInode.get(Number(/\[([0-9]+)\]/.exec(link)?.[1]));
      if (ns !== undefined) out.get(ns)?.push(pid);
    }),
  );
  return out;
}
