// One registry of error codes for every daemon and the CLI. Each code has a fixed HTTP status, a default
// message and whether retrying the same request can help. Thrown errors are MmmError; anything else that
// escapes is a bug and is reported as MMM_INTERNAL.

export interface ErrorSpec {
  readonly status: number;
  readonly message: string;
  readonly retryable: boolean;
}

export const ERRORS = {
  MMM_INTERNAL: { status: 500, message: 'internal error', retryable: false },
  MMM_CONFIG_INVALID: { status: 400, message: 'invalid configuration', retryable: false },
  MMM_CONFIG_NOT_FOUND: { status: 400, message: 'configuration file not found', retryable: false },
  MMM_USAGE: { status: 400, message: 'invalid usage', retryable: false },
  MMM_BAD_REQUEST: { status: 400, message: 'malformed request', retryable: false },
  MMM_UNAUTHORIZED: { status: 401, message: 'authentication required', retryable: false },
  MMM_FORBIDDEN: { status: 403, message: 'not allowed', retryable: false },
  MMM_NOT_FOUND: { status: 404, message: 'not found', retryable: false },
  MMM_STALE_EPOCH: {
    status: 409,
    message: 'request carries an older monitor epoch than one already applied',
    retryable: false,
  },
  MMM_CONFLICT: { status: 409, message: 'conflicting state', retryable: false },
  MMM_PAYLOAD_TOO_LARGE: { status: 413, message: 'request body too large', retryable: false },
  MMM_UNKNOWN_ROLE_IP: { status: 422, message: 'role IP is not configured for this host', retryable: false },
  MMM_REFUSED: { status: 422, message: 'command refused', retryable: false },
  MMM_MYSQL_UNREACHABLE: { status: 503, message: 'MySQL is not reachable', retryable: true },
  MMM_MYSQL_ERROR: { status: 502, message: 'MySQL returned an error', retryable: true },
  MMM_MYSQL_UNSUPPORTED: {
    status: 502,
    message: 'unsupported MySQL/MariaDB version or unexpected result shape',
    retryable: false,
  },
  MMM_AGENT_UNREACHABLE: { status: 503, message: 'agent is not reachable', retryable: true },
  MMM_MONITOR_UNREACHABLE: { status: 503, message: 'monitor is not reachable', retryable: true },
  MMM_TIMEOUT: { status: 504, message: 'operation timed out', retryable: true },
  MMM_EXEC_FAILED: { status: 500, message: 'system command failed', retryable: true },
  MMM_NO_PRIVILEGE: { status: 500, message: 'missing privilege or capability', retryable: false },
  MMM_FENCE_FAILED: { status: 500, message: 'fencing failed', retryable: true },
  MMM_CATCHUP_TIMEOUT: { status: 504, message: 'replica did not apply its relay log in time', retryable: true },
  MMM_REPLICATION_BROKEN: { status: 500, message: 'replication is not running', retryable: false },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class MmmError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    const spec = ERRORS[code];
    super(message ?? spec.message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MmmError';
    this.code = code;
    this.status = spec.status;
    this.retryable = spec.retryable;
    this.details = options?.details;
  }

  toJSON(): { code: ErrorCode; message: string; retryable: boolean; details?: Readonly<Record<string, unknown>> } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export function isMmmError(e: unknown): e is MmmError {
  return e instanceof MmmError;
}

/** A short, secret-free description of any thrown value, for logs and API answers. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
