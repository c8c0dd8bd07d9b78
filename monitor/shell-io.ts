// Small pieces of the monitor shell: check statuses in the core's shape, and the kill_host_bin runner.
import { execFile } from 'node:child_process';
import { CHECK_NAMES } from '../common/config/types.js';
import type { CheckStatusView } from './checks/index.js';
import type { AgentStatusReport } from '../common/api/agent.js';
import type { Config } from '../common/config/types.js';
import { agentViewOf, answerOf, systemViewOf } from './agent-link.js';
import type { AgentView, Answer, CheckStatus, HostChecks, SystemView } from './core/index.js';

/** Bound of one kill_host_bin run (MMM waited forever, spec §8.3). */
export const KILL_TIMEOUT_MS = 30_000;

/** The checks layer's debounced statuses as the core reads them; a missing check is 'unknown'. */
export function toHostChecks(statuses: Readonly<Record<string, CheckStatusView>>): HostChecks {
  const entries = CHECK_NAMES.map((c): [string, CheckStatus] => {
    const s = statuses[c];
    return [
      c,
      s === undefined
        ? { state: 'unknown', message: '', lastChange: 0 }
        : { state: s.result, message: s.message, lastChange: s.lastChange },
    ];
  });
  return Object.fromEntries(entries) as HostChecks;
}

/** `<kill_host_bin> <host> <ping ok 1|0>` (spec §8.3), bounded by KILL_TIMEOUT_MS. */
export async function execKill(bin: string, host: string, pingOk: boolean): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile(bin, [host, pingOk ? '1' : '0'], { timeout: KILL_TIMEOUT_MS }, (err) => {
      if (err === null) resolve();
      else reject(new Error(err.message, { cause: err }));
    });
  });
}

export interface StartupViews {
  readonly agents: Record<string, Answer<AgentView>>;
  readonly systems: Record<string, Answer<SystemView>>;
  readonly checks: Record<string, HostChecks>;
  /** Per host (config order): the agent's report, or why there is none. */
  readonly reports: readonly (readonly [string, AgentStatusReport | Error])[];
  /** Hosts of the active-master role. */
  readonly writerHosts: ReadonlySet<string>;
}

/** The startup reconciliation's inputs from the agents' reports (spec §8.2: agent and system views). */
export function startupViews(
  config: Config,
  reports: readonly (AgentStatusReport | Error)[],
  checksOf: (host: string) => HostChecks,
): StartupViews {
  const agents: Record<string, Answer<AgentView>> = {};
  const systems: Record<string, Answer<SystemView>> = {};
  const checks: Record<string, HostChecks> = {};
  const pairs = config.hosts.map((h, i): readonly [string, AgentStatusReport | Error] => [
    h.name,
    reports[i] ?? new Error('no report'),
  ]);
  for (const [h, r] of pairs) {
    checks[h] = checksOf(h);
    agents[h] = answerOf(r instanceof Error ? r : agentViewOf(r));
    systems[h] = answerOf(r instanceof Error ? r : systemViewOf(r));
  }
  const writerHosts = new Set(config.roles.find((r) => r.name === config.activeMasterRole)?.hosts);
  return { agents, systems, checks, reports: pairs, writerHosts };
}
