import { defineConfig } from 'vitest/config';
import { CASES_PROJECT } from './harness/cases-project.ts';
import { REPORT_OPTIONS } from './harness/run-options.ts';
import { resolveOptions } from './kernel/options.ts';
import { newRunId } from './kernel/run-id.ts';

// The config door of a vitest run. One id per run names the report dir (`pnpm e2e` passes
// BOXLITE_E2E_RUN_ID, a bare vitest run gets one here); the reporters get it as options and
// the global setups through `provide`, so nothing else reads the environment.
const { values: opts } = resolveOptions(REPORT_OPTIONS, [], process.env);
const runId = opts.runId ?? newRunId();
const reportDir = `reports/${runId}`;
const runReport = {
  runId,
  stepSummary: opts.stepSummary ?? null,
  // A remote stack's key from env is a secret too; the stack's own come from its secrets file.
  extraSecrets: opts.apiKey ? [opts.apiKey] : [],
};

/**
 * Three projects:
 *   unit   no services
 *   self-test  self-tests (`*.self-test.ts`) of bootstrap / sim / stack / harness / tools; each
 *          brings its own services up in a temp state dir. Files run one at a time: one Docker
 *          engine, two cores.
 *   cases  the contract suite against the stack under test (sim by default); the global
 *          setup makes sure it is up and hands the stack handle to the workers.
 */
export default defineConfig({
  test: {
    provide: { runId },
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
      ['./harness/reporters/run-report.ts', runReport],
      './harness/reporters/summary-line.ts',
    ],
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['**/*.test.ts'],
          exclude: ['cases/**', '**/node_modules/**', '.e2e-state/**', '.stryker-tmp/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'self-test',
          sequence: { groupOrder: 1 },
          globalSetup: ['./harness/self-test-setup.ts'],
          include: ['**/*.self-test.ts'],
          exclude: ['cases/**', '**/node_modules/**', '.e2e-state/**', '.stryker-tmp/**'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
      {
        test: { ...CASES_PROJECT, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
