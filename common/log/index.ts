// pino JSON logs with redaction. Secrets should never reach a logger (config holds them as Secret, which
// prints as ***), and the redact paths below are the second line of defence.
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  '*.*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  '*_password',
  '*.*_password',
];

export interface LogOptions {
  readonly name: string;
  readonly level?: string;
  /** Destination stream (tests pass a sink); default stdout. */
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(opts: LogOptions): Logger {
  const options: LoggerOptions = {
    name: opts.name,
    level: opts.level ?? process.env['MMM_LOG_LEVEL'] ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '***' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return opts.destination === undefined ? pino(options) : pino(options, opts.destination);
}

/** A logger that drops everything, for unit tests and library callers that pass none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
