import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { collectCases } from './collect.ts';

describe('collecting case declarations', () => {
  it('sees ports and detects however the case is written, without running it', async () => {
    const { cases, errors } = await collectCases({
      root: REPO_ROOT,
      include: ['tools/collect/samples/*.sample.ts'],
    });
    expect(errors).toEqual([]);
    const byName = Object.fromEntries(cases.map((c) => [c.name, c]));
    expect(byName['inherited > a test inside a claiming describe']?.detects).toEqual(['bug-a']);
    expect(byName['built in a loop: bug-b']?.detects).toEqual(['bug-b']);
    expect(byName['built in a loop: bug-c']?.detects).toEqual(['bug-c']);
    expect(byName['test.for row one']?.ports).toEqual(['upstream_for']);
    expect(byName['test.for row two']?.ports).toEqual(['upstream_for']);
    expect(byName['options held in a variable']).toMatchObject({
      ports: ['upstream_held'],
      detects: ['bug-d'],
    });
    expect(byName['an extended test']?.detects).toEqual(['bug-e']);
    expect(byName['claims nothing']).toMatchObject({ ports: [], detects: [], pins: [] });
    expect(byName['pinned > a test adding its own pin']?.pins).toEqual(['area.row-a', 'area.row-b']);
    const held = byName['options held in a variable']!;
    expect(held.id).toBe('tools/collect/samples/styles.sample.ts > options held in a variable');
    expect(held.line).toBeGreaterThan(1);
    // Names may come from the run's tuning, which is all the run context there is at import.
    expect(byName['sized by the tuning: 4 × 10']).toBeDefined();
  }, 120_000);

  it('names a file that fails to load instead of dropping its claims silently', async () => {
    const { errors } = await collectCases({
      root: REPO_ROOT,
      include: ['tools/collect/samples/*.broken.ts'],
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^tools\/collect\/samples\/throws\.broken\.ts: this file fails at import \(cases are collected without a stack/,
    );
  }, 120_000);
});
