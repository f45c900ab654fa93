import { describe, expect, it } from 'vitest';
import { type DriverSeen, renderCrossDriver } from './cross-driver.ts';

const ok = (stdout: string): DriverSeen => ({ stdout, stderr: '', exitCode: 0, error: null });

describe('cross-driver table', () => {
  it('one row per scenario, a column per driver; a disagreeing driver is marked and escaped', () => {
    const md = renderCrossDriver([
      { scenario: 'echo', expected: ok('hi\n'), seen: { rest: ok('hi\n'), cli: ok('h|i\n') } },
      {
        scenario: 'unknown box',
        expected: { stdout: '', stderr: '', exitCode: null, error: 'not_found' },
        seen: { rest: { stdout: '', stderr: '', exitCode: null, error: 'not_found' }, cli: ok('') },
      },
    ]);
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows[0]).toBe('| scenario | expected | rest | cli |');
    expect(rows[1]).toBe(
      '| echo | "hi\\n" / "" / exit 0 | ✓ "hi\\n" / "" / exit 0 | ✗ "h\\|i\\n" / "" / exit 0 |',
    );
    expect(rows[2]).toBe('| unknown box | error not_found | ✓ error not_found | ✗ "" / "" / exit 0 |');
  });
});
