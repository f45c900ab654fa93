/** Writes every report of a two-sided run and appends the summary to $GITHUB_STEP_SUMMARY when given. */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TwoSidedRecord } from './record.ts';
import { renderVerdictPage } from './report-html.ts';
import { renderVerdictJunit } from './report-junit.ts';
import { renderVerdictSummary } from './report-md.ts';

export async function writeReports(
  r: TwoSidedRecord,
  dir: string,
  stepSummary: string | null,
): Promise<void> {
  const summary = renderVerdictSummary(r);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'verdicts.json'), `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(join(dir, 'run.json'), `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(join(dir, 'summary.md'), summary);
  await writeFile(join(dir, 'junit.xml'), renderVerdictJunit(r));
  await writeFile(join(dir, 'index.html'), renderVerdictPage(r));
  if (stepSummary) await appendFile(stepSummary, `${summary}\n`);
}
