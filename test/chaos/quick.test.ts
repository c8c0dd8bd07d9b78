// The CI subset of the chaos suite (lab 121): the quick mode of two scenarios that need no failover, on one
// cluster under write load with the invariants sampled every 50 ms — the writer's agent killed (no failover,
// `show` warns) and the monitor killed and restarted (no role moves, newer epoch). Full runs: npm run chaos.
import { expect } from 'vitest';
import { chaosSubset } from './subset.js';

chaosSubset('chaos quick subset', 121, ['kill-writer-agent', 'monitor-restart'], (r) => {
  expect(r.finalWriter).toBe('db1');
});
