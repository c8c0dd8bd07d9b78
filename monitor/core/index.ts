// Public API of the monitor's pure core. The monitor shell calls only these: reconcileStartup once, then
// decide every tick and runCommand for every mmm_control request; the renderers, the status-file
// conversions and applySwitchover serve the API, the status file and the switchover executor.
export { decide, pushOrder, type ActiveMasterChange, type TickResult, type TickSnapshot } from './decide.js';
export { runCommand, splitWords } from './commands/index.js';
export {
  exitCodeOf,
  type CommandChanges,
  type CommandContext,
  type CommandOutcome,
  type SwitchoverRequest,
} from './commands/context.js';
export { applySwitchover, type SwitchoverCommit } from './switchover.js';
export { reconcileStartup, type StartupResult } from './startup/reconcile.js';
export type { AgentView, Answer, StartupInput, SystemView } from './startup/views.js';
export { parseStatus, serializeStatus, type StatusWarning, type StoredHost, type StoredStatus } from './status-file.js';
export { renderShow, showData, type ShowData } from './render/show.js';
export { checkRows, renderChecks, type CheckRow } from './render/checks.js';
export { formatMmmDate, type UtcOffset } from './render/date.js';
export { checkInvariants } from './invariants.js';
export { desiredStates, initialModel, unknownChecks } from './model.js';
export { buildTopology, type Topology } from './topology.js';
export type { AgentObservation } from './agents.js';
export { HELP_TEXT, logText, say } from './messages.js';
export * from './types.js';
// Failover planning (issue 6): facts, candidate ranking, the recovery plan, rejoin, audit, model updates.
export { sqlBroken, type FactsByHost, type GtidFacts, type ReplicationFacts } from './failover/facts.js';
export { errantGtids, unappliedGtids } from './failover/gtid-view.js';
export { rankWriterCandidates, type Exclusion, type Ranking } from './failover/candidates.js';
export {
  modelWriter,
  planRecovery,
  type FenceStep,
  type OpenWriter,
  type PlanInput,
  type RecoveryKind,
  type RecoveryPlan,
  type RepointStep,
} from './failover/plan.js';
export { rejoinActions, type RejoinActions } from './failover/rejoin.js';
export { holdBackOldWriterRoles } from './failover/hold-back.js';
export {
  addToHistory,
  recoveryId,
  renderHistory,
  renderPlan,
  renderRecord,
  HISTORY_SIZE,
  type FencedBy,
  type RecoveryRecord,
  type RecoveryStep,
  type StepOutcome,
} from './failover/audit.js';
export {
  blockFailover,
  consumePromoteOnce,
  markCannotFollow,
  noteFailoverDone,
  type ModelUpdate,
} from './failover/outcome.js';
export { ACK_HINT, antiFlapHolds } from './failover/tick.js';
export { failoverExplanation } from './render/explain.js';
export type { FailoverContext } from './commands/context.js';
