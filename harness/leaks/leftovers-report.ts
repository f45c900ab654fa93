/**
 * Where the end-of-run leak check lands: `leftovers.json` in the report dir, and a section of
 * summary.md. vitest tears the global setup down after its reporters finished, so the check
 * usually runs after the summary was written: then it appends its section; should the order
 * ever be the other way round, the summary renderer reads the JSON (markdown.ts).
 */
import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Leftovers } from './guard.ts';

const SECTION = '## End of run: leftovers';

/** Anything at all survived the run. */
export function hasLeftovers(l: Leftovers): boolean {
  return l.inApi.length > 0 || l.onRunner.length > 0 || Object.keys(l.resources ?? {}).length > 0;
}

export const leftoversFile = (reportDir: string) => join(reportDir, 'leftovers.json');

export function leftoversSection(l: Leftovers): string[] {
  const clean = !hasLeftovers(l);
  return [SECTION, '', `- ${clean ? '' : '**LEAK** '}${l.message}`, ''];
}

export async function writeLeftovers(reportDir: string, l: Leftovers): Promise<void> {
  await writeFile(leftoversFile(reportDir), `${JSON.stringify(l, null, 2)}\n`);
  const summary = join(reportDir, 'summary.md');
  if (!existsSync(summary)) return;
  if ((await readFile(summary, 'utf8')).includes(SECTION)) return;
  await appendFile(summary, `\n${leftoversSection(l).join('\n')}\n`);
}

export async function readLeftovers(reportDir: string): Promise<Leftovers | null> {
  try {
    return JSON.parse(await readFile(leftoversFile(reportDir), 'utf8')) as Leftovers;
  } catch {
    return null;
  }
}
