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
          include: ['test/unit/**/*.test.ts', 'test/scenarios/**/*.test.ts', 'test/property/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/system/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
    ],
    coverage: {
      provider: 'v8',
      include: ['common/**', 'monitor/**', 'agent/**', 'control/**'],
    },
  },
});
