// Runs system commands for the agent: always an argv (execFile, never a shell string), always a deadline, and
// failures classified into error codes (a missing capability is MMM_NO_PRIVILEGE with the capability named).
import { execFile, spawn } from 'node:child_process';
import { MmmError } from '../../common/errors/index.js';

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs argv[0] with argv[1..]; resolves on exit 0, otherwise throws an MmmError. */
export type CommandRunner = (argv: readonly string[], opts: { readonly timeoutMs: number }) => Promise<ExecResult>;

/** Starts a command in the background and returns at once; `onExit` reports a failure later. */
/** A command running in the background: `stop` ends it early (SIGTERM to our own child, by PID). */
export interface BackgroundJob {
  stop(): void;
}

export type BackgroundRunner = (
  argv: readonly string[],
  opts: { readonly timeoutMs: number; readonly onError: (e: MmmError) => void },
) => BackgroundJob;

const PERMISSION = /operation not permitted|permission denied|EPERM|EACCES/i;

/** The capability a command needs, for error texts. */
export function capabilityFor(argv: readonly string[]): string {
  return argv[0]?.endsWith('arping') === true ? 'CAP_NET_RAW' : 'CAP_NET_ADMIN';
}

export function classifyExecFailure(
  argv: readonly string[],
  failure: { code?: unknown; killed?: boolean; signal?: unknown; stderr?: string },
  timeoutMs: number,
): MmmError {
  const cmd = argv.join(' ');
  const stderr = (failure.stderr ?? '').trim().split('\n').slice(0, 3).join(' / ');
  if (failure.killed === true || failure.signal === 'SIGKILL') {
    return new MmmError('MMM_TIMEOUT', `'${cmd}' did not finish within ${timeoutMs} ms`);
  }
  if (failure.code === 'ENOENT') {
    return new MmmError('MMM_EXEC_FAILED', `'${argv[0] ?? ''}' is not installed (needed for '${cmd}')`);
  }
  if (failure.code === 'EPERM' || failure.code === 'EACCES' || PERMISSION.test(stderr)) {
    return new MmmError(
      'MMM_NO_PRIVILEGE',
      `'${cmd}' was refused (${stderr || 'EPERM'}): the agent needs ${capabilityFor(argv)} in the host's network namespace`,
    );
  }
  const status =
    typeof failure.code === 'number'
      ? `exit ${failure.code}`
      : typeof failure.code === 'string'
        ? failure.code
        : 'failed';
  return new MmmError('MMM_EXEC_FAILED', `'${cmd}' failed (${status})${stderr ? `: ${stderr}` : ''}`);
}

export const runCommand: CommandRunner = (argv, opts) =>
  new Promise((resolve, reject) => {
    const [file, ...args] = argv;
    if (file === undefined) {
      reject(new MmmError('MMM_INTERNAL', 'empty command'));
      return;
    }
    execFile(
      file,
      args,
      {
        timeout: opts.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 1024 * 1024,
        encoding: 'utf8',
        env: { ...process.env, LC_ALL: 'C' },
      },
      (err, stdout, stderr) => {
        if (err === null) {
          resolve({ stdout, stderr });
          return;
        }
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: unknown };
        reject(
          classifyExecFailure(
            argv,
            { code: e.code, killed: e.killed ?? false, signal: e.signal, stderr },
            opts.timeoutMs,
          ),
        );
      },
    );
  });

export const runInBackground: BackgroundRunner = (argv, opts) => {
  const [file, ...args] = argv;
  if (file === undefined) return { stop: () => undefined };
  let stderr = '';
  let finished = false;
  const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  const timer = setTimeout(() => {
    if (!finished) child.kill('SIGKILL');
  }, opts.timeoutMs);
  timer.unref();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 4096) stderr += d;
  });
  child.on('error', (err: NodeJS.ErrnoException) => {
    finished = true;
    clearTimeout(timer);
    opts.onError(classifyExecFailure(argv, { code: err.code, stderr }, opts.timeoutMs));
  });
  child.on('close', (code, signal) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    if (code === 0) return;
    opts.onError(
      classifyExecFailure(
        argv,
        { code: code ?? undefined, killed: signal === 'SIGKILL', signal, stderr },
        opts.timeoutMs,
      ),
    );
  });
  return {
    stop: () => {
      if (finished) return;
      finished = true; // ended on purpose: not a failure
      clearTimeout(timer);
      child.kill('SIGTERM');
    },
  };
};
