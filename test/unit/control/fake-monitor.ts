// A fake of the *monitor* for the client's unit tests: the real HTTP server factory (token auth) on 127.0.0.1,
// an ephemeral port, and canned POST /v1/command answers. Also a port nobody listens on and a server that
// accepts connections and never answers.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { CommandRequest, CommandResponse } from '../../../common/api/monitor.js';
import { Secret } from '../../../common/config/secret.js';
import type { HttpAuth } from '../../../common/http/auth.js';
import { silentLogger } from '../../../common/log/index.js';
import { createHttpServer, type HttpServer } from '../../../common/http/server.js';

export const TOKEN = '0123456789abcdef0123';

export interface FakeMonitor {
  readonly port: number;
  /** Every args array received, in order. */
  readonly received: (readonly string[])[];
  close(): Promise<void>;
}

export async function startFakeMonitor(
  answer: (args: readonly string[]) => CommandResponse | { status: number; body: unknown },
  auth: HttpAuth = { type: 'token', token: new Secret(TOKEN) },
): Promise<FakeMonitor> {
  const app: HttpServer = await createHttpServer({ auth, logger: silentLogger() });
  const received: (readonly string[])[] = [];
  app.post<{ Body: CommandRequest }>('/v1/command', async (req, reply) => {
    received.push(req.body.args);
    const a = answer(req.body.args);
    if ('status' in a) return reply.code(a.status).send(a.body);
    return a;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  return { port, received, close: () => app.close() };
}

/** A port on 127.0.0.1 that was just free: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

/** Accepts TCP connections and never answers (a monitor whose main loop is blocked). */
export async function startHungServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

/**
 * A port on 127.0.0.1 whose SYNs go unanswered, as from a host that drops packets: a child process listens
 * with backlog 1 and then blocks its event loop, so it never accepts; two connections fill the accept queue
 * (Linux: full when more than `backlog` wait) and the kernel drops every later SYN. Connecting to it hangs until
 * the client's connect timeout.
 */
export async function startSynDropper(): Promise<{ port: number; close(): Promise<void> }> {
  const script = [
    "const s = require('node:net').createServer();",
    "s.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {",
    '  console.log(s.address().port);',
    '  const end = Date.now() + 120000;',
    '  while (Date.now() < end);',
    '});',
  ].join('\n');
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const port = Number(chunk.toString('utf8').trim());
  const fillers = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
  await Promise.all(fillers.map(async (f) => once(f, 'connect')));
  return {
    port,
    close: async () => {
      for (const f of fillers) f.destroy();
      if (child.exitCode === null && child.pid !== undefined) {
        const exited = once(child, 'exit');
        process.kill(child.pid, 'SIGKILL');
        await exited;
      }
    },
  };
}

/**
 * One self-signed EC certificate for 127.0.0.1 (made by openssl in `dir`) that serves as the CA, the monitor's
 * certificate and the client's: enough to prove that mmm_control speaks mutual TLS with `<socket> type ssl`.
 */
export function selfSignedPki(dir: string): { certFile: string; keyFile: string; caFile: string } {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2']
      .concat(['-subj', '/CN=mmm-control-test', '-addext', 'subjectAltName=IP:127.0.0.1'])
      .concat(['-addext', 'extendedKeyUsage=serverAuth,clientAuth', '-keyout', keyFile, '-out', certFile]),
    { stdio: 'pipe' },
  );
  return { certFile, keyFile, caFile: certFile };
}
