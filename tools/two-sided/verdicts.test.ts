import { describe, expect, test } from 'vitest';
import {
  type CaseOutcome,
  type CaseStatus,
  checkClaims,
  countVerdicts,
  EXIT_CODES,
  exitCodeFor,
  judge,
  type Side,
  type SideRun,
  verdictsFor,
} from './verdicts.ts';

const outcome = (id: string, status: CaseStatus, detects: string[] = [], durationMs = 10): CaseOutcome => ({
  id: `cases/x.test.ts > ${id}`,
  file: 'cases/x.test.ts',
  detects,
  status,
  durationMs,
});
let order = 0;
const run = (side: Side, repeat: number, outcomes: CaseOutcome[]): SideRun => ({
  side,
  repeat,
  order: order++,
  wallMs: 1000,
  outcomes,
});

describe('judge: one verdict per case from the statuses of both sides', () => {
  test.each([
    [['failed'], ['passed'], 'fixed'],
    [['passed'], ['failed'], 'regressed'],
    [['failed'], ['failed'], 'still-failing'],
    [['passed'], ['passed'], 'unchanged'],
    [['passed', 'failed'], ['passed', 'passed'], 'flaky'],
    [['passed', 'passed'], ['failed', 'passed'], 'flaky'],
    [['skipped'], ['passed'], 'not-run'],
    [[], ['passed'], 'not-run'],
    [['failed', 'failed'], ['passed', 'passed'], 'fixed'],
    // A skip on one repeat is no data, not a different result.
    [['passed', 'skipped'], ['failed', 'failed'], 'regressed'],
  ] as [CaseStatus[], CaseStatus[], string][])('%j / %j → %s', (base, head, verdict) => {
    expect(judge(base, head)).toBe(verdict);
  });
});

describe('verdictsFor: runs of both sides → per-case verdicts', () => {
  test('every verdict kind, durations per side, case order kept', () => {
    const runs = [
      run('base', 0, [
        outcome('a', 'failed', ['bad-token-500'], 20),
        outcome('b', 'passed'),
        outcome('c', 'failed'),
        outcome('d', 'passed'),
        outcome('e', 'passed'),
      ]),
      run('head', 0, [
        outcome('a', 'passed', ['bad-token-500'], 40),
        outcome('b', 'failed'),
        outcome('c', 'failed'),
        outcome('d', 'passed'),
        outcome('e', 'failed'),
      ]),
      run('head', 1, [
        outcome('a', 'passed', ['bad-token-500'], 60),
        outcome('b', 'failed'),
        outcome('c', 'failed'),
        outcome('d', 'passed'),
        outcome('e', 'passed'),
      ]),
      run('base', 1, [
        outcome('a', 'failed', ['bad-token-500'], 30),
        outcome('b', 'passed'),
        outcome('c', 'failed'),
        outcome('d', 'passed'),
        outcome('e', 'passed'),
      ]),
    ];
    const v = verdictsFor(runs);
    expect(v.map((x) => [x.id.split(' > ')[1], x.verdict])).toEqual([
      ['a', 'fixed'],
      ['b', 'regressed'],
      ['c', 'still-failing'],
      ['d', 'unchanged'],
      ['e', 'flaky'],
    ]);
    expect(v[0]!.meanMs).toEqual({ base: 25, head: 50 });
    expect(v[0]!.statuses).toEqual({ base: ['failed', 'failed'], head: ['passed', 'passed'] });
    expect(countVerdicts(v)).toEqual({
      fixed: 1,
      regressed: 1,
      'still-failing': 1,
      flaky: 1,
      unchanged: 1,
      'not-run': 0,
    });
  });

  test('a case missing from a side (its run crashed) is not run there, never passed', () => {
    const v = verdictsFor([run('base', 0, [outcome('a', 'passed')]), run('head', 0, [])]);
    expect(v).toHaveLength(1);
    expect(v[0]!.verdict).toBe('not-run');
    expect(v[0]!.statuses.head).toEqual(['skipped']);
  });
});

describe('checkClaims: a claimed fix must show as fixed', () => {
  const verdicts = (pairs: [string, CaseStatus, CaseStatus, string[]][]) =>
    verdictsFor([
      run(
        'base',
        0,
        pairs.map(([id, b, , d]) => outcome(id, b, d)),
      ),
      run(
        'head',
        0,
        pairs.map(([id, , h, d]) => outcome(id, h, d)),
      ),
    ]);

  test('shown: a claiming case is fixed, another claiming case passes on both sides', () => {
    const [c] = checkClaims(
      ['bad-token-500'],
      verdicts([
        ['a', 'failed', 'passed', ['bad-token-500']],
        ['b', 'passed', 'passed', ['bad-token-500', 'exec-spawn-500']],
      ]),
    );
    expect(c).toMatchObject({ bug: 'bad-token-500', shown: true });
  });

  test('not shown: still failing, regressed, no claiming case, or nothing fixed', () => {
    const v = verdicts([
      ['a', 'failed', 'failed', ['bad-token-500']],
      ['b', 'failed', 'passed', ['exec-spawn-500']],
      ['c', 'passed', 'failed', ['exec-spawn-500']],
      ['d', 'passed', 'passed', ['create-invalid-accepted']],
    ]);
    const checks = checkClaims(
      ['bad-token-500', 'exec-spawn-500', 'quota-not-enforced', 'create-invalid-accepted'],
      v,
    );
    expect(checks.map((c) => c.shown)).toEqual([false, false, false, false]);
    expect(checks[0]!.why).toMatch(/still-failing/);
    expect(checks[1]!.why).toMatch(/regressed/);
    expect(checks[2]!.why).toMatch(/no selected case claims/);
    expect(checks[3]!.why).toMatch(/no claiming case fails on base/);
  });
});

describe('exitCodeFor: non-zero exactly on a finding, distinct codes', () => {
  const none = { regressions: 0, claimsNotShown: 0, perfRegressions: 0, infrastructureError: null };
  test.each([
    [none, 0],
    [{ ...none, regressions: 2 }, EXIT_CODES.regression],
    [{ ...none, claimsNotShown: 1 }, EXIT_CODES.claimNotShown],
    [{ ...none, perfRegressions: 1 }, EXIT_CODES.perfRegression],
    [{ ...none, regressions: 1, claimsNotShown: 1 }, 5],
    [{ ...none, regressions: 1, claimsNotShown: 1, perfRegressions: 3 }, 13],
    [
      { ...none, regressions: 1, infrastructureError: 'side head did not come up' },
      EXIT_CODES.infrastructure,
    ],
  ])('%j → %i', (findings, code) => {
    expect(exitCodeFor(findings)).toBe(code);
  });

  test('the codes are distinct', () => {
    const codes = Object.values(EXIT_CODES);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
