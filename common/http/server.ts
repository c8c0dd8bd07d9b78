// The fastify factory behind every mysql-mmm-ng API (agent and monitor). It gives each app the same rules:
// authentication on every route (404s included, so an anonymous caller learns nothing about the routes),
// strict schema validation, a body limit, and one JSON error shape. Listening is left to the daemon's main.
import type { Server as HttpsServer } from 'node:https';
import { fastify, LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from '../log/index.js';
import { MmmError } from '../errors/index.js';
import { checkBearer, loadTlsMaterial, type HttpAuth } from './auth.js';
import { mapError } from './errors.js';

export const DEFAULT_BODY_LIMIT = 64 * 1024;

export interface HttpServerOptions {
  readonly auth: HttpAuth;
  readonly logger: Logger;
  /** Largest accepted request body in bytes (default 64 KiB; our requests are a few hundred bytes). */
  readonly bodyLimit?: number;
}

/** The raw server is https.Server only when auth is ssl; the type names the wider of the two. */
export type HttpServer = FastifyInstance<HttpsServer, never, never, Logger>;

function authenticate(auth: HttpAuth, req: FastifyRequest): void {
  switch (auth.type) {
    case 'token':
      checkBearer(req.headers.authorization, auth.token);
      return;
    case 'ssl': {
      // requestCert + rejectUnauthorized already refused the handshake without a CA-signed client
      // certificate; this check keeps that true if someone ever relaxes the TLS options.
      const socket = req.raw.socket as { authorized?: boolean };
      if (socket.authorized !== true)
        throw new MmmError('MMM_UNAUTHORIZED', 'a client certificate signed by the cluster CA is required');
      return;
    }
    case 'plain':
      return;
  }
}

export async function createHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const tls = opts.auth.type === 'ssl' ? await loadTlsMaterial(opts.auth) : undefined;
  const app = fastify({
    https:
      tls === undefined
        ? null
        : { cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: true },
    loggerInstance: opts.logger,
    // Requests are logged once, at debug, by the onResponse hook below: the monitor calls every second.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    // Strict input: no type coercion, unknown fields are an error (not silently dropped).
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    return503OnClosing: true,
  }) as unknown as HttpServer;

  // JSON only: a text/plain body would otherwise reach the schema as a string.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', (req, _reply, done) => {
    try {
      authenticate(opts.auth, req);
      done();
    } catch (e) {
      done(e as Error);
    }
  });
  app.addHook('onResponse', (req, reply, done) => {
    req.log.debug(
      { method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
    done();
  });

  app.setNotFoundHandler((req) => {
    throw new MmmError('MMM_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0] ?? ''}`);
  });

  app.setErrorHandler(async (err, req, reply) => {
    const mapped = mapError(err, bodyLimit);
    if (mapped.serverFault) {
      req.log.error({ err, method: req.method, url: req.url }, 'request failed');
    } else {
      req.log.info(
        { method: req.method, url: req.url, status: mapped.status, code: mapped.body.error.code },
        mapped.body.error.message,
      );
    }
    if (mapped.status === 401 && opts.auth.type === 'token') void reply.header('www-authenticate', 'Bearer');
    return reply.code(mapped.status).send(mapped.body);
  });

  return app;
}
