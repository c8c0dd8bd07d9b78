// The lab's public surface: import from 'test/lab/index.js' in tests, benchmarks and the demo.
export * from './addr.js';
export { Lab, type LabHost, type LabOptions, type ResolvedLabOptions, type SqlOptions } from './lab.js';
export type { ConsistencyOptions, RowKey, TableConsistency } from './consistency.js';
export type { Row } from './db.js';
export type { DownReport } from './teardown.js';
export type { HostStatus } from './status.js';
export { formatStatus } from './status.js';
export { parseSlaveStatus, type ReplicaStatus, type ThreadState } from './replication.js';
export type { LabProcess, ProcessExit, SpawnOptions } from './spawn.js';
export type { RunOptions, RunResult } from './proc.js';
export { LAB_GRANTS, LAB_USERS, type Credentials, type LabUser } from './users.js';
export { ensureTemplate } from './template.js';
export { ensurePackages, missingPackages } from './install.js';
export { labLockOwner } from './lock.js';
export { boundVips, clusterYaml, type ClusterYamlOptions } from './cluster-config.js';
export {
  InvariantSampler,
  WriterClient,
  firstAckAfter,
  formatWorkloadSummary,
  isUncertain,
  lastAckBefore,
  maxGap,
  outageAround,
  sampleViolations,
  summarizeSamples,
  verifyAcks,
  vipHolders,
  waitConverged,
  writableHosts,
  type Ack,
  type Gap,
  type HostObservation,
  type InvariantSamplerOptions,
  type ReadOnlyState,
  type Sample,
  type SamplerSummary,
  type Violation,
  type ViolationKind,
  type WorkloadError,
  type WorkloadSummaryInput,
  type WriterClientOptions,
} from './workload.js';
