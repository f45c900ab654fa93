import { describe, expect, it } from 'vitest';
import { claimsByBug } from './claims.ts';
import { parseVitestJson, renderTeeth, teethFor } from './matrix.ts';

const r = (id: string, passed: boolean, detects = ['b1']) => ({ id, detects, passed });

describe('teeth matrix', () => {
  it('detected when a claiming case fails with the switch on and passes with it off', () => {
    const t = teethFor('b1', 's1', [r('a', false), r('b', true)], [r('a', true), r('b', true)]);
    expect(t.cells).toEqual({ a: 'caught', b: 'missed' });
    expect(t.detected).toBe(true);
  });

  it('undetected when every claiming case passes with the switch on', () => {
    const t = teethFor('b1', 's1', [r('a', true)], [r('a', true)]);
    expect(t.detected).toBe(false);
    expect(renderTeeth([t])).toMatch(/\*\*Undetected: b1\*\*/);
  });

  it('a case failing with the switch off is broken, and the bug is not counted as detected', () => {
    const t = teethFor('b1', 's1', [r('a', false)], [r('a', false)]);
    expect(t.cells.a).toBe('broken');
    expect(t.detected).toBe(false);
  });

  it('no claiming case at all is undetected', () => {
    expect(teethFor('b1', 's1', [], []).detected).toBe(false);
  });

  it('reads vitest JSON reporter output with meta.detects', () => {
    const json = {
      testResults: [
        {
          name: '/x/cases/errors.test.ts',
          assertionResults: [
            { ancestorTitles: ['errors', 'auth'], title: 't', status: 'failed', meta: { detects: ['b1'] } },
            { ancestorTitles: [], title: 'u', status: 'pending', duration: 7 },
          ],
        },
      ],
    };
    expect(parseVitestJson(json, '/x')).toEqual([
      {
        id: 'cases/errors.test.ts > errors > auth > t',
        detects: ['b1'],
        passed: false,
        file: 'cases/errors.test.ts',
        status: 'failed',
        durationMs: 0,
        notRunnable: false,
      },
      {
        id: 'cases/errors.test.ts > u',
        detects: [],
        passed: false,
        file: 'cases/errors.test.ts',
        status: 'skipped',
        durationMs: 7,
        notRunnable: false,
      },
    ]);
  });

  it('a collected claiming case missing from the results is not-run, beside the caught one', () => {
    const t = teethFor('b1', 's1', [r('a', false)], [r('a', true)], ['a', 'c']);
    expect(t.cells).toEqual({ a: 'caught', c: 'not-run' });
    expect(renderTeeth([t])).toContain('| b1 | s1 | c | not run |');
  });
});

describe('claims', () => {
  it('groups collected cases by the bugs they detect, files once each', () => {
    const c = (id: string, file: string, detects: string[], line: number | null = 1) => ({
      id,
      file,
      name: id,
      line,
      ports: [],
      detects,
    });
    const claims = claimsByBug([
      c('x > 1', 'cases/x.test.ts', ['b1']),
      c('x > 2', 'cases/x.test.ts', ['b1', 'b2']),
      c('y > 1', 'cases/y.test.ts', ['b2'], null),
      c('y > 2', 'cases/y.test.ts', []),
    ]);
    // Same line twice would be one filter; a case without a location falls back to its file.
    expect(claims.get('b1')).toEqual({
      ids: ['x > 1', 'x > 2'],
      files: ['cases/x.test.ts'],
      filters: ['cases/x.test.ts:1'],
    });
    expect(claims.get('b2')).toEqual({
      ids: ['x > 2', 'y > 1'],
      files: ['cases/x.test.ts', 'cases/y.test.ts'],
      filters: ['cases/x.test.ts:1', 'cases/y.test.ts'],
    });
    expect(claims.has('b3')).toBe(false);
  });
});
