// Assembles the status report (GET /v1/status) and the writer view from what the agent knows and what it
// just read from the host. No I/O here: agent.ts gathers the inputs, each bounded by its own timeout.
import {
  AGENT_API_VERSION,
  type AgentStatusReport,
  type DiskView,
  type LeaseView,
  type MysqlView,
  type WriterView,
} from '../common/api/agent.js';
import type { AgentSetup } from './setup.js';
import type { AgentMemory } from './state-file.js';

export interface LeaseFacts {
  readonly contactAgoMs: number | null;
  readonly state: LeaseView['state'];
  readonly message: string | null;
  readonly lastSelfFence: { readonly agoMs: number; readonly message: string } | null;
}

export function writerView(setup: AgentSetup, memory: AgentMemory, lease: LeaseFacts): WriterView {
  const holding = memory.writerGrant
    ? 'open'
    : memory.roles.some((r) => r.role === setup.writerRole)
      ? 'pending-promote'
      : 'none';
  return {
    holding,
    lease: {
      enabled: setup.leaseMs > 0,
      leaseMs: setup.leaseMs,
      lastMonitorContactAgoMs: lease.contactAgoMs === null ? null : Math.round(lease.contactAgoMs),
      state: lease.state,
      message: lease.message,
      lastSelfFence:
        lease.lastSelfFence === null
          ? null
          : { agoMs: Math.round(lease.lastSelfFence.agoMs), message: lease.lastSelfFence.message },
    },
  };
}

export interface ReportInputs {
  readonly setup: AgentSetup;
  readonly memory: AgentMemory;
  readonly version: string;
  readonly osUptimeS: number;
  readonly agentUptimeS: number;
  readonly network: {
    readonly bound: ReadonlySet<string>;
    readonly error: { readonly code: string; readonly message: string } | null;
  };
  readonly mysql: MysqlView;
  readonly writer: WriterView;
  readonly disks: readonly DiskView[];
}

export function buildReport(i: ReportInputs): AgentStatusReport {
  const m = i.memory;
  return {
    apiVersion: AGENT_API_VERSION,
    agentVersion: i.version,
    host: i.setup.host.name,
    interface: i.setup.host.clusterInterface,
    osUptimeS: i.osUptimeS,
    agentUptimeS: i.agentUptimeS,
    vips: { bound: i.setup.clusterRoleIps.filter((r) => i.network.bound.has(r.ip)), error: i.network.error },
    mysql: i.mysql,
    hostState: m.hostState,
    roles: m.roles,
    activeMaster: m.activeMaster,
    stamp: m.stamp,
    writer: i.writer,
    disks: i.disks,
  };
}
