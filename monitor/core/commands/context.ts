// Shared plumbing of the `mmm_control` commands: what a command gets (model, config, the agents'
// reachability from the last tick, `now`), what it returns (MMM's answer plus the changes to apply), and a
// small working object that collects pushes, kills and a switchover request next to the model draft.
import type { DiskView } from '../../../common/api/agent.js';
import type { CommandExitCode, CommandResponse } from '../../../common/api/monitor.js';
import type { Config } from '../../../common/config/types.js';
import { Draft } from '../draft.js';
import type { UtcOffset } from '../render/date.js';
import type { Topology } from '../topology.js';
import type { RecoveryRecord } from '../failover/audit.js';
import type { FactsByHost } from '../failover/facts.js';
import type { OpenWriter } from '../failover/plan.js';
import {
  DEFAULT_OPTIONS,
  type ClusterModel,
  type CoreOptions,
  type LogEvent,
  type ModeChange,
  type PushStep,
  type RoleMove,
  type StateChange,
} from '../types.js';

export interface CommandContext {
  readonly config: Config;
  /** Epoch ms. */
  readonly now: number;
  /** Whether the host's agent answered at the last tick (stands in for MMM's synchronous agent PING). */
  readonly agentReachable: (host: string) => boolean;
  /** UTC offset for `checks` dates (local time in MMM). */
  readonly utcOffset: UtcOffset;
  readonly options?: CoreOptions;
  /** What the failover commands and explanations need from the shell (issue 6). */
  readonly failover?: FailoverContext;
  /** Free space where each host's mysqld writes, from its agent's last report. */
  readonly disks?: Readonly<Record<string, readonly DiskView[] | undefined>>;
}

export interface FailoverContext {
  /** Fresh facts per host (for `failover_plan`). */
  readonly facts: FactsByHost;
  /** Hosts that are or may be an open writer, with the last contact. */
  readonly open: readonly OpenWriter[];
  /** The last recoveries, oldest first. */
  readonly history: readonly RecoveryRecord[];
  /** What the recovery in progress is doing ('' when none). */
  readonly inProgress: string;
}

/**
 * A request to move the active-master (writer) role. The core does not move the writer itself: the shell
 * hands this to the switchover executor (fence the old writer, let the new one catch up, then promote), and
 * commits the result with applySwitchover. `response` is the text to answer once it succeeded.
 */
export interface SwitchoverRequest {
  readonly role: string;
  readonly ip: string;
  readonly from: string | undefined;
  readonly to: string;
  /** `move_role --force`: the target is REPLICATION_FAIL/DELAY and will be forced ONLINE. */
  readonly force: boolean;
}

/** Everything a command changed, for the shell to act on and to audit. */
export interface CommandChanges {
  readonly stateChanges: readonly StateChange[];
  readonly roleMoves: readonly RoleMove[];
  readonly modeChange: ModeChange | undefined;
  readonly events: readonly LogEvent[];
  /** Pushes to run now, in order (nothing in PASSIVE mode). */
  readonly push: readonly PushStep[];
  /** Hosts whose push must be followed by kill_host_bin if it fails (MMM: set_active from MANUAL/WAIT). */
  readonly killIfUnreached: readonly string[];
  readonly switchover: SwitchoverRequest | undefined;
}

export interface CommandOutcome {
  readonly response: CommandResponse;
  /** The model after the command (unchanged for read-only commands and refusals). */
  readonly model: ClusterModel;
  readonly changes: CommandChanges;
}

/** A command in progress: the model draft plus what must happen outside. */
export class CommandRun {
  readonly d: Draft;
  readonly push: PushStep[] = [];
  readonly kill: string[] = [];
  switchover: SwitchoverRequest | undefined;
  readonly ctx: CommandContext;
  readonly options: CoreOptions;

  constructor(topo: Topology, model: ClusterModel, ctx: CommandContext) {
    this.d = new Draft(topo, model, ctx.now);
    this.ctx = ctx;
    this.options = ctx.options ?? DEFAULT_OPTIONS;
  }

  /** Queues SET_STATUS pushes to `hosts` (one step) unless the monitor is PASSIVE. */
  pushNow(hosts: readonly string[]): void {
    if (this.d.mode !== 'PASSIVE' && hosts.length > 0) this.push.push({ hosts, clearBadRoles: false });
  }

  /** Finishes the run with MMM's answer `text`. */
  finish(text: string, data?: unknown): CommandOutcome {
    return {
      response: respond(text, data),
      model: this.d.toModel(),
      changes: {
        stateChanges: this.d.stateChanges,
        roleMoves: this.d.roleMoves,
        modeChange: this.d.modeChange(),
        events: this.d.events,
        push: this.push,
        killIfUnreached: this.kill,
        switchover: this.switchover,
      },
    };
  }
}

/** Exit code of an MMM answer: `ERROR:`/`Error:` refusals are 1, usage errors 2, everything else 0. */
export function exitCodeOf(text: string): CommandExitCode {
  if (text.startsWith('Invalid command ')) return 2;
  return text.startsWith('ERROR:') || text.startsWith('Error:') ? 1 : 0;
}

/** A CommandResponse for MMM's answer `text`. */
export function respond(text: string, data?: unknown): CommandResponse {
  const exitCode = exitCodeOf(text);
  return data === undefined ? { ok: exitCode === 0, exitCode, text } : { ok: exitCode === 0, exitCode, text, data };
}
