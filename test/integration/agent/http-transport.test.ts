// The shared HTTP plumbing over real sockets on loopback: the JSON client against the server factory with a
// bearer token and with mutual TLS (certificates made by openssl for this test), deadlines, unreachable
// servers, and remote errors arriving as the same MmmError.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../common/config/secret.js';
import { MmmError } from '../../../common/errors/index.js';
import { loadTlsMaterial, type HttpAuth, type TlsFiles } from '../../../common/http/auth.js';
import { JsonClient } from '../../../common/http/client.js';
import { failure } from './failure.js';
import { createHttpServer, type HttpServer } from '../../../common/http/server.js';
import { silentLogger } from '../../../common/log/index.js';

let dir: string;
let good: TlsFiles;
let rogue: TlsFiles;
const servers: HttpServer[] = [];
const clients: JsonClient[] = [];

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA and one leaf certificate signed by it (usable as server and client certificate). */
function makePki(name: string): TlsFiles {
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1\n',
  );
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}-ca`,
    '-keyout',
    `${name}-ca.key`,
    '-out',
    `${name}-ca.pem`,
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${name}-ca.pem`,
    '-CAkey',
    `${name}-ca.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    ext,
    '-out',
    `${name}.pem`,
  );
  return { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`), caFile: join(dir, `${name}-ca.pem`) };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mmm-tls-'));
  good = makePki('cluster');
  rogue = makePki('rogue');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});

async function serve(auth: HttpAuth): Promise<number> {
  const app = await createHttpServer({ auth, logger: silentLogger() });
  app.get('/v1/ping', () => ({ pong: true }));
  app.get('/v1/slow', async () => {
    await sleep(1000);
    return { late: true };
  });
  app.post<{ Body: { n: number } }>(
    '/v1/echo',
    {
      schema: {
        body: { type: 'object', required: ['n'], additionalProperties: false, properties: { n: { type: 'integer' } } },
      },
    },
    (req) => ({ n: req.body.n }),
  );
  app.get('/v1/refuse', () => {
    throw new MmmError('MMM_STALE_EPOCH', 'epoch 3 refused', { details: { applied: 4 } });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  servers.push(app);
  return (app.server.address() as AddressInfo).port;
}

function client(
  port: number,
  auth: HttpAuth,
  extra: { tls?: Awaited<ReturnType<typeof loadTlsMaterial>>; timeoutMs?: number } = {},
): JsonClient {
  const c = new JsonClient({
    name: 'agent db1',
    host: '127.0.0.1',
    port,
    auth,
    timeoutMs: extra.timeoutMs ?? 2000,
    ...(extra.tls === undefined ? {} : { tls: extra.tls }),
  });
  clients.push(c);
  return c;
}

const TOKEN = 'tok-9f8e7d6c';
const tokenAuth = (t: string): HttpAuth => ({ type: 'token', token: new Secret(t) });

describe('JSON client and server with a bearer token', () => {
  it('calls GET and POST routes', async () => {
    const port = await serve(tokenAuth(TOKEN));
    const c = client(port, tokenAuth(TOKEN));
    expect(await c.get('/v1/ping')).toEqual({ pong: true });
    expect(await c.post('/v1/echo', { n: 7 })).toEqual({ n: 7 });
  });

  it('a wrong token is MMM_UNAUTHORIZED, and no error text holds a token', async () => {
    const port = await serve(tokenAuth(TOKEN));
    const e = await failure(client(port, tokenAuth('wrong-token-123')).get('/v1/ping'));
    expect(e.code).toBe('MMM_UNAUTHORIZED');
    expect(e.message).toBe('invalid token');
    expect(JSON.stringify(e.toJSON())).not.toMatch(/tok-9f8e7d6c|wrong-token-123/);
  });

  it('brings remote errors back with their code, message and details; bad input is a 4xx', async () => {
    const port = await serve(tokenAuth(TOKEN));
    const c = client(port, tokenAuth(TOKEN));
    const e = await failure(c.get('/v1/refuse'));
    expect(e).toMatchObject({
      code: 'MMM_STALE_EPOCH',
      status: 409,
      message: 'epoch 3 refused',
      details: { applied: 4 },
    });
    const bad = await failure(c.post('/v1/echo', { n: 'x' }));
    expect(bad).toMatchObject({ code: 'MMM_BAD_REQUEST', message: 'body.n must be integer' });
    expect((await failure(c.get('/v1/none'))).code).toBe('MMM_NOT_FOUND');
  });

  it('gives up at the deadline with MMM_TIMEOUT', async () => {
    const port = await serve(tokenAuth(TOKEN));
    const c = client(port, tokenAuth(TOKEN), { timeoutMs: 150 });
    const started = performance.now();
    const e = await failure(c.get('/v1/slow'));
    expect(e.code).toBe('MMM_TIMEOUT');
    expect(e.message).toBe('agent db1 (127.0.0.1:' + String(port) + ') GET /v1/slow: no answer within 150 ms');
    expect(performance.now() - started).toBeLessThan(900);
    // per-call deadline overrides the client's default
    expect(await c.get('/v1/slow', { timeoutMs: 3000 })).toEqual({ late: true });
  });

  it('a closed port is MMM_AGENT_UNREACHABLE', async () => {
    const port = await serve(tokenAuth(TOKEN));
    await servers.pop()?.close();
    const e = await failure(client(port, tokenAuth(TOKEN)).get('/v1/ping'));
    expect(e.code).toBe('MMM_AGENT_UNREACHABLE');
    expect(e.message).toContain('ECONNREFUSED');
  });
});

describe('JSON client and server with mutual TLS (<socket> type ssl)', () => {
  it('accepts a client certificate from the cluster CA', async () => {
    const auth: HttpAuth = { type: 'ssl', ...good };
    const port = await serve(auth);
    const c = client(port, auth, { tls: await loadTlsMaterial(good) });
    expect(await c.get('/v1/ping')).toEqual({ pong: true });
  });

  it('refuses a client without a certificate, or with one from another CA', async () => {
    const auth: HttpAuth = { type: 'ssl', ...good };
    const port = await serve(auth);
    const material = await loadTlsMaterial(good);
    const noCert = client(port, auth, { tls: { ...material, cert: Buffer.alloc(0), key: Buffer.alloc(0) } });
    expect((await failure(noCert.get('/v1/ping'))).code).toBe('MMM_AGENT_UNREACHABLE');
    const rogueMaterial = await loadTlsMaterial(rogue);
    const wrongCa = client(port, auth, { tls: { ...rogueMaterial, ca: material.ca } });
    expect((await failure(wrongCa.get('/v1/ping'))).code).toBe('MMM_AGENT_UNREACHABLE');
  });

  it('the client refuses a server whose certificate is not from the cluster CA', async () => {
    const port = await serve({ type: 'ssl', ...rogue });
    const c = client(port, { type: 'ssl', ...good }, { tls: await loadTlsMaterial(good) });
    const e = await failure(c.get('/v1/ping'));
    expect(e.code).toBe('MMM_AGENT_UNREACHABLE');
  });

  it('a missing certificate file is a clear configuration error', async () => {
    await expect(
      createHttpServer({ auth: { type: 'ssl', ...good, keyFile: join(dir, 'nope.key') }, logger: silentLogger() }),
    ).rejects.toThrow(`<socket> key_file '${join(dir, 'nope.key')}' cannot be read`);
  });
});
