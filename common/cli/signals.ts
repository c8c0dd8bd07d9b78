// The signal handling both daemons share: SIGTERM/SIGINT stop gracefully (a second one exits at once), SIGHUP
// reloads the configuration from the same command line and keeps the running one when the new one is invalid.
import { loadConfig, type Config } from '../config/index.js';
import { describeError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { EXIT, type DaemonArgs } from './daemon.js';

export interface SignalTarget {
  stop(): Promise<void>;
  reload(config: Config): void;
}

export function handleSignals(
  target: SignalTarget,
  opts: { readonly program: 'MONITOR' | 'AGENT'; readonly args: DaemonArgs; readonly logger: Logger },
): void {
  const { logger, args } = opts;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(EXIT.FAILURE);
    }
    stopping = true;
    logger.info(`${signal}: stopping`);
    target.stop().then(
      () => {
        logger.info('stopped');
        process.exitCode = EXIT.OK;
      },
      (e: unknown) => {
        logger.error(`stop failed: ${describeError(e)}`);
        process.exitCode = EXIT.FAILURE;
      },
    );
  };
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGHUP', () => {
    try {
      const next = loadConfig({
        program: opts.program,
        ...(args.configPath === undefined ? {} : { path: args.configPath }),
        ...(args.cluster === undefined ? {} : { cluster: args.cluster }),
        env: process.env,
      });
      target.reload(next);
      logger.info(`SIGHUP: configuration reloaded from ${next.source.files.join(', ')}`);
    } catch (e) {
      logger.error(`SIGHUP: configuration not reloaded, keeping the running one: ${describeError(e)}`);
    }
  });
}
