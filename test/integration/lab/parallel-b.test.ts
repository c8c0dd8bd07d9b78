// Two labs at the same time from two vitest workers: this file holds lab 14, parallel-a.test.ts lab 13.
import { describe } from 'vitest';
import { pairedLabTest } from './pair.js';

describe('parallel labs (b)', () => {
  pairedLabTest(14, 13);
});
