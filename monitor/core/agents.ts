// What the shell learned from talking to agents since the last tick, folded into the model the way MMM's
// _send_command and send_agent_status did (spec §2.6, §6.1): the OS uptime of every answer (copied to
// last_uptime while the host is ONLINE) and the agent-down flag.
import type { Draft } from './draft.js';
import { logText } from './messages.js';
import type { ReplicationInfo } from './types.js';

/** The outcome of the last push (SET_STATUS) to one agent. */
export interface AgentObservation {
  /**
   * true: the agent answered; false: the push failed; undefined: it was not attempted (the shell skips agents
   * whose ping check is failed, as MMM did). Only a failure while ping is OK flags the agent down.
   */
  readonly answered: boolean | undefined;
  /** OS uptime in seconds from the answer (MMM's `|UP:` field). */
  readonly uptime?: number;
  /** Replication facts the agent reported with its answer. */
  readonly replication?: ReplicationInfo;
}

/** Applies the agents' answers to the draft, logging agent reachability changes (FATAL, as MMM). */
export function applyAgentObservations(d: Draft, observations: Readonly<Record<string, AgentObservation>>): void {
  for (const name of d.topo.hostNames) {
    const obs = observations[name];
    if (obs === undefined) continue;
    const h = d.host(name);
    if (obs.replication !== undefined) h.replication = obs.replication;
    if (obs.answered === true) {
      if (obs.uptime !== undefined) {
        h.uptime = obs.uptime;
        if (h.state === 'ONLINE') h.lastOnlineUptime = obs.uptime;
      }
      if (!h.agentReachable) {
        h.agentReachable = true;
        d.log('fatal', logText.agentBack(name), name);
      }
    } else if (obs.answered === false && h.agentReachable && h.checks.ping.state === 'ok') {
      h.agentReachable = false;
      d.log('fatal', logText.agentDown(name), name);
    }
  }
}
