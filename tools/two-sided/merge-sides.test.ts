import { describe, expect, test } from 'vitest';
import { joinSideRecords } from './merge-sides.ts';
import { parseTwoSidedArgs } from './options.ts';
import { newRecord, type TwoSidedRecord } from './record.ts';
import { judgeRuns } from './side-tasks.ts';
import type { CaseOutcome, CaseStatus, Side, SideRun } from './verdicts.ts';

const o = (name: string, status: CaseStatus, detects: string[] = []): CaseOutcome => ({
  id: `cases/${name[0]}.test.ts > ${name}`,
  file: `cases/${name[0]}.test.ts`,
  detects,
  status,
  durationMs: 100,
});
const BASE = [o('a1', 'failed', ['bad-token-500']), o('a2', 'passed'), o('b1', 'passed'), o('c1', 'failed')];
const HEAD = [o('a1', 'passed', ['bad-token-500']), o('a2', 'passed'), o('b1', 'failed'), o('c1', 'failed')];

const run = (side: Side, outcomes: CaseOutcome[], order = 0): SideRun => ({
  side,
  repeat: 0,
  order,
  wallMs: 1000,
  outcomes,
});

const record = (extra: Partial<TwoSidedRecord>): TwoSidedRecord =>
  newRecord({
    runId: 'r',
    reportRel: 'two-sided-r',
    target: 'sim',
    checkout: '/repo',
    cases: [],
    grep: null,
    repeat: 1,
    claims: ['bad-token-500'],
    sides: {},
    status: 'completed',
    phases: { build: 1, up: 2, cases: 3, perf: 0, down: 4, cleanup: 5, total: 15 },
    exitCode: 0,
    ...extra,
  });

const info = (sha: string) => ({ ref: sha, sha, worktree: '/w', stateDir: '/s', build: '' });
const side = (s: Side, outcomes: CaseOutcome[], shard?: string): TwoSidedRecord =>
  record({
    only: s,
    ...(shard ? { shard } : {}),
    sides: { [s]: info(s === 'base' ? 'aaa' : 'bbb') },
    runs: [run(s, outcomes)],
  });

/** What one host running both sides one after the other gives. */
function sequential(): TwoSidedRecord {
  const r = record({ runs: [run('base', BASE, 0), run('head', HEAD, 1)] });
  judgeRuns(r);
  return r;
}

const verdictSet = (r: TwoSidedRecord) =>
  r.verdicts.map((v) => `${v.id}: ${v.verdict} ${v.statuses.base}/${v.statuses.head}`).sort();

describe('two-sided sides on runners of their own, merged', () => {
  test('base and head run apart give the verdicts and claims of one sequential run', () => {
    const merged = joinSideRecords([side('head', HEAD), side('base', BASE)], 'm');
    expect(verdictSet(merged)).toEqual(verdictSet(sequential()));
    expect(merged.counts).toEqual(sequential().counts);
    expect(merged.claimChecks).toEqual(sequential().claimChecks);
    expect(merged.exitCode).toBe(1); // b1 regressed
    expect(Object.keys(merged.sides).sort()).toEqual(['base', 'head']);
  });

  test('each side in shards (disjoint files): still the same verdicts', () => {
    const inFiles = (xs: CaseOutcome[], files: string[]) =>
      xs.filter((x) => files.some((f) => x.file.includes(f)));
    const merged = joinSideRecords(
      [
        side('base', inFiles(BASE, ['a.test']), '1/2'),
        side('base', inFiles(BASE, ['b.test', 'c.test']), '2/2'),
        side('head', inFiles(HEAD, ['a.test', 'c.test']), '1/2'),
        side('head', inFiles(HEAD, ['b.test']), '2/2'),
      ],
      'm',
    );
    expect(verdictSet(merged)).toEqual(verdictSet(sequential()));
    expect(merged.runs.map((r) => `${r.side} ${r.outcomes.length}`)).toEqual(['base 4', 'head 4']);
    expect(merged.phases.total).toBe(15);
  });

  test('a missing side shard, or one without results, is an infrastructure failure naming it', () => {
    const broken = {
      ...side('head', [], '2/2'),
      status: 'infrastructure-error' as const,
      infrastructureError: 'setup failed',
    };
    const merged = joinSideRecords([side('base', BASE, '1/2'), side('head', HEAD, '1/2'), broken], 'm');
    expect(merged.exitCode).toBe(3);
    expect(merged.infrastructureError).toBe(
      'side runs without results: base shard 2/2: no report dir given; head shard 2/2: setup failed',
    );
  });

  test('side runs of different cases, commits or twice the same side are refused', () => {
    expect(() => joinSideRecords([side('base', BASE), { ...side('head', HEAD), grep: 'x' }], 'm')).toThrow(
      /differ in target, cases, grep/,
    );
    const otherBase = { ...side('base', BASE), sides: { base: info('ccc') } };
    expect(() => joinSideRecords([side('base', BASE), otherBase, side('head', HEAD)], 'm')).toThrow(
      /base runs are of different commits/,
    );
    expect(() => joinSideRecords([side('base', BASE), side('base', BASE)], 'm')).toThrow(/given twice/);
  });
});

describe('split-side arguments', () => {
  test('--only with --shard; --merge takes dirs and needs no refs', () => {
    const v = parseTwoSidedArgs(['--base', 'a', '--head', 'b', '--only', 'head', '--shard', '2/3'], {});
    expect(v.only).toBe('head');
    expect(v.shardOf).toEqual({ index: 2, count: 3 });
    expect(parseTwoSidedArgs(['--merge', 'd1', 'd2'], {}).dirs).toEqual(['d1', 'd2']);
    expect(() => parseTwoSidedArgs(['--merge'], {})).toThrow(/report dirs/);
    expect(() => parseTwoSidedArgs(['--base', 'a', '--head', 'b', '--shard', '1/2'], {})).toThrow(
      /needs --only/,
    );
    expect(() =>
      parseTwoSidedArgs(['--base', 'a', '--head', 'b', '--only', 'base', '--parallel'], {}),
    ).toThrow(/need both/);
    expect(() => parseTwoSidedArgs(['--head', 'b'], {})).toThrow(/--base and --head are required/);
  });
});
