import { describe, expect, it } from 'vitest';
import { errorKind } from '../error-kind.ts';
import { parseList, parseStats, printedId, splitCliError } from './parse.ts';

describe('boxlite CLI output', () => {
  it('takes the printed id from the last stdout line, and nothing that is not one', () => {
    expect(printedId('Gge7KY8NFE3q\n')).toBe('Gge7KY8NFE3q');
    expect(printedId('pulling…\nGge7KY8NFE3q\n')).toBe('Gge7KY8NFE3q');
    expect(printedId('')).toBeNull();
    expect(printedId('not an id\n')).toBeNull();
  });

  it('splits the CLI error block (per-box lines and detail included) from the command stderr', () => {
    expect(splitCliError('warning from the command\nError: No such box: x\n')).toEqual({
      error: 'No such box: x',
      rest: 'warning from the command\n',
    });
    const stop = 'Error: No such box: x\nError: Failed to stop all 1 box(es)\nErrors:\n  x: not found\n';
    expect(splitCliError(stop)).toEqual({
      error: 'No such box: x | Error: Failed to stop all 1 box(es) | Errors: | x: not found',
      rest: '',
    });
    const rm = "Error removing box 'x': not found: box x not found\nError: Some boxes could not be removed\n";
    expect(splitCliError(rm).error).toBe(
      "Error removing box 'x': not found: box x not found | Error: Some boxes could not be removed",
    );
    expect(splitCliError('CLI_ERR\n')).toEqual({ error: null, rest: 'CLI_ERR\n' });
  });

  it('reads ls and stats JSON into rows and a metric map', () => {
    const ls = '[{"ID":"a","Image":"i","Status":"Running","CreatedAt":"t","Names":"n"}]\n';
    expect(parseList(ls)).toEqual([{ ID: 'a', Image: 'i', Status: 'Running', CreatedAt: 't', Names: 'n' }]);
    expect(parseStats('[{"Metric":"CPU","Value":"N/A"},{"Metric":"Commands","Value":"2"}]')).toEqual({
      CPU: 'N/A',
      Commands: '2',
    });
    expect(() => parseList('┌────┐')).toThrow(/not JSON/);
  });
});

describe('error kinds across drivers', () => {
  it.each([
    ['HTTP 404 not_found: box x not found', 'not_found'],
    ['box not found: x', 'not_found'],
    ['not found: box x not found', 'not_found'],
    ['No such box: x', 'not_found'],
    ["rt.get('x') returned None", 'not_found'],
    ['configuration error: auth: invalid api key', 'unauthenticated'],
    ['stopped: box x is stopped; start it before exec', 'stopped'],
    ['Execution error: failed to spawn "nope"', 'execution_failed'],
    ['network error: connect failed reaching http://127.0.0.1:9/api/v1/x', 'network'],
    ['something else entirely', 'other'],
  ])('%s → %s', (text, kind) => expect(errorKind(text)).toBe(kind));

  it('no error has no kind', () => expect(errorKind(null)).toBeNull());
});
