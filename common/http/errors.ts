// Maps whatever a route throws to the one error shape of our APIs: `{ error: { code, message, retryable } }`
// with the code's HTTP status. Bad input is always a 4xx that says what is wrong; a 5xx means a bug or a
// failing dependency (MySQL, a system command), never the client's input.
import type { FastifyError } from 'fastify';
import { ERRORS, MmmError, isMmmError, type ErrorCode } from '../errors/index.js';

export interface ErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly retryable: boolean;
    readonly details?: Readonly<Record<string, unknown>>;
  };
}

interface ValidationIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** `/roles/0/ip` → `roles[0].ip`; the field a DBA would look for in the JSON. */
function fieldPath(context: string, instancePath: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = context;
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : `.${p}`;
  return out;
}

/** One readable sentence per schema violation, naming the field and what is expected. */
export function describeValidation(context: string, issues: readonly ValidationIssue[]): string {
  return issues
    .map((issue) => {
      const at = fieldPath(context, issue.instancePath);
      const p = issue.params;
      switch (issue.keyword) {
        case 'required':
          return `${at}.${String(p['missingProperty'])} is required`;
        case 'additionalProperties':
          return `${at}.${String(p['additionalProperty'])} is not a known field`;
        case 'enum':
          return `${at} must be one of ${JSON.stringify(p['allowedValues'])}`;
        default:
          return `${at} ${issue.message ?? 'is invalid'}`;
      }
    })
    .join('; ');
}

const codeForStatus = (status: number): ErrorCode => {
  switch (status) {
    case 401:
      return 'MMM_UNAUTHORIZED';
    case 403:
      return 'MMM_FORBIDDEN';
    case 404:
      return 'MMM_NOT_FOUND';
    case 413:
      return 'MMM_PAYLOAD_TOO_LARGE';
    default:
      return 'MMM_BAD_REQUEST';
  }
};

/** Messages for fastify's own 4xx errors, rewritten so they tell the caller what to send instead. */
const FASTIFY_MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request body is empty; send a JSON object',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported Content-Type; send application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body',
};

export interface MappedError {
  readonly status: number;
  readonly body: ErrorBody;
  /** True when the error is ours to fix (a bug or a dependency), not the client's: log it as an error. */
  readonly serverFault: boolean;
}

export function mapError(err: unknown, bodyLimit: number): MappedError {
  if (isMmmError(err)) {
    return { status: err.status, body: { error: err.toJSON() }, serverFault: err.status >= 500 };
  }
  const fe = err as Partial<FastifyError>;
  if (fe.validation !== undefined) {
    const message = describeValidation(fe.validationContext ?? 'request', fe.validation);
    return { status: 400, body: { error: new MmmError('MMM_BAD_REQUEST', message).toJSON() }, serverFault: false };
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const e = new MmmError('MMM_PAYLOAD_TOO_LARGE', `request body is larger than the limit of ${bodyLimit} bytes`);
    return { status: e.status, body: { error: e.toJSON() }, serverFault: false };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = codeForStatus(status);
    const known = fe.code === undefined ? undefined : FASTIFY_MESSAGES[fe.code];
    const message =
      known ?? (typeof fe.message === 'string' && fe.message.length > 0 ? fe.message : ERRORS[code].message);
    return { status, body: { error: { code, message, retryable: false } }, serverFault: false };
  }
  return { status: 500, body: { error: new MmmError('MMM_INTERNAL').toJSON() }, serverFault: true };
}
