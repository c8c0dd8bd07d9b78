// Asks the other agents when they last heard from the monitor (GET /v1/lease), all at once, each with a
// short deadline. Used only when this agent's writer lease has expired (see lease.ts).
import { AGENT_ROUTES, type LeaseAnswer } from '../common/api/agent.js';
import type { HostConfig } from '../common/config/types.js';
import type { HttpAuth, TlsMaterial } from '../common/http/auth.js';
import { JsonClient } from '../common/http/client.js';
import type { PeerAnswer } from './lease.js';

export type PeerAsker = (timeoutMs: number) => Promise<PeerAnswer[]>;

export interface PeerClients {
  readonly ask: PeerAsker;
  close(): void;
}

export function createPeerClients(peers: readonly HostConfig[], auth: HttpAuth, tls?: TlsMaterial): PeerClients {
  const clients = peers.map(
    (h) =>
      [
        h.name,
        new JsonClient({
          name: `agent ${h.name}`,
          host: h.ip,
          port: h.agentPort,
          auth,
          ...(tls === undefined ? {} : { tls }),
          timeoutMs: 1000,
        }),
      ] as const,
  );
  return {
    ask: (timeoutMs) =>
      Promise.all(
        clients.map(async ([host, client]): Promise<PeerAnswer> => {
          try {
            const a = await client.get<LeaseAnswer>(AGENT_ROUTES.lease.path, { timeoutMs });
            const ago = a.lastMonitorContactAgoMs;
            return { host, lastMonitorContactAgoMs: typeof ago === 'number' && ago >= 0 ? ago : null };
          } catch {
            return { host, lastMonitorContactAgoMs: 'unreachable' };
          }
        }),
      ),
    close: () => {
      for (const [, c] of clients) c.close();
    },
  };
}
