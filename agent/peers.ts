// Asks the other agents when they last heard from the monitor (GET /v1/lease), all at once, each with a
// short deadline. Used only when this agent's writer lease is about to expire or has (see lease.ts).
import { AGENT_ROUTES, type LeaseAnswer } from '../common/api/agent.js';
import type { HostConfig } from '../common/config/types.js';
import type { HttpAuth, TlsMaterial } from '../common/http/auth.js';
import { JsonClient } from '../common/http/client.js';
import type { PeerAnswer, PeerRelay } from './lease.js';

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
            return {
              host,
              lastMonitorContactAgoMs: typeof ago === 'number' && ago >= 0 ? ago : null,
              relay: relayOf(a),
            };
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

/** The relay in a peer's answer; anything malformed (or an older agent without the fields) is no relay. */
function relayOf(a: Partial<LeaseAnswer>): PeerRelay | null {
  const { relayFor, relayAgoMs, relayEpoch } = a;
  if (typeof relayFor !== 'string' || typeof relayAgoMs !== 'number' || typeof relayEpoch !== 'number') return null;
  if (!Number.isFinite(relayAgoMs) || relayAgoMs < 0 || !Number.isFinite(relayEpoch)) return null;
  return { forHost: relayFor, agoMs: relayAgoMs, epoch: relayEpoch };
}
