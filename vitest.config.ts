import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure and fast (no network, no servers); `integration` starts real MariaDB
// servers in network namespaces (test/lab) and therefore needs root and runs with few workers.
export default defineConfig({
  test: {
    restoreMocks: true,
    unstubEnvs: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // unit tests run first, then the integration files with their own worker limit (vitest needs a
          // distinct group for projects with different maxWorkers)
          sequence: { groupOrder: 0 },
          include: [
            'test/unit/**/*.test.ts',
            'test/scenarios/**/*.test.ts',
            'test/property/**/*.test.ts',
            'test/golden/**/*.test.ts',
            'test/security/unit/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: [
            'test/integration/**/*.test.ts',
            'test/system/**/*.test.ts',
            'test/security/integration/**/*.test.ts',
            'test/bench/**/*.test.ts',
          ],
          exclude: ['test/integration/failover/**', '**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Files run in parallel in 2 forked workers (each test file uses its own lab id); the template
          // datadir is built once before they start.
          pool: 'forks',
          maxWorkers: 2,
          fileParallelism: true,
          globalSetup: ['test/lab/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          // Last and one file at a time: the failover labs and the chaos subsets each run a whole cluster
          // under write load with timing-sensitive assertions (lease + margin, the 50 ms invariant sampler);
          // two of them side by side on 2 cores starved each other (agents late by more than lease_margin).
          name: 'serial',
          sequence: { groupOrder: 2 },
          include: ['test/integration/failover/**/*.test.ts', 'test/chaos/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          pool: 'forks',
          maxWorkers: 1,
          fileParallelism: false,
          globalSetup: ['test/lab/global-setup.ts'],
        },
      },
    ],
    coverage: {
      provider: 'v8',
      include: ['common/**', 'monitor/**', 'agent/**', 'control/**'],
    },
  },
});
