// A session opened in advance and kept idle, so that a fence whose read_only=1 cannot land now (mysqld hung,
// e.g. SIGSTOP) is already written into the server's socket: the moment mysqld resumes, its thread for this
// session reads and runs it, before a client can open a new session and write (chaos sigstop-writer). A fresh
// connection would first need mysqld to accept, greet and authenticate it. The armed statement has no
// deadline; it is cancelled (KILL of its server thread) before this host is opened for writes again.
import { describeError, MmmError } from '../../common/errors/index.js';
import type { Logger } from '../../common/log/index.js';
import type { MysqlSession } from '../../common/mysql/connection.js';
import type { Statement } from '../../common/mysql/statement.js';

/** Longer than any freeze worth waiting for; the statement is cancelled explicitly instead. */
const ARMED_TIMEOUT_MS = 24 * 3600 * 1000;

export interface StandbyPorts {
  /** Opens a session as the agent's user (bounded by the connect timeout). */
  readonly open: () => Promise<MysqlSession>;
  /** Kills a server thread over the agent's main connection. */
  readonly killThread: (threadId: number) => Promise<void>;
  readonly logger: Logger;
}

export class StandbyReadOnly {
  readonly #p: StandbyPorts;
  #session: MysqlSession | undefined;
  #opening: Promise<void> | undefined;
  #armed: { readonly threadId: number; readonly done: Promise<void> } | undefined;

  constructor(ports: StandbyPorts) {
    this.#p = ports;
  }

  /** Opens the standby session when there is none (never throws; mysqld down: tried again next time). */
  async prepare(): Promise<void> {
    if ((this.#session !== undefined && !this.#session.closed) || this.#armed !== undefined) return;
    this.#opening ??= this.#p
      .open()
      .then((s) => {
        this.#session = s;
      })
      .catch(() => undefined)
      .finally(() => {
        this.#opening = undefined;
      });
    await this.#opening;
  }

  /** Sends `stmt` on the standby session without waiting for it; false when no session is ready. */
  arm(stmt: Statement): boolean {
    if (this.#armed !== undefined) return true;
    const s = this.#session;
    if (s === undefined || s.closed) return false;
    this.#session = undefined;
    const started = Date.now();
    const done = s.query(stmt, { timeoutMs: ARMED_TIMEOUT_MS }).then(
      () => {
        this.#p.logger.warn(`armed read_only=1 landed ${Date.now() - started} ms after it was sent (mysqld resumed)`);
      },
      () => undefined,
    );
    this.#armed = {
      threadId: s.threadId,
      done: done.finally(() => {
        this.#armed = undefined;
        s.destroy();
      }),
    };
    return true;
  }

  get armed(): boolean {
    return this.#armed !== undefined;
  }

  /**
   * Cancels an armed statement still waiting (its server thread is killed), before writes are allowed. Throws
   * when the kill cannot be sent (mysqld still hung): then writes must not be allowed either.
   */
  async disarm(): Promise<void> {
    const a = this.#armed;
    if (a === undefined) return;
    try {
      await this.#p.killThread(a.threadId);
    } catch (e) {
      throw new MmmError(
        'MMM_MYSQL_UNREACHABLE',
        `the read_only=1 armed while mysqld was hung (thread ${a.threadId}) could not be cancelled: ${describeError(e)}`,
      );
    }
    await a.done;
  }

  close(): void {
    this.#session?.destroy();
    this.#session = undefined;
  }
}
