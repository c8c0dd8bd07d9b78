// Random HTTP requests for our APIs (agent, monitor), shared by the in-process fuzzers (test/security/unit) and
// the live ones against real daemons (test/security/integration): routes, methods, credentials, content types
// and bodies (random JSON, valid bodies with fields dropped, retyped or added, invalid JSON, oversize), and the
// contract every answer must meet.
import fc from 'fast-check';
import { expect } from 'vitest';

export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';

export const AGENT_ROUTES: readonly (readonly [Method, string])[] = [
  ['GET', '/v1/status'],
  ['GET', '/v1/lease'],
  ['GET', '/v1/disks'],
  ['PUT', '/v1/desired-state'],
  ['POST', '/v1/ops/fence'],
  ['POST', '/v1/ops/catch-up'],
  ['POST', '/v1/ops/promote'],
  ['POST', '/v1/ops/repoint'],
];
export const MONITOR_ROUTES: readonly (readonly [Method, string])[] = [
  ['POST', '/v1/command'],
  ['GET', '/v1/health'],
  ['GET', '/metrics'],
];

/** A valid body per route (route path → body); the mutated bodies start from these. */
export type ValidBodies = Readonly<Record<string, Record<string, unknown>>>;

/** Valid bodies for host `self` of a cluster whose hosts are db1..dbN at ip(n) with reader VIP readerIp. */
export function validBodies(self: string, ip: (n: number) => string, readerIp: string, epoch: number): ValidBodies {
  return {
    '/v1/desired-state': {
      host: self,
      epoch,
      seq: 1,
      state: 'ONLINE',
      roles: [{ role: 'reader', ip: readerIp }],
      activeMaster: 'db1',
    },
    '/v1/ops/fence': { host: self, epoch, reason: 'fuzz' },
    '/v1/ops/catch-up': { host: self, epoch, timeoutMs: 50, target: { gtid: '0-1-5' } },
    '/v1/ops/promote': { host: self, epoch, replication: 'keep' },
    '/v1/ops/repoint': {
      host: self,
      epoch,
      source: { host: 'db2', ip: ip(2), port: 3306 },
      position: { mode: 'gtid' },
    },
    '/v1/command': { args: ['show'] },
  };
}

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

export function mutateBody(valid: Record<string, unknown>, ms: readonly BodyMutation[]): Record<string, unknown> {
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

export type Auth = 'valid' | 'none' | 'wrong' | 'basic' | 'empty-bearer' | 'token-prefix' | 'lowercase';
export const BAD_AUTHS = ['none', 'wrong', 'basic', 'empty-bearer', 'token-prefix', 'lowercase'] as const;

/** The Authorization header of each kind of credentials, for this token. */
export function authHeader(a: Auth, token: string): Record<string, string> {
  switch (a) {
    case 'valid':
      return { authorization: `Bearer ${token}` };
    case 'none':
      return {};
    case 'wrong':
      return { authorization: `Bearer ${token.slice(0, -1)}${token.endsWith('X') ? 'Y' : 'X'}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`u:${token}`).toString('base64')}` };
    case 'empty-bearer':
      return { authorization: 'Bearer ' };
    case 'token-prefix':
      return { authorization: `Bearer ${token.slice(0, -1)}` };
    case 'lowercase':
      return { authorization: `Bearer ${token.toLowerCase()}` };
  }
}

export type Payload =
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

function bodyOf(p: Payload, url: string, valid: ValidBodies): string | undefined {
  switch (p.kind) {
    case 'none':
      return undefined;
    case 'json':
      return JSON.stringify(p.value);
    case 'mutated':
      return JSON.stringify(mutateBody(valid[url] ?? valid['/v1/desired-state'] ?? {}, p.ms));
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

export interface Req {
  readonly method: Method;
  readonly url: string;
  readonly auth: Auth;
  readonly type: string | undefined;
  readonly payload: Payload;
}

export const requestArb = (routes: readonly (readonly [Method, string])[]): fc.Arbitrary<Req> =>
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
        arbitrary: fc.constantFrom<Auth>(...BAD_AUTHS),
      },
    ),
    type: contentType,
    payload: payloadArb,
  });

/** A request as plain values: what inject() and node:http both take. */
export interface RenderedRequest {
  readonly method: Method;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string;
}

export function render(r: Req, token: string, valid: ValidBodies): RenderedRequest {
  const payload = bodyOf(r.payload, r.url.split('?')[0] ?? r.url, valid);
  return {
    method: r.method,
    url: r.url,
    headers: {
      ...authHeader(r.auth, token),
      ...(r.type === undefined || payload === undefined ? {} : { 'content-type': r.type }),
    },
    ...(payload === undefined ? {} : { payload }),
  };
}

/** What the contract looks at in an answer. */
export interface Answer {
  readonly statusCode: number;
  readonly body: string;
}

/** The answer contract every request must meet, whatever it was. */
export function expectContract(r: Req, res: Answer, token: string): void {
  const what = `${r.method} ${r.url.slice(0, 80)} (${r.auth}, ${r.type ?? 'no type'}, ${r.payload.kind}) → ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, what).toBeLessThan(500);
  if (r.auth !== 'valid') expect(res.statusCode, what).toBe(401);
  if (res.statusCode >= 400 && r.method !== 'HEAD') {
    const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown; retryable?: unknown } };
    expect(typeof body.error?.code, what).toBe('string');
    expect(body.error?.code, what).toMatch(/^MMM_[A-Z_]+$/);
    expect(typeof body.error?.message, what).toBe('string');
    expect((body.error?.message as string).length, what).toBeGreaterThan(0);
    expect(body.error?.message, what).not.toMatch(/\n\s+at /);
    expect(typeof body.error?.retryable, what).toBe('boolean');
  }
  expect(res.body, what).not.toContain(token);
}
