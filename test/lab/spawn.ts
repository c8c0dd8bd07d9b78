// Long-running processes inside a lab host (the agent under test): output to a log file, stopped by PID.
import { MmmError } from '../../common/errors/index.js';
import type { HostName } from './addr.js';
import { signal, waitDead, within } from './proc.js';
import { spawnInHost, type HostPlace } from './server.js';

export interface SpawnOptions {
  /** stdout and stderr are appended here. Default: <host dir>/<program>-<n>.log. */
  readonly logFile?: string;
  /** Variables added to (and overriding) the caller's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface LabProcess {
  readonly pid: number;
  readonly host: HostName;
  readonly logFile: string;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ProcessExit>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5000); resolves once the process is gone. */
  stop(graceMs?: number): Promise<ProcessExit>;
}

let counter = 0;

export function spawnProcess(
  h: HostPlace & { readonly name: HostName },
  argv: readonly string[],
  opts: SpawnOptions = {},
): LabProcess {
  const program = (argv[0] ?? 'process').split('/').pop() ?? 'process';
  const logFile = opts.logFile ?? `${h.dir}/${program}-${++counter}.log`;
  const env = opts.env === undefined ? process.env : { ...process.env, ...opts.env };
  // Kept referenced: a test awaiting `exited` must not see its process end first.
  const child = spawnInHost(h, argv, logFile, { env, keepRef: true });
  const pid = child.pid;
  if (pid === undefined) throw new MmmError('MMM_EXEC_FAILED', `${h.name}: could not spawn ${argv.join(' ')}`);
  const exited = new Promise<ProcessExit>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, sig) => {
      resolve({ code, signal: sig });
    });
  });
  const stop = async (graceMs = 5_000): Promise<ProcessExit> => {
    if (signal(pid, 'SIGTERM')) {
      const done = await within(exited, graceMs);
      if (done !== undefined) return done;
      signal(pid, 'SIGKILL');
    }
    const done = await within(exited, 5_000);
    if (done !== undefined) return done;
    // Not our child any more (e.g. re-parented): fall back to /proc.
    if ((await waitDead([pid], 1_000)).length > 0) throw new MmmError('MMM_EXEC_FAILED', `PID ${pid} survived SIGKILL`);
    return { code: null, signal: 'SIGKILL' };
  };
  return { pid, host: h.name, logFile, exited, stop };
}
