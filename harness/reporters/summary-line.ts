/**
 * Prints one closing line "vitest: N passed, N failed, N skipped" that CI systems which read
 * plain summary lines understand, whatever else the default reporter printed. When the stack
 * died mid-run the line starts with the dead part and when (harness/infra/). An xpass is a
 * failure and an xfail a skip here, as vitest's own counts have them.
 */
import type { Reporter, TestModule } from 'vitest/node';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { type CaseRecord, collectCases, countOutcomes } from './outcomes.ts';
import { countPhrase } from './render/markdown.ts';

export function closingLine(cases: readonly CaseRecord[]): string {
  const n = countOutcomes(cases);
  const counts = countPhrase([
    { n: n.pass, label: 'passed', always: true },
    { n: n.fail + n.xpass, label: 'failed', always: true },
    { n: n.skip + n.xfail, label: 'skipped', always: true },
    { n: n['not-runnable'], label: 'not runnable here' },
    { n: n['not-run'], label: 'not run' },
  ]);
  // A dead stack leads: it is why the counts are what they are.
  const death = cases.map((c) => c.notRun ?? c.infrastructure).find((d) => d !== undefined);
  const lead = death ? `INFRASTRUCTURE: ${death.replace(/^infrastructure error: /, '')} — ` : '';
  return `vitest: ${lead}${counts}`;
}

export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    process.stdout.write(`\n${closingLine(collectCases(testModules, REPO_ROOT))}\n`);
  }
}
