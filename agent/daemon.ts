// Composition root of mmm_agentd: wires the real ports (ip/arping, MySQL through common/mysql, the state file,
// peer agents) into the Agent and its HTTP API, listens on the host's ip:agent_port, and handles reload and
// shutdown. main.ts only parses the command line and installs the signal handlers.
import type { Config, HostConfig } from '../common/config/types.js';
import { MmmError } from '../common/errors/index.js';
import { authFromSocketConfig, loadTlsMaterial } from '../common/http/auth.js';
import type { HttpServer } from '../common/http/server.js';
import type { Logger } from '../common/log/index.js';
import { Agent } from './agent.js';
import { DumpReaper, readProcTcpTables } from './dump-reaper.js';
import { createMysqlOps } from './ops/mysql-ops.js';
import { createNetworkOps } from './ops/network.js';
import { diskUsage, missingNetCapabilities, osUptimeSeconds } from './ops/system.js';
import { createPeerClients, type PeerClients } from './peers.js';
import { buildAgentApp } from './server.js';
import { agentSetup, hostByIp, type AgentSetup } from './setup.js';
import { createStateStore } from './state-file.js';

export const DEFAULT_STATE_PATH = '/var/lib/mysql-mmm/mmm_agentd.state';

/**
 * MySQL bounds for the agent: short, so a hung mysqld costs a fence half a second, never a hang. The server is
 * local: a healthy one greets in milliseconds, also on a loaded host; a frozen one still completes the TCP
 * handshake (kernel backlog) and then never greets, so the connect timeout is what a fence of it waits.
 */
const MYSQL_TIMEOUTS = { connectTimeoutMs: 500, queryTimeoutMs: 2000 };

export interface AgentDaemonOptions {
  readonly config: Config;
  readonly insecure: boolean;
  readonly logger: Logger;
  readonly version: string;
}

export interface AgentDaemon {
  readonly agent: Agent;
  readonly app: HttpServer;
  /** Takes a new, already loaded configuration; throws (and keeps the old one) when it cannot be applied live. */
  reload(config: Config): void;
  /** Stops accepting requests, lets the change in progress finish, closes connections. */
  stop(): Promise<void>;
}

/** Settings that only a restart can change (the listening socket, the MySQL login, the interface). */
function restartOnlyChanges(a: AgentSetup, b: AgentSetup): string[] {
  const keys: (keyof HostConfig)[] = [
    'name',
    'ip',
    'agentPort',
    'mysqlPort',
    'clusterInterface',
    'agentUser',
    'statePath',
  ];
  const changed = keys.filter((k) => a.host[k] !== b.host[k]).map((k) => `host ${k}`);
  if (a.host.agentPassword.reveal() !== b.host.agentPassword.reveal()) changed.push('host agent_password');
  if (
    JSON.stringify(a.config.socket) !== JSON.stringify(b.config.socket) ||
    a.config.socket.token?.reveal() !== b.config.socket.token?.reveal()
  ) {
    changed.push('<socket>');
  }
  return changed;
}

export async function startAgentDaemon(opts: AgentDaemonOptions): Promise<AgentDaemon> {
  const { logger } = opts;
  let setup = agentSetup(opts.config);
  const host = setup.host;
  const auth = await authFromSocketConfig(opts.config.socket, { insecure: opts.insecure });
  const tls = auth.type === 'ssl' ? await loadTlsMaterial(auth) : undefined;

  const missing = await missingNetCapabilities();
  if (missing.length > 0) {
    logger.warn(
      `missing ${missing.join(' and ')}: binding VIPs (ip addr) needs CAP_NET_ADMIN and gratuitous ARP (arping) CAP_NET_RAW in this network namespace; VIP steps will fail with MMM_NO_PRIVILEGE`,
    );
  }

  let peers: PeerClients = createPeerClients(setup.peers, auth, tls);
  const mysql = createMysqlOps({
    endpoint: { host: host.ip, port: host.mysqlPort, user: host.agentUser, password: host.agentPassword },
    timeouts: MYSQL_TIMEOUTS,
    logger,
    hostByIp: (ip) => hostByIp(setup, ip),
  });
  const reaper = new DumpReaper({
    readTcpTables: readProcTcpTables,
    dumpSessions: async () => (mysql.sessions === undefined ? [] : mysql.sessions()),
    kill: async (id) => mysql.killSession?.(id),
    mysqlPort: host.mysqlPort,
    hostByIp: (ip) => hostByIp(setup, ip),
    logger,
  });
  const agent = await Agent.create({
    setup,
    network: createNetworkOps({ iface: host.clusterInterface, logger }),
    mysql,
    store: createStateStore(host.statePath ?? DEFAULT_STATE_PATH),
    askPeers: (timeoutMs) => peers.ask(timeoutMs),
    logger,
    version: opts.version,
    osUptime: osUptimeSeconds,
    diskUsage,
  });
  const app = await buildAgentApp({ agent, auth, logger });
  try {
    await app.listen({ host: host.ip, port: host.agentPort });
  } catch (e) {
    await agent.stop();
    throw new MmmError('MMM_CONFIG_INVALID', `cannot listen on ${host.ip}:${host.agentPort}: ${(e as Error).message}`);
  }
  agent.start();
  reaper.start();
  logger.info(
    {
      host: host.name,
      listen: `${host.ip}:${host.agentPort}`,
      auth: auth.type,
      leaseMs: setup.leaseMs,
      peerCheck: setup.leasePeerCheck,
    },
    `mmm_agentd ${opts.version} serving ${host.name} on ${host.ip}:${host.agentPort}`,
  );

  return {
    agent,
    app,
    reload(config) {
      const next = agentSetup(config);
      const blocked = restartOnlyChanges(setup, next);
      if (blocked.length > 0) {
        throw new MmmError('MMM_CONFIG_INVALID', `${blocked.join(', ')} changed: restart mmm_agentd to apply that`);
      }
      const nextPeers = createPeerClients(next.peers, auth, tls);
      peers.close();
      peers = nextPeers;
      setup = next;
      agent.reload(next, (timeoutMs) => peers.ask(timeoutMs));
    },
    async stop() {
      await app.close();
      await reaper.stop();
      await agent.stop();
      peers.close();
    },
  };
}
