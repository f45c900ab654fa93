import { describe, expect, it } from 'vitest';
import type { ResourceCounts } from './counts.ts';
import { judge, MIXED, type RunRecord } from './longevity.ts';
import { verdictLine } from './report.ts';

const counts = (over: Partial<ResourceCounts> = {}): ResourceCounts => ({
  catalogRows: 2,
  catalogRowsTotal: 2,
  keys: 1,
  orgs: 1,
  boxes: 0,
  containers: 0,
  volumes: 0,
  snapshots: 0,
  runnerImages: 2,
  registryRepos: 2,
  ...over,
});

const record = (run: number, over: Partial<RunRecord> = {}): RunRecord => ({
  run,
  before: MIXED(run),
  runId: `r${run}`,
  wallS: 10 + run,
  exitCode: 0,
  cases: { pass: 3, fail: 0, xfail: 0 },
  resources: counts(),
  ports: { registry: 5000 },
  ...over,
});

describe('longevity verdict', () => {
  it('the first run may add (the guest images get recorded); from the second on nothing moves', () => {
    const res = judge([record(1, { resources: counts({ catalogRows: 0 }) }), record(2), record(3)]);
    expect([res.green, res.moved, res.portsMoved]).toEqual([true, [], []]);
    expect(verdictLine(res)).toBe(
      'longevity: 3 runs, all green, every count flat from run 2 on, same ports throughout; wall per run 11–13 s (mean 12.0 s)',
    );
  });

  it('names a count that grows, a red run and a port that moved', () => {
    const res = judge([
      record(1),
      record(2, { resources: counts({ registryRepos: 4 }) }),
      record(3, { resources: counts({ registryRepos: 6 }), exitCode: 1, ports: { registry: 5001 } }),
    ]);
    expect(verdictLine(res)).toMatch(
      /^longevity: 3 runs, red run\(s\): 3, moved from run 2 on: registryRepos 4→6, ports moved: registry;/,
    );
  });

  it('the mixed schedule: nothing, then a teardown, a sim restart, nothing, and again', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(MIXED)).toEqual([
      'nothing',
      'teardown',
      'sim restart',
      'nothing',
      'teardown',
      'sim restart',
      'nothing',
    ]);
  });
});
