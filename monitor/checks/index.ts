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
export { FpingBatcher, parseFpingLine, Pinger, pingOnce, type PingMethod } from './ping.js';
export type { CheckResultState, StoredStatus } from './debounce.js';
export { DEFAULT_LIVENESS, livenessSettings, type LivenessSettings } from './liveness.js';
export {
  CONNECTION_ERRNOS,
  type Judgement,
  type LivenessVerdict,
  type ReplicaEvidence,
  type ReplicaView,
} from './liveness-verdict.js';
export type { RawKind, RawResult } from './messages.js';
export type {
  HostObservation,
  LivenessProbe,
  LivenessView,
  MysqlReach,
  Observed,
  ObservationPatch,
  ReplicaObservation,
} from './observation.js';
export {
  cumulativeBuckets,
  LATENCY_BUCKETS_MS,
  type CheckRunMetrics,
  type ChecksMetrics,
  type HostMetrics,
  type LivenessMetrics,
} from './metrics.js';
export type { LivenessProbeOutcome, ProbeOutcome, ProbeSettings } from './probes.js';
