import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseShard, planShards, readDurations, reportRunId, shardRunId, shardStateDir } from './plan.ts';

describe('shard argument', () => {
  it('i/n with 1 ≤ i ≤ n', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('0/3')).toThrow(/from 1 to the count/);
    expect(() => parseShard('4/3')).toThrow(/from 1 to the count/);
    expect(() => parseShard('2-3')).toThrow(/is not "i\/n"/);
  });

  it('a shard has its own state dir (unless named, or alone) and run id beside the unsharded ones', () => {
    expect(shardStateDir('/r/.e2e-state', { index: 2, count: 3 }, false)).toBe('/r/.e2e-state-shard-2of3');
    expect(shardStateDir('/ci/state', { index: 2, count: 3 }, true)).toBe('/ci/state');
    expect(shardStateDir('/r/.e2e-state', { index: 1, count: 1 }, false)).toBe('/r/.e2e-state');
    expect(shardRunId('R', { index: 1, count: 2 })).toBe('R-shard-1of2');
  });

  it('an explicit run id given to every shard still gives one report dir per shard, named once', () => {
    expect(reportRunId('ci-7', { index: 1, count: 2 })).toBe('ci-7-shard-1of2');
    expect(reportRunId('ci-7', { index: 2, count: 2 })).toBe('ci-7-shard-2of2');
    expect(reportRunId('m3-shard-2of3', { index: 2, count: 3 })).toBe('m3-shard-2of3');
    expect(reportRunId('plain', null)).toBe('plain');
  });
});

describe('shard plan from recorded durations', () => {
  const files = [
    'cases/a.test.ts',
    'cases/b.test.ts',
    'cases/c.test.ts',
    'cases/d.test.ts',
    'cases/e.test.ts',
  ];
  const durations = new Map([
    ['cases/a.test.ts', 9000],
    ['cases/b.test.ts', 5000],
    ['cases/c.test.ts', 4000],
    ['cases/d.test.ts', 1000],
  ]);

  it('every file lands in exactly one shard, for every count', () => {
    for (const n of [1, 2, 3, 5, 7]) {
      const plan = planShards(files, durations, n);
      expect(plan).toHaveLength(n);
      expect(plan.flatMap((s) => s.files).sort()).toEqual(files);
    }
  });

  it('longest first, each to the least loaded shard; an unknown file counts as the median', () => {
    const plan = planShards(files, durations, 2);
    // a 9000 → 1; b 5000 → 2; e (median 4500) → 2 (9500); c 4000 → 1 (13000); d 1000 → 2 (10500)
    expect(plan.map((s) => s.files)).toEqual([
      ['cases/a.test.ts', 'cases/c.test.ts'],
      ['cases/b.test.ts', 'cases/e.test.ts', 'cases/d.test.ts'],
    ]);
    expect(plan.map((s) => s.ms)).toEqual([13000, 10500]);
  });

  it('a file that needs the whole stack counts its time once per worker it holds', () => {
    const alone = { files: new Set(['cases/d.test.ts']), workers: 3 };
    // d 1000 × 3 = 3000: still dealt longest first, now after e (4500) and before nothing
    const plan = planShards(files, durations, 2, alone);
    expect(plan.map((s) => s.ms)).toEqual([13000, 12500]);
    expect(plan.flatMap((s) => s.files).sort()).toEqual(files);
  });

  it('the same inputs give the same plan in any order (every shard process computes it alone)', () => {
    expect(planShards([...files].reverse(), durations, 3)).toEqual(planShards(files, durations, 3));
  });

  it('durations come from a results.json: each file its start-to-end wall', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'durations-'));
    const file = join(dir, 'results.json');
    await writeFile(
      file,
      JSON.stringify({
        testResults: [
          { name: '/repo/cases/a.test.ts', startTime: 1000, endTime: 4500 },
          { name: '/repo/cases/b.test.ts', startTime: 2000 },
        ],
      }),
    );
    expect(readDurations(file, '/repo')).toEqual(new Map([['cases/a.test.ts', 3500]]));
    await writeFile(file, '{}');
    expect(() => readDurations(file, '/repo')).toThrow(/no testResults/);
  });
});
