// Builds the real monitor (checks, ping_ips self-check, HTTP agents, daemon, API) from a Config and starts it.
import type { Config } from '../common/config/types.js';
import { MmmError } from '../common/errors/index.js';
import { authFromSocketConfig, loadTlsMaterial } from '../common/http/auth.js';
import type { Logger } from '../common/log/index.js';
import { HttpAgents } from './agent-link.js';
import { createMonitorApi } from './api.js';
import { CheckScheduler, livenessSettings, NetworkChecker, Pinger, pingIpProbe } from './checks/index.js';
import { MonitorDaemon } from './daemon.js';

export interface RunningMonitor {
  readonly daemon: MonitorDaemon;
  /** Where the API listens, e.g. http://127.0.0.1:9988. */
  readonly address: string;
  reload(config: Config): void;
  stop(): Promise<void>;
}

export async function startMonitor(
  config: Config,
  opts: { insecure: boolean; logger: Logger },
): Promise<RunningMonitor> {
  const mon = config.monitor;
  if (mon === undefined) throw new MmmError('MMM_CONFIG_INVALID', 'the configuration has no <monitor> section');
  const logger = opts.logger;
  const auth = await authFromSocketConfig(config.socket, { insecure: opts.insecure });
  const tls = auth.type === 'ssl' ? await loadTlsMaterial(auth) : undefined;
  const pinger = new Pinger(logger);
  const network = new NetworkChecker({
    pingIps: mon.pingIps,
    pingInterval: mon.pingInterval,
    probe: pingIpProbe(pinger),
    logger,
  });
  const liveness = livenessSettings(mon.failover);
  const checks = new CheckScheduler({
    config,
    logger,
    pinger,
    haveNet: () => network.haveNet,
    ...(liveness === undefined ? {} : { liveness }),
  });
  const daemon = new MonitorDaemon({ config, logger, agents: new HttpAgents(config, auth, tls), checks, network });
  await daemon.start();
  const app = await createMonitorApi(daemon, auth, logger);
  let address: string;
  try {
    address = await app.listen({ host: mon.ip, port: mon.port });
  } catch (e) {
    await daemon.stop();
    throw e;
  }
  logger.info(`monitor API listening on ${address}`);
  return {
    daemon,
    address,
    reload: (next) => {
      daemon.reload(next);
    },
    stop: async () => {
      await app.close();
      await daemon.stop();
    },
  };
}
