/**
 * The `cases` vitest project, in one place: vitest.config.ts runs it, and the collector
 * (tools/collect/collect.ts) lists it — without the global setup, so listing needs no stack.
 */
export const CASES_PROJECT = {
  name: 'cases',
  include: ['cases/**/*.test.ts'],
  // Strict xfail for `meta.detects` and the per-test time split (per-case/case-runner.ts).
  runner: './harness/per-case/case-runner.ts',
  globalSetup: ['./harness/global-setup.ts'],
  testTimeout: 90_000,
  hookTimeout: 120_000,
  maxWorkers: 3,
  // A file tagged whole-stack runs with no other file at the same time (per-case/stack-lock.ts);
  // a sharded run weighs it as the whole stack's time (shard/plan.ts).
  tags: [{ name: 'whole-stack', description: 'needs the whole stack to itself: runs with no other file' }],
};
