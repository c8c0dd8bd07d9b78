// The agent and monitor APIs under random requests, through their real fastify apps (buildAgentApp,
// createMonitorApi) with the agent's fake ports and the monitor's real command core: random methods, routes,
// headers, content types and bodies (random JSON, valid bodies with a field removed, added or of the wrong
// type, invalid JSON, oversize). Every answer is a 2xx or a 4xx with `{error: {code, message, retryable}}`,
// never a 5xx; a request without valid credentials is always 401, on every route; a refused request changes
// nothing on the host; an older (epoch, seq) than the newest accepted is always 409.
import fc from 'fast-check';
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
import {
  AGENT_ROUTES,
  BAD_AUTHS,
  MONITOR_ROUTES,
  authHeader,
  expectContract,
  render,
  requestArb,
  validBodies,
  type Answer,
  type Method,
  type Req,
} from '../requests.js';
import { COMMAND_WORDS } from './words.js';

const TOKEN = 'Fuzz-Token-5e1f-0123456789abcdef';
// MMM_FUZZ_RUNS raises the number of requests for a longer local run
const RUNS = Number(process.env['MMM_FUZZ_RUNS'] ?? 1000);
vi.setConfig({ testTimeout: 120_000 });
const VALID = validBodies('db1', (n) => `198.18.30.${10 + n}`, READER_IPS[0], 2);

async function send(app: HttpServer, r: Req): Promise<Answer> {
  return app.inject(render(r, TOKEN, VALID));
}

/** Every route with every kind of bad credentials (and a valid body) → 401 MMM_UNAUTHORIZED. */
async function expectAllRefused(app: HttpServer, routes: readonly (readonly [Method, string])[]): Promise<void> {
  for (const [method, url] of routes) {
    for (const auth of BAD_AUTHS) {
      const payload = VALID[url];
      const res = await app.inject({
        method,
        url,
        headers: authHeader(auth, TOKEN),
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
        expectContract(req, res, TOKEN);
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
                headers: authHeader('valid', TOKEN),
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
                headers: authHeader('valid', TOKEN),
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
      { numRuns: Math.ceil(RUNS / 20) },
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
        expectContract(req, await send(app, req), TOKEN);
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
          headers: authHeader('valid', TOKEN),
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
