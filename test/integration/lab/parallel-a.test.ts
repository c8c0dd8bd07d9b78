// Two labs at the same time from two vitest workers: this file holds lab 13, parallel-b.test.ts lab 14.
import { describe } from 'vitest';
import { pairedLabTest } from './pair.js';

describe('parallel labs (a)', () => {
  pairedLabTest(13, 14);
});
