#!/usr/bin/env node
// mmm_control entry point: the real process streams and argv; everything else is in run.ts.
import { runControl } from './run.js';

process.exitCode = await runControl(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: process.stdout.isTTY,
  env: process.env,
  argv0: process.argv[1] ?? 'mmm_control',
});
