import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../kernel/options.ts';
import { parseRate, parseRounds, RUN_OPTIONS } from './run-options.ts';

describe('run options', () => {
  it('defaults, and values from env', () => {
    expect(resolveOptions(RUN_OPTIONS, [], {}).values).toMatchObject({
      markers: 'on',
      noSetup: false,
      setupMs: 0,
      p06Rounds: '4x10',
      p06MaxLoss: '0',
    });
    const env = { BOXLITE_E2E_NO_SETUP: '1', BOXLITE_E2E_SETUP_MS: '1234', BOXLITE_E2E_MARKERS: 'off' };
    expect(resolveOptions(RUN_OPTIONS, [], env).values).toMatchObject({
      noSetup: true,
      setupMs: 1234,
      markers: 'off',
    });
  });

  it('the #563 reproducer size and loss rate', () => {
    expect(parseRounds('4x10')).toEqual({ boxes: 4, execs: 10 });
    expect(parseRounds('3')).toEqual({ boxes: 3, execs: 10 });
    expect(parseRate('0.05')).toBe(0.05);
    expect(() => parseRounds('lots')).toThrow('"lots" is not "N" or "NxM"');
    expect(() => parseRounds('0x1')).toThrow('N and M must be ≥ 1');
    expect(() => parseRate('1')).toThrow('"1" is not a rate in [0, 1)');
    expect(() => resolveOptions(RUN_OPTIONS, [], { BOXLITE_E2E_P06_MAX_LOSS: 'x' })).toThrow(
      /^BOXLITE_E2E_P06_MAX_LOSS: "x" is not a rate/,
    );
  });
});
