// What every suite gets from the runner (bench.ts) and gives back.
import type { Section } from '../lib/report.js';

export interface SuiteContext {
  readonly quick: boolean;
  /** --runs, when given. */
  readonly runs?: number;
  /** Lab id of this suite (each suite has its own, from the bench range 100–119). */
  readonly labId: number;
  /** --checks: 'default' (the configuration's defaults) or 'tuned' (check_period 1, trap_period 1, timeout 1). */
  readonly checks: 'default' | 'tuned';
  /** --faults (failover, keepalived). */
  readonly faults?: readonly string[];
  /** --sizes (scale). */
  readonly sizes?: readonly number[];
  readonly progress: (line: string) => void;
}

export interface SuiteResult {
  readonly title: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly sections: readonly Section[];
  readonly raw: unknown;
  readonly usesKeepalived?: boolean;
}

export const TUNED = { checkPeriod: 1, trapPeriod: 1, timeout: 1 } as const;
