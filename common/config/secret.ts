// A secret value (password, token). It never prints: String(), JSON and util.inspect all give '***'.
// Call reveal() only at the point of use (a MySQL connect, an Authorization header).
import { inspect } from 'node:util';

const MASK = '***';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return MASK;
  }
}
