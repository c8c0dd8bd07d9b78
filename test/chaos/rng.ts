// A small seeded random generator (mulberry32) for the chaos harness: every random choice of a run (fault
// timing, durations, victims) comes from the run's seed, so a failure can be replayed with --seed.

export class Rng {
  readonly seed: number;
  #state: number;

  constructor(seed: number) {
    this.seed = seed;
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new Error('Rng.pick: no items');
    return item;
  }
}

/** The seed of run `run` of `scenario` under the base seed: stable, independent per scenario and run. */
export function runSeed(base: number, scenario: string, run: number): number {
  let h = (base ^ 0x811c9dc5) >>> 0;
  for (const ch of `${scenario}#${run}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}
