import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` needs no services; `e2e` provisions real stacks (each self-test brings
 * its own up in a temp state dir). e2e files run one at a time: they share one Docker engine
 * and two cores, and parallel container churn only makes them slower and flakier.
 */
export default defineConfig({
  test: {
    reporters: ['default', './harness/reporters/summary-line.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/*.e2e.test.ts', '**/node_modules/**', '.e2e-state/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['**/*.e2e.test.ts'],
          exclude: ['**/node_modules/**', '.e2e-state/**'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
