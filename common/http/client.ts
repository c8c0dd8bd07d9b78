// A small JSON client for our own APIs (monitor → agent, agent → agent, mmm_control → monitor). Every call has a
// deadline (AbortSignal), every failure becomes an MmmError with a code the caller can act on, and neither
// the token nor the client key ever appears in an error text.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ERRORS, MmmError, type ErrorCode } from '../errors/index.js';
import type { HttpAuth, TlsMaterial } from './auth.js';

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface JsonClientOptions {
  /** Who we talk to, for error texts: e.g. "agent db2". */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly auth: HttpAuth;
  /** PEM material, required when auth.type is 'ssl' (load it once with loadTlsMaterial). */
  readonly tls?: TlsMaterial;
  /** Deadline for one call (connecting and answering) unless the call gives its own. */
  readonly timeoutMs: number;
  /**
   * Deadline for establishing the TCP connection, separate from `timeoutMs`: an address that drops SYNs fails
   * after this (code `unreachableCode`), a server that accepted but never answers after `timeoutMs`
   * (`MMM_TIMEOUT`). Default: no separate limit. A reused keep-alive connection is not timed again.
   */
  readonly connectTimeoutMs?: number;
  /** Code for "could not talk to it at all" (default MMM_AGENT_UNREACHABLE). */
  readonly unreachableCode?: ErrorCode;
}

export interface CallOptions {
  readonly timeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}

/** Turns a non-2xx answer of one of our APIs into the MmmError the server threw. */
function remoteError(status: number, text: string, what: string): MmmError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const err = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (err !== undefined && isErrorCode(err.code) && typeof err.message === 'string') {
    const details =
      typeof err.details === 'object' && err.details !== null ? (err.details as Record<string, unknown>) : undefined;
    return new MmmError(err.code, err.message, details === undefined ? undefined : { details });
  }
  const code: ErrorCode =
    status === 401
      ? 'MMM_UNAUTHORIZED'
      : status === 404
        ? 'MMM_NOT_FOUND'
        : status < 500
          ? 'MMM_BAD_REQUEST'
          : 'MMM_INTERNAL';
  return new MmmError(code, `${what}: HTTP ${status} without an error body`);
}

export class JsonClient {
  readonly #opts: JsonClientOptions;
  readonly #agent: HttpAgent;
  readonly #secure: boolean;

  constructor(opts: JsonClientOptions) {
    this.#opts = opts;
    this.#secure = opts.auth.type === 'ssl';
    if (this.#secure) {
      if (opts.tls === undefined) throw new MmmError('MMM_INTERNAL', `${opts.name}: ssl client without TLS material`);
      // Chain verification against the cluster CA is the trust boundary (as in MMM's ssl socket); host names
      // are not checked, because one cluster certificate usually serves every host of the cluster.
      this.#agent = new HttpsAgent({
        keepAlive: true,
        maxSockets: 4,
        cert: opts.tls.cert,
        key: opts.tls.key,
        ca: opts.tls.ca,
        rejectUnauthorized: true,
        checkServerIdentity: () => undefined,
      });
    } else {
      this.#agent = new HttpAgent({ keepAlive: true, maxSockets: 4 });
    }
  }

  get name(): string {
    return this.#opts.name;
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.#agent.destroy();
  }

  async get<T>(path: string, call?: CallOptions): Promise<T> {
    return this.request<T>('GET', path, undefined, call);
  }

  async put<T>(path: string, body: unknown, call?: CallOptions): Promise<T> {
    return this.request<T>('PUT', path, body, call);
  }

  async post<T>(path: string, body: unknown, call?: CallOptions): Promise<T> {
    return this.request<T>('POST', path, body, call);
  }

  async request<T>(method: HttpMethod, path: string, body: unknown, call?: CallOptions): Promise<T> {
    const o = this.#opts;
    const timeoutMs = call?.timeoutMs ?? o.timeoutMs;
    const connectTimeoutMs = call?.connectTimeoutMs ?? o.connectTimeoutMs;
    const what = `${o.name} (${o.host}:${o.port}) ${method} ${path}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = call?.signal === undefined ? timeout : AbortSignal.any([timeout, call.signal]);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (o.auth.type === 'token') headers['authorization'] = `Bearer ${o.auth.token.reveal()}`;

    let res: IncomingMessage;
    let text: string;
    try {
      res = await new Promise<IncomingMessage>((resolve, reject) => {
        const send = this.#secure ? httpsRequest : httpRequest;
        const req = send({ host: o.host, port: o.port, method, path, headers, agent: this.#agent, signal }, resolve);
        req.on('error', reject);
        if (connectTimeoutMs !== undefined)
          limitConnect(req, connectTimeoutMs, () => this.#connectError(what, connectTimeoutMs));
        req.end(payload);
      });
      text = await readBody(res);
    } catch (e) {
      throw this.#transportError(e, what, timeout, timeoutMs, call?.signal);
    }
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw remoteError(status, text, what);
    if (text.length === 0) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new MmmError('MMM_INTERNAL', `${what}: the answer is not JSON`);
    }
  }

  #connectError(what: string, connectTimeoutMs: number): MmmError {
    const code = this.#opts.unreachableCode ?? 'MMM_AGENT_UNREACHABLE';
    return new MmmError(code, `${what}: could not connect within ${connectTimeoutMs} ms`);
  }

  #transportError(e: unknown, what: string, timeout: AbortSignal, timeoutMs: number, caller?: AbortSignal): MmmError {
    if (timeout.aborted) return new MmmError('MMM_TIMEOUT', `${what}: no answer within ${timeoutMs} ms`);
    if (caller?.aborted === true) return new MmmError('MMM_TIMEOUT', `${what}: cancelled`);
    if (e instanceof MmmError) return e;
    const code = (e as { code?: unknown }).code;
    const reason = typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
    return new MmmError(this.#opts.unreachableCode ?? 'MMM_AGENT_UNREACHABLE', `${what}: ${reason}`, { cause: e });
  }
}

/** Destroys `req` with `error()` unless its socket is connected within `ms` (a fresh socket only). */
function limitConnect(req: ClientRequest, ms: number, error: () => Error): void {
  req.once('socket', (socket: Socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(() => req.destroy(error()), ms);
    const done = (): void => {
      clearTimeout(timer);
    };
    socket.once('connect', done);
    socket.once('close', done);
  });
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      res.destroy();
      throw new MmmError('MMM_INTERNAL', `answer larger than ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
