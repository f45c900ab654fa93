/**
 * The `self-test` project's test runner: vitest's own, plus one rule that lets the self-test
 * files run side by side. Each file brings its own throw-away stack in a temp state dir, except
 * those built on the sim test kit (sim/testkit): their APIs share one test database on the
 * shared services, so they run one at a time — a reader-writer lock across the workers
 * (per-case/stack-lock.ts) that only they enter, each alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunnerTestSuite, TestRunner } from 'vitest';
import { REPO_ROOT } from '../kernel/paths.ts';
import { enterStack } from './per-case/stack-lock.ts';

/** Whether a self-test file starts sim processes on the shared test database (the sim test kit). */
export const usesSimTestKit = (source: string) =>
  /from '[./]*(sim\/)?testkit\/(suites|processes|test-services)\.ts'/.test(source);

export default class SelfTestRunner extends TestRunner {
  private leave: (() => void) | null = null;

  override async onBeforeRunSuite(suite: RunnerTestSuite): Promise<void> {
    if ('filepath' in suite && usesSimTestKit(readFileSync(suite.filepath as string, 'utf8'))) {
      const runId = this.injectValue('runId') as string;
      this.leave = await enterStack(join(REPO_ROOT, 'reports', runId, 'sim-test-kit-lock'), true);
    }
    await super.onBeforeRunSuite(suite);
  }

  override async onAfterRunSuite(suite: RunnerTestSuite): Promise<void> {
    try {
      await super.onAfterRunSuite(suite);
    } finally {
      if ('filepath' in suite) {
        this.leave?.();
        this.leave = null;
      }
    }
  }
}
