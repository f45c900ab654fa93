/**
 * Prints one closing line "vitest: N passed, N failed, N skipped" that CI systems which read
 * plain summary lines understand, whatever else the default reporter printed. When the stack
 * died mid-run the line starts with the dead part and when (harness/infra/).
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    let notRunnable = 0;
    let notRun = 0;
    let death: string | undefined;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        const meta = test.meta();
        death ??= meta.notRun ?? meta.infrastructure;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else if (meta.notRun) notRun += 1;
        else if (meta.notRunnable) notRunnable += 1;
        else skipped += 1;
      }
      // A file that failed to load, or failed after its tests (a box it could not remove),
      // is a failure all the same.
      if (mod.errors().length > 0 || (mod.state() === 'failed' && [...mod.children.allTests()].length === 0))
        failed += 1;
    }
    const apart = `${notRunnable ? `, ${notRunnable} not runnable here` : ''}${notRun ? `, ${notRun} not run` : ''}`;
    // A dead stack leads: it is why the counts are what they are.
    const lead = death ? `INFRASTRUCTURE: ${death.replace(/^infrastructure error: /, '')} — ` : '';
    process.stdout.write(`\nvitest: ${lead}${passed} passed, ${failed} failed, ${skipped} skipped${apart}\n`);
  }
}
