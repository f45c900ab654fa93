import { describe, expect, it } from 'vitest';
import {
  indexCoverage,
  parseAccessLog,
  reachOf,
  type SelectionInput,
  selectTests,
  type TestRecord,
} from './selection.ts';

const t = (id: string, start: number, ms: number, state: TestRecord['state'] = 'passed'): TestRecord => ({
  id,
  file: `cases/${id}.test.ts`,
  line: 1,
  state,
  start,
  ms,
});

describe('mutation selection', () => {
  it('reads the access log, skipping lines cut in half', () => {
    const text = [
      '{"ts":"2026-01-01T00:00:00.000Z","route":"POST /boxes"}',
      '{"ts":"2026-01-01T00:00:01.000Z"}',
      '{"ts":"2026-01-01T00:00:0',
      '',
    ].join('\n');
    expect(parseAccessLog(text)).toEqual([
      { ts: Date.parse('2026-01-01T00:00:00.000Z'), route: 'POST /boxes' },
      { ts: Date.parse('2026-01-01T00:00:01.000Z') },
    ]);
  });

  it('gives each test the routes logged in its window, a little after its end included', () => {
    const tests = [t('a', 1000, 1000), t('b', 5000, 1000)];
    const lines = [
      { ts: 1500, route: 'POST /boxes' },
      { ts: 2900, route: 'DELETE /boxes/:id' },
      { ts: 5100, route: 'GET /boxes' },
      { ts: 5200 },
      { ts: 9000, route: 'GET /metrics' },
    ];
    expect(reachOf(tests, lines)).toEqual({
      a: ['DELETE /boxes/:id', 'POST /boxes'],
      b: ['GET /boxes', 'http'],
    });
  });

  it('merges both processes: run-time scopes per mutant, and what only module load covered', () => {
    const api = { static: { '1': 1 }, perTest: { 'POST /boxes': { '2': 3 }, http: { '3': 1 } } };
    const runner = { static: {}, perTest: { 'POST /boxes': { '4': 1 }, 'GET /boxes': { '2': 1 } } };
    expect(indexCoverage([api, runner])).toEqual({
      scopes: { '2': ['GET /boxes', 'POST /boxes'], '3': ['http'], '4': ['POST /boxes'] },
      statics: ['1'],
    });
  });

  const input = (budgetMs = 10_000): SelectionInput => ({
    tests: [t('fast', 0, 100), t('slow', 0, 5000), t('other', 0, 200), t('broken', 0, 50, 'failed')],
    reach: {
      fast: ['POST /boxes'],
      slow: ['POST /boxes', 'GET /boxes'],
      other: ['GET /metrics'],
      broken: ['POST /boxes'],
    },
    coverage: {
      scopes: {
        '1': ['POST /boxes'],
        '2': ['GET /metrics', 'http'],
        '3': ['GET /metrics'],
        '4': ['background lifecycle'],
      },
      statics: ['9'],
    },
    fileOf: { '1': 'sim/a.ts', '2': 'sim/a.ts', '3': 'sim/b.ts', '4': 'sim/c.ts' },
    budgetMs,
  });

  it('runs the passing cases that hit a route the mutant was covered under, fastest first', () => {
    expect(selectTests('1', input())).toMatchObject({ kind: 'run', by: 'routes', candidates: 2 });
    const sel = selectTests('1', input());
    expect(sel.kind === 'run' && sel.tests.map((x) => x.id)).toEqual(['fast', 'slow']);
  });

  it('stops at the budget, but always runs one', () => {
    const sel = selectTests('1', input(1000));
    expect(sel.kind === 'run' && sel.tests.map((x) => x.id)).toEqual(['fast']);
    const one = selectTests('1', input(1));
    expect(one.kind === 'run' && one.tests.length).toBe(1);
  });

  it('code before routing (auth, the router) is on every request: any case that made one, even if a route also covered it', () => {
    expect(selectTests('2', input())).toMatchObject({ kind: 'run', by: 'http', candidates: 3 });
  });

  it('falls back to the routes of its file when no case names its scope, else to any case', () => {
    const withSibling: SelectionInput = {
      ...input(),
      coverage: { scopes: { ...input().coverage.scopes, '5': ['background lifecycle'] }, statics: [] },
      fileOf: { ...input().fileOf, '5': 'sim/b.ts' },
    };
    expect(selectTests('5', withSibling)).toMatchObject({ kind: 'run', by: 'family', candidates: 1 });
    expect(selectTests('4', input())).toMatchObject({ kind: 'run', by: 'any', candidates: 3 });
  });

  it('says when a mutant was never reached, or reached only while the sim started', () => {
    expect(selectTests('8', input())).toEqual({ kind: 'no-coverage' });
    expect(selectTests('9', input())).toEqual({ kind: 'static' });
  });
});
