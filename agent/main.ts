#!/usr/bin/env node
// mmm_agentd entry point. For now: command line, configuration and the authentication gate (common/cli); the
// agent itself replaces the last lines.
import { AGENT_DAEMON, prepareDaemon, processIo } from '../common/cli/daemon.js';

const start = prepareDaemon(process.argv.slice(2), AGENT_DAEMON, processIo());
if (start.kind === 'exit') {
  process.exitCode = start.code;
} else {
  process.stderr.write('mmm_agentd: configuration loaded; the agent daemon itself is not implemented yet\n');
  process.exitCode = 1;
}
