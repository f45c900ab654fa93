import { describe, expect, it } from 'vitest';
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
          assertionResults: [{ fullName: 'e t', status: 'failed', meta: { detects: ['b1'] } }],
        },
      ],
    };
    expect(parseVitestJson(json)).toEqual([{ id: 'errors.test.ts > e t', detects: ['b1'], passed: false }]);
  });
});
