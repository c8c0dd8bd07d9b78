#!/usr/bin/env node
// mmm_agentd entry point: command line, configuration and the authentication gate (common/cli), then the agent
// daemon (daemon.ts) with its signals: SIGTERM/SIGINT stop gracefully (a second one exits at once), SIGHUP
// reloads the configuration and keeps the running one when the new one is invalid.
import { AGENT_DAEMON, EXIT, prepareDaemon, processIo } from '../common/cli/daemon.js';
import { packageVersion } from '../common/cli/version.js';
import { loadConfig } from '../common/config/index.js';
import { describeError } from '../common/errors/index.js';
import { createLogger } from '../common/log/index.js';
import { startAgentDaemon } from './daemon.js';

const start = prepareDaemon(process.argv.slice(2), AGENT_DAEMON, processIo());
if (start.kind === 'exit') {
  process.exitCode = start.code;
} else {
  const { config, args } = start;
  const logger = createLogger({ name: 'mmm_agentd', ...(config.debug ? { level: 'debug' } : {}) });
  try {
    const daemon = await startAgentDaemon({ config, insecure: args.insecure, logger, version: packageVersion() });
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) {
        logger.warn(`${signal} again: exiting now`);
        process.exit(EXIT.FAILURE);
      }
      stopping = true;
      logger.info(`${signal}: stopping`);
      daemon.stop().then(
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
          program: 'AGENT',
          ...(args.configPath === undefined ? {} : { path: args.configPath }),
          ...(args.cluster === undefined ? {} : { cluster: args.cluster }),
          env: process.env,
        });
        daemon.reload(next);
        logger.info(`SIGHUP: configuration reloaded from ${next.source.files.join(', ')}`);
      } catch (e) {
        logger.error(`SIGHUP: configuration not reloaded, keeping the running one: ${describeError(e)}`);
      }
    });
  } catch (e) {
    logger.fatal(`cannot start: ${describeError(e)}`);
    process.stderr.write(`mmm_agentd: ${describeError(e)}\n`);
    process.exitCode = EXIT.USAGE;
  }
}
