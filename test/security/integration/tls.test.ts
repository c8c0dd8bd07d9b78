// `<socket> type ssl` (mutual TLS) on the real agent and monitor apps, listening on 127.0.0.1 with a PKI made
// by the openssl CLI in a temp dir: a cluster CA with a server and a client certificate, and a second CA with
// its own client certificate. A client without a certificate, with one from the other CA or with a
// self-signed one is refused at the TLS handshake (no HTTP answer, no handler runs); a client with a
// certificate of the cluster CA gets its answer, through a raw https request and through our JsonClient.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpAuth } from '../../../common/http/auth.js';
import { JsonClient } from '../../../common/http/client.js';
import type { HttpServer } from '../../../common/http/server.js';
import { silentLogger } from '../../../common/log/index.js';
import { buildAgentApp } from '../../../agent/server.js';
import { createMonitorApi } from '../../../monitor/api.js';
import type { MonitorDaemon } from '../../../monitor/daemon.js';
import { rig, type Rig } from '../../unit/agent/fakes.js';
import { command, model, seedConfig } from '../../unit/monitor/core/fixtures.js';

let dir: string;
const pem = (name: string): string => join(dir, name);

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe', cwd: dir });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(name: string): void {
  openssl([
    'req',
    '-x509',
    ...EC,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
  ]);
}

function makeCert(name: string, ca: string, usage: 'serverAuth' | 'clientAuth'): void {
  openssl(['req', ...EC, '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`]);
  writeFileSync(pem(`${name}.ext`), `subjectAltName=IP:127.0.0.1\nextendedKeyUsage=${usage}\n`);
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial'].concat([
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]),
  );
}

interface Identity {
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

interface Outcome {
  readonly status?: number;
  readonly error?: string;
}

/** One GET over https with this client identity; trusts the cluster CA for the server. */
async function get(port: number, path: string, id: Identity): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'GET',
        ca: readFileSync(pem('ca1.pem')),
        ...id,
        checkServerIdentity: () => undefined,
        agent: false,
        timeout: 5000,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0 });
        });
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      resolve({ error: e.code ?? e.message });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** Plain HTTP to the TLS port: the server must not answer with HTTP. */
async function plainHttp(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write('GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n'));
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString('latin1')));
    s.on('error', () => {
      resolve(got);
    });
    s.on('close', () => {
      resolve(got);
    });
    s.setTimeout(3000, () => s.destroy());
  });
}

const apps: { name: string; app: HttpServer; port: number; path: string }[] = [];
/** Handshakes the server refused (node's tlsClientError), per app. */
const refused = new Map<string, number>();
let agentRig: Rig;
let monitorCalls = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mmm-tls-'));
  makeCa('ca1');
  makeCa('ca2');
  makeCert('server', 'ca1', 'serverAuth');
  makeCert('client', 'ca1', 'clientAuth');
  makeCert('intruder', 'ca2', 'clientAuth');
  openssl(['req', '-x509', ...EC, '-days', '2', '-subj', '/CN=client', '-keyout', 'self.key', '-out', 'self.pem']);
  const auth: HttpAuth = {
    type: 'ssl',
    certFile: pem('server.pem'),
    keyFile: pem('server.key'),
    caFile: pem('ca1.pem'),
  };
  agentRig = await rig();
  const agentApp = await buildAgentApp({ agent: agentRig.agent, auth, logger: silentLogger() });
  const m = model(seedConfig());
  const daemon = {
    config: seedConfig(),
    model: m,
    epoch: 3,
    command: (args: readonly string[]) => {
      monitorCalls++;
      return Promise.resolve(command(m, args).response);
    },
  } as unknown as MonitorDaemon;
  const monitorApp = await createMonitorApi(daemon, auth, silentLogger());
  monitorApp.addHook('onRequest', (_req, _reply, done) => {
    monitorCalls++;
    done();
  });
  for (const [name, app, path] of [
    ['agent', agentApp, '/v1/status'],
    ['monitor', monitorApp, '/v1/health'],
  ] as const) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    refused.set(name, 0);
    app.server.on('tlsClientError', () => refused.set(name, (refused.get(name) ?? 0) + 1));
    apps.push({ name, app, port: (app.server.address() as AddressInfo).port, path });
  }
});

afterAll(async () => {
  for (const a of apps) await a.app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('<socket> type ssl: mutual TLS on the agent and monitor APIs', () => {
  it("refuses at the handshake a client without a certificate, with another CA's or a self-signed one", async () => {
    const callsBefore = [agentRig.mysql.calls.length, monitorCalls];
    for (const { name, port, path } of apps) {
      for (const [what, id] of [
        ['no certificate', {}],
        ['other CA', { cert: readFileSync(pem('intruder.pem')), key: readFileSync(pem('intruder.key')) }],
        ['self-signed', { cert: readFileSync(pem('self.pem')), key: readFileSync(pem('self.key')) }],
      ] as const) {
        const out = await get(port, path, id);
        expect(out.status, `${name} ${what}`).toBeUndefined();
        // TLS 1.3: the server's alert arrives as the client reads (certificate required / unknown CA), or the
        // connection is reset: in every case there is no HTTP answer
        expect(out.error, `${name} ${what}`).toMatch(
          /ERR_SSL_TLSV1(3)?_ALERT_(CERTIFICATE_REQUIRED|UNKNOWN_CA|BAD_CERTIFICATE)|ECONNRESET|EPIPE/,
        );
      }
      expect(refused.get(name), `${name}: handshakes refused by the server`).toBe(3);
      expect(await plainHttp(port), `${name} plain HTTP`).not.toMatch(/^HTTP\/1\.1 200/);
    }
    expect([agentRig.mysql.calls.length, monitorCalls]).toEqual(callsBefore);
  });

  it('accepts a client with a certificate of the cluster CA (raw https and JsonClient)', async () => {
    const id = { cert: readFileSync(pem('client.pem')), key: readFileSync(pem('client.key')) };
    for (const { name, port, path } of apps) {
      expect(await get(port, path, id), name).toEqual({ status: 200 });
      const client = new JsonClient({
        name,
        host: '127.0.0.1',
        port,
        auth: { type: 'ssl', certFile: pem('client.pem'), keyFile: pem('client.key'), caFile: pem('ca1.pem') },
        tls: { cert: id.cert, key: id.key, ca: readFileSync(pem('ca1.pem')) },
        timeoutMs: 5000,
      });
      try {
        expect(await client.get(path)).toBeTypeOf('object');
      } finally {
        client.close();
      }
    }
  });

  it('the client refuses a server whose certificate is not from the cluster CA', async () => {
    const { port, path } = apps[0] ?? { port: 0, path: '' };
    const client = new JsonClient({
      name: 'agent',
      host: '127.0.0.1',
      port,
      auth: { type: 'ssl', certFile: pem('intruder.pem'), keyFile: pem('intruder.key'), caFile: pem('ca2.pem') },
      tls: {
        cert: readFileSync(pem('intruder.pem')),
        key: readFileSync(pem('intruder.key')),
        ca: readFileSync(pem('ca2.pem')),
      },
      timeoutMs: 5000,
    });
    try {
      await expect(client.get(path)).rejects.toMatchObject({ code: 'MMM_AGENT_UNREACHABLE' });
    } finally {
      client.close();
    }
  });
});
