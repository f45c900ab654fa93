/**
 * Prints one closing line "vitest: N passed, N failed, N skipped" that CI systems which read
 * plain summary lines understand, whatever else the default reporter printed.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    let notRunnable = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else if (test.meta().notRunnable) notRunnable += 1;
        else skipped += 1;
      }
      // A file that failed to load, or failed after its tests (a box it could not remove),
      // is a failure all the same.
      if (mod.errors().length > 0 || (mod.state() === 'failed' && [...mod.children.allTests()].length === 0))
        failed += 1;
    }
    const apart = notRunnable ? `, ${notRunnable} not runnable here` : '';
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped${apart}\n`);
  }
}
