#!/usr/bin/env node
// mmm_agentd entry point: command line, configuration and the authentication gate (common/cli), then the agent
// daemon (daemon.ts) with its signals (common/cli/signals.ts): SIGTERM/SIGINT stop gracefully (a second one
// exits at once), SIGHUP reloads the configuration and keeps the running one when the new one is invalid.
import { AGENT_DAEMON, EXIT, prepareDaemon, processIo } from '../common/cli/daemon.js';
import { handleSignals } from '../common/cli/signals.js';
import { packageVersion } from '../common/cli/version.js';
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
    handleSignals(daemon, { program: 'AGENT', args, logger });
  } catch (e) {
    logger.fatal(`cannot start: ${describeError(e)}`);
    process.stderr.write(`mmm_agentd: ${describeError(e)}\n`);
    process.exitCode = EXIT.USAGE;
  }
}
