// The agent and monitor APIs under random requests, through their real fastify apps (buildAgentApp,
// createMonitorApi) with the agent's fake ports and the monitor's real command core: random methods, routes,
// headers, content types and bodies (random JSON, valid bodies with a field removed, added or of the wrong
// type, invalid JSON, oversize). Every answer is a 2xx or a 4xx with `{error: {code, message, retryable}}`,
// never a 5xx; a request without valid credentials is always 401, on every route; a refused request changes
// nothing on the host; an older (epoch, seq) than the newest accepted is always 409.
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CommandResponse } from '../../../common/api/monitor.js';
import { Secret } from '../../../common/config/secret.js';
import type { HttpServer } from '../../../common/http/server.js';
import { silentLogger } from '../../../common/log/index.js';
import { buildAgentApp } from '../../../agent/server.js';
import { createMonitorApi } from '../../../monitor/api.js';
import type { MonitorDaemon } from '../../../monitor/daemon.js';
import { READER_IPS, rig, type Rig } from '../../unit/agent/fakes.js';
import { command, model, seedConfig } from '../../unit/monitor/core/fixtures.js';
import { COMMAND_WORDS } from './words.js';

const TOKEN = 'Fuzz-Token-5e1f-0123456789abcdef';
// MMM_FUZZ_RUNS raises the number of requests for a longer local run
const RUNS = Number(process.env['MMM_FUZZ_RUNS'] ?? 1000);
vi.setConfig({ testTimeout: 120_000 });
type Method = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';

const AGENT_ROUTES: readonly (readonly [Method, string])[] = [
  ['GET', '/v1/status'],
  ['GET', '/v1/lease'],
  ['PUT', '/v1/desired-state'],
  ['POST', '/v1/ops/fence'],
  ['POST', '/v1/ops/catch-up'],
  ['POST', '/v1/ops/promote'],
  ['POST', '/v1/ops/repoint'],
];
const MONITOR_ROUTES: readonly (readonly [Method, string])[] = [
  ['POST', '/v1/command'],
  ['GET', '/v1/health'],
  ['GET', '/metrics'],
];

/** Valid bodies of the agent's routes (for host db1 of the fake cluster). */
const VALID: Readonly<Record<string, Record<string, unknown>>> = {
  '/v1/desired-state': {
    host: 'db1',
    epoch: 2,
    seq: 1,
    state: 'ONLINE',
    roles: [{ role: 'reader', ip: READER_IPS[0] }],
    activeMaster: 'db1',
  },
  '/v1/ops/fence': { host: 'db1', epoch: 2, reason: 'fuzz' },
  '/v1/ops/catch-up': { host: 'db1', epoch: 2, timeoutMs: 50, target: { gtid: '0-1-5' } },
  '/v1/ops/promote': { host: 'db1', epoch: 2, replication: 'keep' },
  '/v1/ops/repoint': {
    host: 'db1',
    epoch: 2,
    source: { host: 'db2', ip: '198.18.30.12', port: 3306 },
    position: { mode: 'gtid' },
  },
  '/v1/command': { args: ['show'] },
};

const weird = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    -1,
    1.5,
    Number.MAX_SAFE_INTEGER + 2,
    1e308,
    '',
    'x'.repeat(70_000),
    '\u0000',
    '../../etc/passwd',
    '198.18.30.11; rm -rf /',
    "' OR 1=1 --",
    { $gt: 0 },
    [[[[[]]]]],
    null,
    true,
  ),
);

type BodyMutation =
  | { kind: 'drop'; at: number }
  | { kind: 'retype'; at: number; value: unknown }
  | { kind: 'extra'; key: string; value: unknown }
  | { kind: 'nested'; at: number; value: unknown };

const bodyMutation: fc.Arbitrary<BodyMutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value: weird }),
  fc.record({
    kind: fc.constant('extra' as const),
    key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'force')),
    value: weird,
  }),
  fc.record({ kind: fc.constant('nested' as const), at: fc.nat(), value: weird }),
);

function mutateBody(valid: Record<string, unknown>, ms: readonly BodyMutation[]): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(valid);
  for (const m of ms) {
    const keys = Object.keys(out);
    const key = keys[('at' in m ? m.at : 0) % Math.max(keys.length, 1)] ?? 'x';
    switch (m.kind) {
      case 'drop':
        Reflect.deleteProperty(out, key);
        break;
      case 'retype':
        out[key] = m.value;
        break;
      case 'extra':
        // defineProperty so '__proto__' becomes an own key, as JSON.parse would make it
        Object.defineProperty(out, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
        break;
      case 'nested': {
        const inner = out[key];
        if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) {
          const ik = Object.keys(inner)[0] ?? 'x';
          out[key] = { ...(inner as Record<string, unknown>), [ik]: m.value };
        } else if (Array.isArray(inner)) out[key] = [...(inner as unknown[]), m.value];
        else out[key] = { inner: m.value };
      }
    }
  }
  return out;
}

type Auth = 'valid' | 'none' | 'wrong' | 'basic' | 'empty-bearer' | 'token-prefix' | 'lowercase';
const authHeader = (a: Auth): Record<string, string> => {
  switch (a) {
    case 'valid':
      return { authorization: `Bearer ${TOKEN}` };
    case 'none':
      return {};
    case 'wrong':
      return { authorization: 'Bearer Fuzz-Token-5e1f-0123456789abcdeX' };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` };
    case 'empty-bearer':
      return { authorization: 'Bearer ' };
    case 'token-prefix':
      return { authorization: `Bearer ${TOKEN.slice(0, -1)}` };
    case 'lowercase':
      return { authorization: `Bearer ${TOKEN.toLowerCase()}` };
  }
};

type Payload =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'mutated'; ms: BodyMutation[] }
  | { kind: 'raw'; text: string }
  | { kind: 'oversize'; bytes: number };

const payloadArb: fc.Arbitrary<Payload> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('json' as const), value: fc.jsonValue() }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('mutated' as const),
      ms: fc.array(bodyMutation, { minLength: 0, maxLength: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      text: fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.constantFrom('{', '{"host":', '[1,', 'null', '"x"', '{"a":1}{"b":2}', '\uFEFF{}', '{"a":NaN}', '{}'),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('oversize' as const), bytes: fc.integer({ min: 65_537, max: 300_000 }) }),
  },
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'APPLICATION/JSON',
  'application/jsonx',
  undefined,
);

function bodyOf(p: Payload, url: string): string | undefined {
  switch (p.kind) {
    case 'none':
      return undefined;
    case 'json':
      return JSON.stringify(p.value);
    case 'mutated':
      return JSON.stringify(mutateBody(VALID[url] ?? VALID['/v1/desired-state'] ?? {}, p.ms));
    case 'raw':
      return p.text;
    case 'oversize':
      return JSON.stringify({ host: 'db1', pad: 'x'.repeat(p.bytes) });
  }
}

const pathArb = (routes: readonly (readonly [Method, string])[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...routes.map((r) => r[1])) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...routes.map((r) => r[1])),
          fc.constantFrom('/', '?', '?x=1&x=2', '/../..', '%00', '#f', '//', '.json', '?__proto__[a]=1'),
        )
        .map(([p, s]) => p + s),
    },
    // a request line always has a path: inject() cannot send an empty one
    { weight: 1, arbitrary: fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '/',
        '/v1',
        '/v2/status',
        '/V1/STATUS',
        `/${'a'.repeat(5000)}`,
        '/v1/ops/%2e%2e/status',
        '*',
      ),
    },
  );

interface Req {
  readonly method: Method;
  readonly url: string;
  readonly auth: Auth;
  readonly type: string | undefined;
  readonly payload: Payload;
}

const requestArb = (routes: readonly (readonly [Method, string])[]): fc.Arbitrary<Req> =>
  fc.record({
    method: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom<Method>('GET', 'PUT', 'POST') },
      { weight: 1, arbitrary: fc.constantFrom<Method>('DELETE', 'PATCH', 'HEAD', 'OPTIONS') },
    ),
    url: pathArb(routes),
    auth: fc.oneof(
      { weight: 4, arbitrary: fc.constant<Auth>('valid') },
      {
        weight: 1,
        arbitrary: fc.constantFrom<Auth>('none', 'wrong', 'basic', 'empty-bearer', 'token-prefix', 'lowercase'),
      },
    ),
    type: contentType,
    payload: payloadArb,
  });

async function send(app: HttpServer, r: Req): Promise<LightMyRequestResponse> {
  const payload = bodyOf(r.payload, r.url.split('?')[0] ?? r.url);
  return app.inject({
    method: r.method,
    url: r.url,
    headers: {
      ...authHeader(r.auth),
      ...(r.type === undefined || payload === undefined ? {} : { 'content-type': r.type }),
    },
    ...(payload === undefined ? {} : { payload }),
  });
}

/** The answer contract every request must meet, whatever it was. */
function expectContract(r: Req, res: LightMyRequestResponse): void {
  const what = `${r.method} ${r.url.slice(0, 80)} (${r.auth}, ${r.type ?? 'no type'}, ${r.payload.kind}) → ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, what).toBeLessThan(500);
  if (r.auth !== 'valid') expect(res.statusCode, what).toBe(401);
  if (res.statusCode >= 400 && r.method !== 'HEAD') {
    const body = res.json<{ error?: { code?: unknown; message?: unknown; retryable?: unknown } }>();
    expect(typeof body.error?.code, what).toBe('string');
    expect(body.error?.code, what).toMatch(/^MMM_[A-Z_]+$/);
    expect(typeof body.error?.message, what).toBe('string');
    expect((body.error?.message as string).length, what).toBeGreaterThan(0);
    expect(body.error?.message, what).not.toMatch(/\n\s+at /);
    expect(typeof body.error?.retryable, what).toBe('boolean');
  }
  expect(res.body, what).not.toContain(TOKEN);
}

/** Every route with every kind of bad credentials (and a valid body) → 401 MMM_UNAUTHORIZED. */
async function expectAllRefused(app: HttpServer, routes: readonly (readonly [Method, string])[]): Promise<void> {
  for (const [method, url] of routes) {
    for (const auth of ['none', 'wrong', 'basic', 'empty-bearer', 'token-prefix', 'lowercase'] as const) {
      const payload = VALID[url];
      const res = await app.inject({
        method,
        url,
        headers: authHeader(auth),
        ...(payload === undefined ? {} : { payload }),
      });
      expect(res.statusCode, `${method} ${url} ${auth}`).toBe(401);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('MMM_UNAUTHORIZED');
    }
  }
}

describe('agent API fuzzing (buildAgentApp with fake ports)', () => {
  let r: Rig;
  let app: HttpServer;
  beforeAll(async () => {
    r = await rig();
    app = await buildAgentApp({
      agent: r.agent,
      auth: { type: 'token', token: new Secret(TOKEN) },
      logger: silentLogger(),
    });
  });
  afterAll(async () => app.close());

  it('random requests: 2xx or 4xx with the error shape, never 5xx; 401 without valid credentials; refusals change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb(AGENT_ROUTES), async (req) => {
        const before = [r.network.calls.length, r.mysql.calls.length, JSON.stringify(r.store.current)];
        const res = await send(app, req);
        expectContract(req, res);
        if (res.statusCode >= 400) {
          expect([r.network.calls.length, r.mysql.calls.length, JSON.stringify(r.store.current)]).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('every route and method refuses missing and wrong credentials with 401 and does nothing', async () => {
    const fresh = await rig();
    const a = await buildAgentApp({
      agent: fresh.agent,
      auth: { type: 'token', token: new Secret(TOKEN) },
      logger: silentLogger(),
    });
    await expectAllRefused(a, [...AGENT_ROUTES, ['DELETE', '/v1/status'], ['GET', '/nowhere']]);
    expect(fresh.network.calls).toEqual([]);
    expect(fresh.mysql.calls).toEqual([]);
    expect(fresh.store.current.stamp).toBeNull();
    await a.close();
  });

  it('replayed older (epoch, seq) desired states and operations with an older epoch are refused with 409', async () => {
    const stamp = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }));
    const step = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('desired' as const), stamp }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constantFrom('fence' as const, 'promote' as const),
          epoch: fc.integer({ min: 0, max: 6 }),
        }),
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const fresh = await rig();
        const a = await buildAgentApp({
          agent: fresh.agent,
          auth: { type: 'token', token: new Secret(TOKEN) },
          logger: silentLogger(),
        });
        let newest: [number, number] | undefined;
        const older = (e: number, s: number): boolean =>
          newest !== undefined && (e < newest[0] || (e === newest[0] && s < newest[1]));
        try {
          for (const st of steps) {
            if (st.kind === 'desired') {
              const [epoch, seq] = st.stamp;
              const res = await a.inject({
                method: 'PUT',
                url: '/v1/desired-state',
                headers: authHeader('valid'),
                payload: { ...VALID['/v1/desired-state'], epoch, seq, roles: [] },
              });
              if (older(epoch, seq)) {
                expect(res.statusCode, JSON.stringify(steps)).toBe(409);
                expect(res.json<{ error: { code: string; details: unknown } }>().error).toMatchObject({
                  code: 'MMM_STALE_EPOCH',
                  details: { applied: { epoch: newest?.[0], seq: newest?.[1] }, received: { epoch, seq } },
                });
              } else {
                expect(res.statusCode, res.body).toBe(200);
                newest = [epoch, seq];
              }
            } else {
              const res = await a.inject({
                method: 'POST',
                url: `/v1/ops/${st.kind}`,
                headers: authHeader('valid'),
                payload: { ...VALID[`/v1/ops/${st.kind}`], epoch: st.epoch },
              });
              if (newest !== undefined && st.epoch < newest[0]) {
                expect(res.statusCode, JSON.stringify(steps)).toBe(409);
                expect(res.json<{ error: { code: string } }>().error.code).toBe('MMM_STALE_EPOCH');
              } else {
                expect(res.statusCode, res.body).toBeLessThan(500);
                if (res.statusCode === 200 && (newest === undefined || st.epoch > newest[0])) newest = [st.epoch, 0];
              }
            }
          }
        } finally {
          await a.close();
        }
      }),
      { numRuns: Math.ceil(RUNS / 10) },
    );
  });
});

describe('monitor API fuzzing (createMonitorApi with the real command core)', () => {
  let app: HttpServer;
  beforeAll(async () => {
    const config = seedConfig();
    const m = model(config);
    const daemon = {
      config,
      model: m,
      epoch: 7,
      tickStats: { count: 0, lastDurationMs: 0, lastAt: 0 },
      command: (args: readonly string[]): Promise<CommandResponse> => Promise.resolve(command(m, args).response),
      checkStatuses: () => ({}),
      checksMetrics: () => ({ hosts: {} }),
    } as unknown as MonitorDaemon;
    app = await createMonitorApi(daemon, { type: 'token', token: new Secret(TOKEN) }, silentLogger());
  });
  afterAll(async () => app.close());

  it('random requests: 2xx or 4xx with the error shape, never 5xx; 401 without valid credentials', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb(MONITOR_ROUTES), async (req) => {
        expectContract(req, await send(app, req));
      }),
      { numRuns: RUNS },
    );
  });

  it('random command words: the answer is MMM text with exit code 0, 1 or 2', async () => {
    const word = fc.oneof(
      fc.constantFrom(...COMMAND_WORDS, ''),
      fc.string({ maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 5 }), async (args) => {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/command',
          headers: authHeader('valid'),
          payload: { args },
        });
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json<CommandResponse>();
        expect([0, 1, 2]).toContain(body.exitCode);
        expect(body.ok).toBe(body.exitCode === 0);
        if (body.exitCode === 1) expect(body.text).toMatch(/^ERROR: /);
        if (body.exitCode === 2) expect(body.text).toMatch(/^Invalid command/);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('every route and method refuses missing and wrong credentials with 401', async () => {
    await expectAllRefused(app, [...MONITOR_ROUTES, ['DELETE', '/v1/command'], ['GET', '/nowhere']]);
  });
});
