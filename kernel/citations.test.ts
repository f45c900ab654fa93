/**
 * Code and docs never cite this project's own issue tracker ("issue 13 point 5"): such a number
 * resolves nowhere in a clone, and what the issue asked for belongs in the text itself.
 * Upstream references stay allowed: `boxlite-ai/boxlite#563`, "upstream issue 563", PR numbers.
 */
import { describe, expect, it } from 'vitest';
import { readSource, repoTextFiles } from './source-files.ts';

const CITATION = /\bissues?\s*#?\s*\d+/gi;
const UPSTREAM = /boxlite-ai\/boxlite|upstream/i;

/** Each citation of our tracker in `text`: the line number and the words cited. */
function trackerCitations(text: string): { line: number; cited: string }[] {
  return text
    .split('\n')
    .flatMap((line, i) =>
      [...line.matchAll(CITATION)]
        .filter((m) => !UPSTREAM.test(line.slice(Math.max(0, (m.index ?? 0) - 40), m.index)))
        .map((m) => ({ line: i + 1, cited: m[0] })),
    );
}

describe('citations of our own tracker', () => {
  it('no file cites one', () => {
    const found = repoTextFiles()
      .filter((f) => f !== 'kernel/citations.test.ts')
      .flatMap((f) => trackerCitations(readSource(f)).map((c) => `${f}:${c.line} "${c.cited}"`));
    expect(found).toEqual([]);
  });

  it('the detector sees the forms a citation takes, and lets upstream ones through', () => {
    for (const text of ['argv cases (issue 13 point 7)', 'see Issue #4', 'issues 12 and 13', 'issue#9'])
      expect(trackerCitations(text), text).toHaveLength(1);
    for (const text of [
      'fixed in boxlite-ai/boxlite#563',
      'boxlite-ai/boxlite issue 563',
      'upstream issue #627',
      'boxlite-ai/boxlite PR #678',
      'the #563 reproducer',
      'no tissue 3 here',
    ])
      expect(trackerCitations(text), text).toEqual([]);
  });
});
