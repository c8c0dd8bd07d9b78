// The agent API through fastify inject: authentication, bad input and stale epochs get the right 4xx with a
// clear message, and change nothing on the host.
import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { Secret } from '../../../common/config/secret.js';
import { createLogger } from '../../../common/log/index.js';
import type { HttpServer } from '../../../common/http/server.js';
import { buildAgentApp } from '../../../agent/server.js';
import { READER_IPS, rig, type Rig } from './fakes.js';

const TOKEN = 's3cret-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const body = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  host: 'db1',
  epoch: 2,
  seq: 1,
  state: 'ONLINE',
  roles: [{ role: 'reader', ip: READER_IPS[0] }],
  activeMaster: 'db1',
  ...over,
});

let app: HttpServer | undefined;
let logLines: string[] = [];

async function start(bodyLimit?: number): Promise<{ app: HttpServer; r: Rig }> {
  const r = await rig();
  logLines = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ name: 'test', level: 'debug', destination: sink });
  app = await buildAgentApp({
    agent: r.agent,
    auth: { type: 'token', token: new Secret(TOKEN) },
    logger,
    ...(bodyLimit === undefined ? {} : { bodyLimit }),
  });
  return { app, r };
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

interface ErrorJson {
  code: string;
  message: string;
  retryable: boolean;
  details?: unknown;
}
const errorOf = (res: { json: () => unknown }): ErrorJson => (res.json() as { error: ErrorJson }).error;

function unchanged(r: Rig): void {
  expect(r.network.calls).toEqual([]);
  expect(r.mysql.calls).toEqual([]);
  expect(r.store.current.stamp).toBeNull();
}

describe('agent API: authentication', () => {
  it.each([
    ['no token', {}, 'authentication required: send the header "Authorization: Bearer <token>"'],
    ['wrong token', { authorization: 'Bearer nope' }, 'invalid token'],
    [
      'not a bearer header',
      { authorization: `Basic ${TOKEN}` },
      'malformed Authorization header: expected "Bearer <token>"',
    ],
  ])('%s → 401, nothing changed', async (_name, headers, message) => {
    const { app, r } = await start();
    for (const req of [
      { method: 'PUT' as const, url: '/v1/desired-state', payload: body() },
      { method: 'GET' as const, url: '/v1/status' },
      { method: 'GET' as const, url: '/v1/no-such-route' },
    ]) {
      const res = await app.inject({ ...req, headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toEqual({ error: { code: 'MMM_UNAUTHORIZED', message, retryable: false } });
    }
    unchanged(r);
  });

  it('never logs the token', async () => {
    const { app } = await start();
    await app.inject({ method: 'PUT', url: '/v1/desired-state', headers: auth, payload: body() });
    await app.inject({
      method: 'PUT',
      url: '/v1/desired-state',
      headers: { authorization: 'Bearer wrong-one' },
      payload: body(),
    });
    const all = logLines.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('wrong-one');
  });
});

describe('agent API: bad input', () => {
  it.each([
    ['missing field', body({ epoch: undefined }), 'body.epoch is required'],
    ['wrong type', body({ seq: '1' }), 'body.seq must be integer'],
    ['unknown field', body({ force: true }), 'body.force is not a known field'],
    [
      'bad state',
      body({ state: 'BROKEN' }),
      'body.state must be one of ["ONLINE","ADMIN_OFFLINE","HARD_OFFLINE","AWAITING_RECOVERY","REPLICATION_DELAY","REPLICATION_FAIL"]',
    ],
    ['role entry without ip', body({ roles: [{ role: 'reader' }] }), 'body.roles[0].ip is required'],
    ['negative epoch', body({ epoch: -1 }), 'body.epoch must be >= 0'],
  ])('%s → 400 naming the field', async (_name, payload, message) => {
    const { app, r } = await start();
    const res = await app.inject({ method: 'PUT', url: '/v1/desired-state', headers: auth, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'MMM_BAD_REQUEST', message, retryable: false } });
    unchanged(r);
  });

  it('malformed JSON → 400', async () => {
    const { app, r } = await start();
    const res = await app.inject({
      method: 'PUT',
      url: '/v1/desired-state',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"host": "db1", "epoch": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'MMM_BAD_REQUEST', message: 'request body is not valid JSON', retryable: false },
    });
    unchanged(r);
  });

  it('oversize body → 413 naming the limit', async () => {
    const { app, r } = await start(1024);
    const payload = body({ roles: Array.from({ length: 40 }, (_, i) => ({ role: 'reader', ip: `198.18.30.${i}` })) });
    const res = await app.inject({ method: 'PUT', url: '/v1/desired-state', headers: auth, payload });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      error: {
        code: 'MMM_PAYLOAD_TOO_LARGE',
        message: 'request body is larger than the limit of 1024 bytes',
        retryable: false,
      },
    });
    unchanged(r);
  });

  it('wrong content type → 4xx', async () => {
    const { app, r } = await start();
    const res = await app.inject({
      method: 'PUT',
      url: '/v1/desired-state',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(res.statusCode).toBe(415);
    expect(errorOf(res).message).toBe('unsupported Content-Type; send application/json');
    unchanged(r);
  });

  it('unknown role IP → 422', async () => {
    const { app, r } = await start();
    const res = await app.inject({
      method: 'PUT',
      url: '/v1/desired-state',
      headers: auth,
      payload: body({ roles: [{ role: 'reader', ip: '198.18.30.77' }] }),
    });
    expect(res.statusCode).toBe(422);
    expect(errorOf(res)).toEqual({
      code: 'MMM_UNKNOWN_ROLE_IP',
      message: `role reader(198.18.30.77): 198.18.30.77 is not an IP of role 'reader' (configured: ${READER_IPS.join(', ')})`,
      retryable: false,
    });
    unchanged(r);
  });

  it('expired epoch → 409 and nothing changed', async () => {
    const { app, r } = await start();
    const ok = await app.inject({
      method: 'PUT',
      url: '/v1/desired-state',
      headers: auth,
      payload: body({ epoch: 5, seq: 3 }),
    });
    expect(ok.statusCode).toBe(200);
    const calls = [...r.network.calls];
    const res = await app.inject({
      method: 'PUT',
      url: '/v1/desired-state',
      headers: auth,
      payload: body({ epoch: 4, seq: 9, roles: [] }),
    });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('MMM_STALE_EPOCH');
    expect(errorOf(res).details).toEqual({ applied: { epoch: 5, seq: 3 }, received: { epoch: 4, seq: 9 } });
    expect(r.network.calls).toEqual(calls);
    const fence = await app.inject({
      method: 'POST',
      url: '/v1/ops/fence',
      headers: auth,
      payload: { host: 'db1', epoch: 4 },
    });
    expect(fence.statusCode).toBe(409);
    expect(r.mysql.calls).toEqual([]);
  });

  it('unknown route → 404 JSON', async () => {
    const { app } = await start();
    const res = await app.inject({ method: 'GET', url: '/v1/nothing?x=1', headers: auth });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: 'MMM_NOT_FOUND', message: 'no route GET /v1/nothing', retryable: false },
    });
  });

  it.each([
    ['/v1/ops/catch-up', { host: 'db1', epoch: 1 }, 'body.timeoutMs is required'],
    [
      '/v1/ops/promote',
      { host: 'db1', epoch: 1, replication: 'drop' },
      'body.replication must be one of ["keep","stop","reset"]',
    ],
    [
      '/v1/ops/repoint',
      { host: 'db1', epoch: 1, source: { host: 'db2', ip: '198.18.30.12', port: 70000 }, position: { mode: 'gtid' } },
      'body.source.port must be <= 65535',
    ],
  ])('%s with bad input → 400', async (url, payload, message) => {
    const { app, r } = await start();
    const res = await app.inject({ method: 'POST', url, headers: auth, payload });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).message).toBe(message);
    unchanged(r);
  });
});

describe('agent API: routes', () => {
  it('serves desired state, status, lease and the operations', async () => {
    const { app, r } = await start();
    const put = await app.inject({ method: 'PUT', url: '/v1/desired-state', headers: auth, payload: body() });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      changed: true,
      stamp: { epoch: 2, seq: 1 },
      steps: [{ action: 'add-vip', ok: true }],
    });
    const status = await app.inject({ method: 'GET', url: '/v1/status', headers: auth });
    expect(status.json()).toMatchObject({
      host: 'db1',
      hostState: 'ONLINE',
      vips: { bound: [{ role: 'reader', ip: READER_IPS[0] }] },
    });
    const lease = await app.inject({ method: 'GET', url: '/v1/lease', headers: auth });
    expect(lease.json()).toMatchObject({ host: 'db1', epoch: 2 });
    const promote = await app.inject({
      method: 'POST',
      url: '/v1/ops/promote',
      headers: auth,
      payload: { host: 'db1', epoch: 2, replication: 'stop' },
    });
    expect(promote.statusCode).toBe(200);
    expect(r.mysql.readOnly).toBe(false);
    const timeout = await app.inject({
      method: 'POST',
      url: '/v1/ops/catch-up',
      headers: auth,
      payload: { host: 'db1', epoch: 2, timeoutMs: 100 },
    });
    // replication was stopped but not reset: the wait runs and the fake says timeout
    r.mysql.waitResult = 'timeout';
    const t2 = await app.inject({
      method: 'POST',
      url: '/v1/ops/catch-up',
      headers: auth,
      payload: { host: 'db1', epoch: 2, timeoutMs: 100 },
    });
    expect(timeout.statusCode).toBe(200);
    expect(t2.statusCode).toBe(504);
    expect(errorOf(t2).code).toBe('MMM_CATCHUP_TIMEOUT');
  });
});
