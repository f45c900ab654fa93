import { defineConfig } from 'vitest/config';

// One id per run names the report dir; `pnpm e2e` sets it, a bare vitest run gets one here.
process.env.BOXLITE_E2E_RUN_ID ??= new Date().toISOString().replace(/[:.]/g, '-');
const reportDir = `reports/${process.env.BOXLITE_E2E_RUN_ID}`;

/**
 * Three projects:
 *   unit   no services
 *   e2e    self-tests of bootstrap / sim / fixtures; each brings its own services up in a temp
 *          state dir. Files run one at a time: one Docker engine, two cores.
 *   cases  the contract suite against the stack under test (sim by default); the global
 *          setup makes sure it is up and hands the stack handle to the workers.
 */
export default defineConfig({
  test: {
    outputFile: {
      junit: `${reportDir}/junit.xml`,
      json: `${reportDir}/results.json`,
    },
    reporters: [
      'default',
      'junit',
      'json',
      // vitest 5's HTML reporter takes a directory (`outputDir`), not an outputFile.
      ['html', { outputDir: `${reportDir}/html` }],
      './harness/reporters/run-report.ts',
      './harness/reporters/summary-line.ts',
    ],
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['**/*.test.ts'],
          exclude: ['**/*.e2e.test.ts', 'cases/**', '**/node_modules/**', '.e2e-state/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 1 },
          globalSetup: ['./harness/self-test-setup.ts'],
          include: ['**/*.e2e.test.ts'],
          exclude: ['cases/**', '**/node_modules/**', '.e2e-state/**'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
      {
        test: {
          name: 'cases',
          sequence: { groupOrder: 2 },
          include: ['cases/**/*.test.ts'],
          globalSetup: ['./harness/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          maxWorkers: 3,
        },
      },
    ],
  },
});
