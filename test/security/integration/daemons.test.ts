// The real daemons on a 4-host lab (id 120): mmm_agentd in every namespace and mmm_mond in the root namespace
// (child processes through tsx, as test/integration/monitor/daemon.test.ts), run with distinctive MySQL
// passwords and a distinctive token. Errors are provoked on purpose — a wrong MySQL password for one host's
// checks and for one agent, an isolated host, unauthenticated and malformed requests, random requests over
// real HTTP, stale epochs, a broken config reloaded with SIGHUP, --check-config, mmm_control with a wrong
// token and with garbage — and then every byte of every log, stdout and stderr is scanned: no secret may
// appear. The fuzzed requests get a 4xx with the error shape (never a 5xx), every route refuses missing and
// wrong credentials, and an older epoch than the monitor's is refused with 409.
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResponse } from '../../../common/api/monitor.js';
import { Cluster, ROOT, TS_NODE, until } from '../../chaos/cluster.js';
import { LAB_GRANTS, LAB_USERS, type Lab } from '../../lab/index.js';
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
  type RenderedRequest,
  type Req,
  type ValidBodies,
} from '../requests.js';

const run = promisify(execFile);
const ID = 120;
const HOSTS = ['db1', 'db2', 'db3', 'db4'] as const;
const LIVE_RUNS = Number(process.env['MMM_FUZZ_LIVE_RUNS'] ?? 150);

/** Every value here must never appear in any output. */
const SECRETS = {
  agent: 'AgentPw-Sec120-q7Zr',
  monitor: 'MonPw-Sec120-k2Vx',
  repl: 'ReplPw-Sec120-p9Lm',
  token: 'Token-Sec120-w4Hn-0123456789',
  wrongMonitor: 'WrongMonPw-Sec120-j3Tq',
  wrongAgent: 'WrongAgentPw-Sec120-b8Ys',
  wrongToken: 'WrongToken-Sec120-z5Kc-abcdef',
} as const;
const USERS = { agent: 'sec_agent', monitor: 'sec_monitor', repl: 'sec_repl' } as const;

let c: Cluster;
let lab: Lab;
let readerIps: readonly string[];

interface Exchange extends Answer {
  readonly error?: string;
}

/** One request over real HTTP (node:http: any method, any body, any content type). */
async function send(host: string, port: number, r: RenderedRequest): Promise<Exchange> {
  return new Promise((done) => {
    const req = request(
      {
        host,
        port,
        method: r.method,
        path: r.url,
        headers: {
          ...r.headers,
          ...(r.payload === undefined ? {} : { 'content-length': String(Buffer.byteLength(r.payload)) }),
        },
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          done({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      done({ statusCode: 0, body: '', error: e.code ?? e.message });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(r.payload);
  });
}

const monitorRequest = async (r: RenderedRequest): Promise<Exchange> => send('127.0.0.1', c.apiPort, r);
const agentRequest = async (h: string, r: RenderedRequest): Promise<Exchange> => send(lab.host(h).ip, 9989, r);

/**
 * True when the daemon answered. The one exception: the server answers an oversize body with 413 and closes
 * the connection before the client has sent it all, so the client may see EPIPE/ECONNRESET instead.
 */
function answered(req: Req, res: Exchange): boolean {
  if (res.error === undefined) return true;
  expect(req.payload.kind, `no answer: ${res.error}`).toBe('oversize');
  expect(res.error).toMatch(/^(EPIPE|ECONNRESET)$/);
  return false;
}

const command = async (...args: string[]): Promise<CommandResponse> => c.command(...args);

/** Runs a program of ours to completion, its stdout and stderr kept with the daemons' logs for the scan. */
async function runProgram(name: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let r: { code: number; stdout: string; stderr: string };
  try {
    const ok = await run(process.execPath, [...TS_NODE.slice(1), ...argv], { cwd: ROOT, timeout: 60_000 });
    r = { code: 0, stdout: ok.stdout, stderr: ok.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    r = { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
  writeFileSync(c.logFile(`${name}.stdout`), r.stdout);
  writeFileSync(c.logFile(`${name}.stderr`), r.stderr);
  return r;
}

beforeAll(async () => {
  c = await Cluster.start({
    id: ID,
    token: SECRETS.token,
    config: {
      debug: true,
      replace: [
        [`agent_user: ${LAB_USERS.mmm_agent.user}`, `agent_user: ${USERS.agent}`],
        [`agent_password: ${LAB_USERS.mmm_agent.password}`, `agent_password: ${SECRETS.agent}`],
        [`monitor_user: ${LAB_USERS.mmm_monitor.user}`, `monitor_user: ${USERS.monitor}`],
        [`monitor_password: ${LAB_USERS.mmm_monitor.password}`, `monitor_password: ${SECRETS.monitor}`],
        [`replication_user: ${LAB_USERS.repl.user}`, `replication_user: ${USERS.repl}`],
        [`replication_password: ${LAB_USERS.repl.password}`, `replication_password: ${SECRETS.repl}`],
      ],
      // the monitor's checks of db4 and the agent on db3 get a wrong password
      hostLines: (self) =>
        self === undefined
          ? { db4: [`monitor_password: ${SECRETS.wrongMonitor}`] }
          : self === 'db3'
            ? { db3: [`agent_password: ${SECRETS.wrongAgent}`] }
            : {},
    },
  });
  lab = c.lab;
  readerIps = c.readerIps;
  // our own users with distinctive passwords, created on db1 and replicated everywhere
  const grants = {
    [USERS.agent]: LAB_GRANTS.mmm_agent,
    [USERS.monitor]: LAB_GRANTS.mmm_monitor,
    [USERS.repl]: LAB_GRANTS.repl,
  };
  const pw: Record<string, string> = {
    [USERS.agent]: SECRETS.agent,
    [USERS.monitor]: SECRETS.monitor,
    [USERS.repl]: SECRETS.repl,
  };
  for (const [user, grant] of Object.entries(grants)) {
    for (const from of ['198.18.%', '127.0.0.1', 'localhost']) {
      await lab.sql('db1', `CREATE USER '${user}'@'${from}' IDENTIFIED BY '${pw[user] ?? ''}'`);
      await lab.sql('db1', `GRANT ${grant} ON *.* TO '${user}'@'${from}'`);
    }
  }
  await lab.sync();
  await c.run({ online: false });
  for (const h of ['db1', 'db2']) {
    await until(`set_online ${h}`, async () => {
      const r = await command('set_online', h);
      return r.exitCode === 0 || r.text.includes('is already ONLINE') ? r : undefined;
    });
  }
}, 180_000);

afterAll(async () => {
  expect(await c.stop()).toEqual([]);
}, 120_000);

describe('real daemons under bad input (lab 120)', () => {
  it('the monitor reports the host with the wrong MySQL password and the agent with the wrong one', async () => {
    await until('db4 mysql check failed', async () => {
      const r = await command('checks', 'db4', 'mysql');
      return /db4\s+mysql\s+\[last change: .*\]\s+ERROR/.test(r.text) ? r : undefined;
    });
    await until('agent db3 cannot log into MySQL', async () => {
      const r = await agentRequest('db3', {
        method: 'GET',
        url: '/v1/status',
        headers: authHeader('valid', SECRETS.token),
      });
      const status = JSON.parse(r.body) as { mysql?: { up?: boolean; error?: unknown } };
      return status.mysql?.up === false ? status : undefined;
    });
  });

  it('every route of every daemon refuses missing and wrong credentials with 401', async () => {
    const routes = [
      ...AGENT_ROUTES.map(([method, url]) => ({ method, url, target: 'agent' as const })),
      ...MONITOR_ROUTES.map(([method, url]) => ({ method, url, target: 'monitor' as const })),
      { method: 'GET' as const, url: '/nowhere', target: 'agent' as const },
      { method: 'DELETE' as const, url: '/v1/command', target: 'monitor' as const },
    ];
    for (const { method, url, target } of routes) {
      for (const auth of [...BAD_AUTHS, 'valid' as const]) {
        // 'valid' with another daemon's secret: the wrong token that the scan also looks for
        const token = auth === 'valid' ? SECRETS.wrongToken : SECRETS.token;
        const body =
          target === 'agent'
            ? validBodies('db2', (n) => lab.host(`db${n}`).ip, readerIps[0] ?? '', 1)
            : { '/v1/command': { args: ['show'] } };
        const payload = body[url];
        const r: RenderedRequest = {
          method,
          url,
          headers: {
            ...authHeader(auth, token),
            ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
        };
        const res = target === 'agent' ? await agentRequest('db2', r) : await monitorRequest(r);
        expect(res.statusCode, `${target} ${method} ${url} ${auth}`).toBe(401);
        expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toBe('MMM_UNAUTHORIZED');
      }
    }
  });

  it("desired states and operations with an epoch older than the monitor's are refused with 409", async () => {
    const health = JSON.parse(
      (await monitorRequest({ method: 'GET', url: '/v1/health', headers: authHeader('valid', SECRETS.token) })).body,
    ) as { epoch: number };
    expect(health.epoch).toBeGreaterThan(0);
    const valid = validBodies('db3', (n) => lab.host(`db${n}`).ip, readerIps[2] ?? '', health.epoch - 1);
    for (const [method, url] of AGENT_ROUTES.filter(([m]) => m !== 'GET')) {
      const res = await agentRequest('db3', {
        method,
        url,
        headers: { ...authHeader('valid', SECRETS.token), 'content-type': 'application/json' },
        payload: JSON.stringify({
          ...valid[url],
          ...(url === '/v1/desired-state' ? { seq: Number.MAX_SAFE_INTEGER } : {}),
        }),
      });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(409);
      expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toBe('MMM_STALE_EPOCH');
    }
  });

  it('random requests over real HTTP: never a 5xx, always the error shape; the daemons keep running', async () => {
    const epochZero = (v: ValidBodies): ValidBodies =>
      Object.fromEntries(Object.entries(v).map(([k, b]) => [k, 'epoch' in b ? { ...b, epoch: 0 } : b]));
    // epoch 0: a body the mutations left valid is refused as stale instead of changing the cluster
    const agentBodies = epochZero(validBodies('db2', (n) => lab.host(`db${n}`).ip, readerIps[1] ?? '', 0));
    const monitorBodies: ValidBodies = { '/v1/command': { args: ['show'] } };
    await fc.assert(
      fc.asyncProperty(requestArb(AGENT_ROUTES), async (req) => {
        const res = await agentRequest('db2', render(req, SECRETS.token, agentBodies));
        if (answered(req, res)) expectContract(req, res, SECRETS.token);
        if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS')
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: LIVE_RUNS },
    );
    await fc.assert(
      fc.asyncProperty(requestArb(MONITOR_ROUTES), async (req) => {
        const res = await monitorRequest(render(req, SECRETS.token, monitorBodies));
        if (answered(req, res)) expectContract(req, res, SECRETS.token);
      }),
      { numRuns: LIVE_RUNS },
    );
    const word = fc.oneof(
      fc.constantFrom('show', 'checks', 'mode', 'help', 'ping', 'db9', 'writer', ''),
      fc.string({ maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 4 }), async (args) => {
        const r = await command(...args);
        expect([0, 1, 2]).toContain(r.exitCode);
      }),
      { numRuns: LIVE_RUNS },
    );
    expect(c.monitorRunning).toBe(true);
    expect(await c.deadAgents()).toEqual([]);
  }, 300_000);

  it('an unreachable host is reported without leaking anything', async () => {
    await lab.isolate('db4');
    try {
      await until('db4 ping failed', async () => {
        const r = await command('checks', 'db4', 'ping');
        return r.text.includes('ERROR') ? r : undefined;
      });
    } finally {
      await lab.heal('db4');
    }
  });

  it('SIGHUP with a broken config keeps the running one (monitor and agent) and says why', async () => {
    const good = readFileSync(c.monitorConfigFile, 'utf8');
    writeFileSync(c.monitorConfigFile, `${good}monitor_port_typo: [\n`, { mode: 0o600 });
    const agentGood = readFileSync(c.agentConfigFile('db1'), 'utf8');
    writeFileSync(c.agentConfigFile('db1'), agentGood.replace('mode: master', 'mode: mastr'), { mode: 0o600 });
    try {
      c.signalMonitor('SIGHUP');
      c.signalAgent('db1', 'SIGHUP');
      await until('monitor kept its config', () =>
        c.log('mmm_mond.log').includes('SIGHUP: configuration not reloaded, keeping the running one')
          ? true
          : undefined,
      );
      await until('agent kept its config', () =>
        c.log('agent-db1.log').includes('SIGHUP: configuration not reloaded, keeping the running one')
          ? true
          : undefined,
      );
      expect((await command('ping')).exitCode).toBe(0);
    } finally {
      writeFileSync(c.monitorConfigFile, good, { mode: 0o600 });
      writeFileSync(c.agentConfigFile('db1'), agentGood, { mode: 0o600 });
    }
  });

  it('--check-config (valid and broken) and mmm_control (wrong token, garbage) print no secret', async () => {
    const mon = await runProgram('mond-check', [
      join(ROOT, 'monitor/main.ts'),
      '--config',
      c.monitorConfigFile,
      '--check-config',
    ]);
    expect(mon.code).toBe(0);
    expect(mon.stdout).toContain('***');
    const agent = await runProgram('agentd-check', [
      join(ROOT, 'agent/main.ts'),
      '--config',
      c.agentConfigFile('db1'),
      '--check-config',
    ]);
    expect(agent.code).toBe(0);
    const broken = join(c.dir, 'broken.yaml');
    writeFileSync(broken, readFileSync(c.monitorConfigFile, 'utf8').replace('tick: 0.5', 'tick: fast'), {
      mode: 0o600,
    });
    const bad = await runProgram('mond-check-broken', [
      join(ROOT, 'monitor/main.ts'),
      '--config',
      broken,
      '--check-config',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/broken\.yaml:\d+: monitor\.tick: /);
    const wrongToken = join(c.dir, 'wrong-token.yaml');
    writeFileSync(wrongToken, readFileSync(c.monitorConfigFile, 'utf8').replace(SECRETS.token, SECRETS.wrongToken), {
      mode: 0o600,
    });
    const ctl = await runProgram('control-wrong-token', [
      join(ROOT, 'control/main.ts'),
      '--config',
      wrongToken,
      'show',
    ]);
    expect(ctl.code).toBe(2);
    for (const [i, argv] of [
      ['show'],
      ['set_online'],
      ['move_role', 'writer', 'db9'],
      ['--timeout', 'x', 'show'],
      ['\u0001\u00ff', '--'],
    ].entries()) {
      const r = await runProgram(`control-${i}`, [
        join(ROOT, 'control/main.ts'),
        '--config',
        c.monitorConfigFile,
        ...argv,
      ]);
      expect([0, 1, 2, 3]).toContain(r.code);
      expect(r.stderr + r.stdout).not.toMatch(/\n\s+at .*:\d+/);
    }
  }, 120_000);

  it('no secret in any log, stdout or stderr (scanned byte for byte after stopping the daemons)', async () => {
    await c.stopMonitor();
    for (const h of HOSTS) await c.stopAgent(h);
    const files = [
      ...readdirSync(c.out).map((f) => c.logFile(f)),
      ...HOSTS.map((h) => join(lab.host(h).dir, 'error.log')),
    ];
    const scanned: string[] = [];
    let bytes = 0;
    for (const f of files) {
      const data = readFileSync(f);
      bytes += data.length;
      scanned.push(f);
      for (const [name, secret] of Object.entries(SECRETS)) {
        for (const form of [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)]) {
          expect(data.includes(form), `${name} found in ${f}`).toBe(false);
        }
      }
    }
    // the scan is not vacuous: the daemons logged a lot, and the config files (not scanned) do hold the secrets
    expect(bytes).toBeGreaterThan(50_000);
    expect(c.log('mmm_mond.log')).toMatch(/db4/);
    expect(readFileSync(c.monitorConfigFile, 'utf8')).toContain(SECRETS.wrongMonitor);
    expect(readFileSync(c.agentConfigFile('db3'), 'utf8')).toContain(SECRETS.wrongAgent);
    expect(scanned.length).toBeGreaterThan(10);
    // ... and the errors that could have carried them were really provoked and logged
    const all = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(all).toContain(`'${USERS.monitor}'`);
    expect(all).toContain('SIGHUP: configuration not reloaded');
    expect(all).toMatch(/invalid token|authentication required/);
  }, 60_000);
});
