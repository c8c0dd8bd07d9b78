#!/usr/bin/env node
// mmm_mond entry point: command line, configuration and the authentication gate (common/cli), then the monitor
// (run.ts); SIGTERM/SIGINT stop it gracefully, SIGHUP reloads the configuration (common/cli/signals.ts).
import { EXIT, MONITOR_DAEMON, prepareDaemon, processIo } from '../common/cli/daemon.js';
import { handleSignals } from '../common/cli/signals.js';
import { describeError } from '../common/errors/index.js';
import { createLogger } from '../common/log/index.js';
import { startMonitor } from './run.js';

const start = prepareDaemon(process.argv.slice(2), MONITOR_DAEMON, processIo());
if (start.kind === 'exit') {
  process.exitCode = start.code;
} else {
  const { config, args } = start;
  const logger = createLogger({ name: 'mmm_mond', ...(config.debug ? { level: 'debug' } : {}) });
  try {
    const monitor = await startMonitor(config, { insecure: args.insecure, logger });
    handleSignals(monitor, { program: 'MONITOR', args, logger });
  } catch (e) {
    logger.fatal(`cannot start: ${describeError(e)}`);
    process.stderr.write(`mmm_mond: ${describeError(e)}\n`);
    process.exitCode = EXIT.FAILURE;
  }
}
