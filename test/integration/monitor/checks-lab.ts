// The checks' part of a config (hosts and the four checks) for a lab, shared by the checks integration tests.
import { Secret } from '../../../common/config/secret.js';
import type { CheckConfig, CheckName, Config, HostConfig } from '../../../common/config/types.js';
import type { Lab } from '../../lab/index.js';

export interface CheckTimes {
  readonly period: number;
  readonly trap: number;
  readonly timeout: number;
}

/** MMM's defaults: check_period 5, trap_period 10, timeout 2. */
export const MMM_DEFAULT_CHECKS: CheckTimes = { period: 5, trap: 10, timeout: 2 };

export function checksConfigOf(l: Lab, t: CheckTimes): Pick<Config, 'hosts' | 'checks'> {
  const mon = l.users.mmm_monitor;
  const hosts: HostConfig[] = l.hosts.map((h) => ({
    name: h.name,
    ip: h.ip,
    mode: h.n <= 2 ? 'master' : 'slave',
    peer: h.n === 1 ? 'db2' : h.n === 2 ? 'db1' : undefined,
    agentPort: 9989,
    mysqlPort: 3306,
    clusterInterface: 'eth0',
    agentUser: l.users.mmm_agent.user,
    agentPassword: new Secret(l.users.mmm_agent.password),
    monitorUser: mon.user,
    monitorPassword: new Secret(mon.password),
    replicationUser: l.users.repl.user,
    replicationPassword: new Secret(l.users.repl.password),
    pidPath: undefined,
    binPath: undefined,
  }));
  const c = (name: CheckName): CheckConfig => ({
    name,
    checkPeriod: t.period,
    trapPeriod: t.trap,
    timeout: t.timeout,
    restartAfter: 10000,
    maxBacklog: 60,
  });
  return {
    hosts,
    checks: { ping: c('ping'), mysql: c('mysql'), rep_threads: c('rep_threads'), rep_backlog: c('rep_backlog') },
  };
}

/** Polls `probe` every 10 ms until it returns something other than undefined/false. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
