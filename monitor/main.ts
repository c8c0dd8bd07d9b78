#!/usr/bin/env node
// mmm_mond entry point. For now: command line, configuration and the authentication gate (common/cli); the
// monitor itself replaces the last lines.
import { MONITOR_DAEMON, prepareDaemon, processIo } from '../common/cli/daemon.js';

const start = prepareDaemon(process.argv.slice(2), MONITOR_DAEMON, processIo());
if (start.kind === 'exit') {
  process.exitCode = start.code;
} else {
  process.stderr.write('mmm_mond: configuration loaded; the monitor daemon itself is not implemented yet\n');
  process.exitCode = 1;
}
