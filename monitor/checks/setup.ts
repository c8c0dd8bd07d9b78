// What CheckScheduler needs before it runs: validated check settings and the real probers of every host.
import type { CheckConfig, HostConfig } from '../../common/config/types.js';
import { MmmError } from '../../common/errors/index.js';
import type { Logger } from '../../common/log/index.js';
import { Pinger } from './ping.js';
import { HostProbes, type HostProbesOptions } from './probes.js';
import type { ProberFactory } from './scheduler.js';

export function validateCheck(c: CheckConfig): void {
  const bad = (key: string, v: number, what: string): MmmError =>
    new MmmError('MMM_CONFIG_INVALID', `<check ${c.name}> ${key}: expected ${what}, got ${v}`);
  if (!(Number.isFinite(c.checkPeriod) && c.checkPeriod > 0)) throw bad('check_period', c.checkPeriod, 'seconds > 0');
  if (!(Number.isFinite(c.trapPeriod) && c.trapPeriod >= 0)) throw bad('trap_period', c.trapPeriod, 'seconds >= 0');
  if (!(Number.isFinite(c.timeout) && c.timeout > 0)) throw bad('timeout', c.timeout, 'seconds > 0');
  if (!(Number.isFinite(c.maxBacklog) && c.maxBacklog >= 0)) throw bad('max_backlog', c.maxBacklog, 'seconds >= 0');
}

export function defaultProbers(
  hosts: readonly HostConfig[],
  timeoutsMs: HostProbesOptions['timeoutsMs'],
  logger: Logger,
  pinger: Pinger = new Pinger(logger),
  livenessTimeoutMs?: number,
): ProberFactory {
  return (h, onLost) =>
    new HostProbes(h, {
      logger,
      pinger,
      hosts,
      timeoutsMs,
      onLost,
      ...(livenessTimeoutMs === undefined ? {} : { livenessTimeoutMs }),
    });
}
