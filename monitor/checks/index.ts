// Public surface of the checks layer (see README.md).
export {
  CheckScheduler,
  type ChangeListener,
  type HostProber,
  type ProberFactory,
  type CheckSchedulerOptions,
  type CheckStatusView,
  type ConnectionLostListener,
} from './scheduler.js';
export { NetworkChecker, pingIpProbe, type NetworkCheckerOptions } from './network.js';
export { Pinger, pingOnce, type PingMethod } from './ping.js';
export type { CheckResultState, StoredStatus } from './debounce.js';
export type { RawKind, RawResult } from './messages.js';
export type { HostObservation, MysqlReach, Observed, ObservationPatch, ReplicaObservation } from './observation.js';
export {
  cumulativeBuckets,
  LATENCY_BUCKETS_MS,
  type CheckRunMetrics,
  type ChecksMetrics,
  type HostMetrics,
} from './metrics.js';
export type { ProbeOutcome, ProbeSettings } from './probes.js';
