// The one writer of mmm_control. Answers go to stdout exactly as MMM's mmm_control printed them (the monitor's
// text plus one "\n"), or as JSON with --json; our own diagnostics go to stderr prefixed `mmm_control: `.
// Colors only when stdout is a TTY, never with --json, never with NO_COLOR set, and never change the bytes a
// script would see (a pipe is not a TTY).

export interface TextSink {
  write(text: string): unknown;
}

export interface ControlIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** True when stdout is a terminal (colors allowed). */
  readonly isTTY?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What --json prints for every outcome, including the ones that never reached the monitor. */
export interface JsonAnswer {
  readonly ok: boolean;
  readonly exitCode: number;
  readonly text: string;
  readonly data?: unknown;
}

const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const RESET = '\u001b[0m';

export class Output {
  readonly #io: ControlIo;
  readonly #json: boolean;

  constructor(io: ControlIo, json: boolean) {
    this.#io = io;
    this.#json = json;
  }

  get json(): boolean {
    return this.#json;
  }

  /** The monitor's (or our) answer: MMM's text plus one newline, or the JSON document. */
  answer(a: JsonAnswer): void {
    if (this.#json) {
      const doc = { ok: a.ok, exitCode: a.exitCode, text: a.text, data: a.data ?? null };
      this.#io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      return;
    }
    this.#io.stdout.write(`${this.#colored(a.text)}\n`);
  }

  /** A plain line on stdout (--version, --help). */
  line(text: string): void {
    this.#io.stdout.write(`${text}\n`);
  }

  /**
   * A failure of our own (usage, configuration, credentials): always on stderr; with --json also as a JSON
   * document on stdout, so a script reading stdout learns the outcome too.
   */
  failure(exitCode: number, message: string): void {
    this.diagnostic(message);
    if (this.#json) this.answer({ ok: false, exitCode, text: message });
  }

  /** Diagnostics for the operator: each line prefixed with the program name, on stderr. */
  diagnostic(text: string): void {
    for (const l of text.split('\n')) this.#io.stderr.write(`mmm_control: ${l}\n`);
  }

  #colored(text: string): string {
    const env = this.#io.env ?? {};
    if (this.#io.isTTY !== true || env['NO_COLOR'] !== undefined) return text;
    return text.replace(/^(ERROR:|OK:)/gm, (m) => `${m === 'OK:' ? GREEN : RED}${m}${RESET}`);
  }
}
