import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { buildsFile } from './harness/builds/state.ts';
import { CASES_PROJECT } from './harness/cases-project.ts';
import { REPORT_OPTIONS } from './harness/run-options.ts';
import { parseShard } from './harness/shard/plan.ts';
import { shardSequencer } from './harness/shard/sequencer.ts';
import { resolveOptions } from './kernel/options.ts';
import { REPO_ROOT } from './kernel/paths.ts';
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
// A shard (`pnpm e2e --shard i/n`) also writes vitest's blob report, which `pnpm e2e:merge`
// merges into one report; listed before run-report, whose secret scrub then covers it too.
const shard = opts.shard ? parseShard(opts.shard) : null;
const blob: Array<['blob', { outputFile: string }]> = shard
  ? [['blob', { outputFile: `${reportDir}/blob/blob-${shard.index}-${shard.count}.json` }]]
  : [];

// Never collected by unit or self-test: the cases project, state dirs, mutation scratch.
const NOT_OURS = [
  'cases/**',
  '**/node_modules/**',
  '.e2e-state/**',
  '.e2e-state-shard-*/**',
  '.stryker-tmp/**',
];

/**
 * Three projects:
 *   unit   no services
 *   self-test  self-tests (`*.self-test.ts`) of bootstrap / sim / stack / harness / tools; each
 *          brings its own services up in a temp state dir. Files run side by side, three at a
 *          time (they mostly wait on Docker and their stacks); those on the sim test kit share
 *          a test database and run one at a time (harness/self-test-runner.ts).
 *   cases  the contract suite against the stack under test (sim by default); the global
 *          setup makes sure it is up and hands the stack handle to the workers.
 */
export default defineConfig({
  test: {
    provide: { runId },
    // Shards balanced by a previous run's file durations, when given (harness/shard/plan.ts).
    // Files waiting for a background build last (harness/builds/).
    sequence: {
      sequencer: shardSequencer(opts.durations ?? null, REPO_ROOT, buildsFile(join(REPO_ROOT, reportDir))),
    },
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
      ...blob,
      ['./harness/reporters/run-report.ts', runReport],
      './harness/reporters/summary-line.ts',
    ],
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['**/*.test.ts'],
          exclude: NOT_OURS,
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'self-test',
          sequence: { groupOrder: 1 },
          globalSetup: ['./harness/self-test-setup.ts'],
          include: ['**/*.self-test.ts'],
          exclude: NOT_OURS,
          runner: './harness/self-test-runner.ts',
          maxWorkers: 3,
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
