// Contract between mmm_control and mmm_mond. The monitor does all MMM semantics and renders MMM's exact
// text; the CLI prints `text` (or `data` as JSON with --json) and exits with `exitCode`.
//
//   POST /v1/command   body CommandRequest  -> CommandResponse        (authenticated)
//   GET  /v1/health    -> { status: 'ok', mode, epoch }                (authenticated)
//   GET  /metrics      -> Prometheus text                              (authenticated)
//
// Authentication: `Authorization: Bearer <token>` (socket type token) or a client certificate (type ssl).

export const MONITOR_API_VERSION = 1;

export interface CommandRequest {
  /** The words after `mmm_control [@cluster]`, e.g. ['move_role', '--force', 'writer', 'db2']. */
  readonly args: readonly string[];
}

/** 0 = success, 1 = refused (MMM's `ERROR: ...`), 2 = usage error (MMM's `Invalid command ...`). */
export type CommandExitCode = 0 | 1 | 2;

export interface CommandResponse {
  readonly ok: boolean;
  readonly exitCode: CommandExitCode;
  /** MMM 2.2.1's exact answer text (the CLI appends the one "\n" that mmm_control appended). */
  readonly text: string;
  /** Structured form for --json. */
  readonly data?: unknown;
}
