import { EventEmitter } from 'node:events';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../kernel/errors.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import type { ReportV1, SampleV1 } from '../bench/schema.ts';
import { buildReport } from '../bench/schema.ts';
import { InterruptedError, Restore, watchInterrupts } from './cleanup.ts';
import { comparePooled, perfOrder, poolReports } from './perf.ts';
import { DEFAULT_PERF } from './perf-options.ts';
import { runTwoSided } from './run.ts';
import { alternated, blocked } from './schedule.ts';

describe('schedule', () => {
  test('both sides up: repeats alternate A B, B A, A B', () => {
    expect(alternated(3).map((s) => `${s.side[0]}${s.repeat}`)).toEqual(['b0', 'h0', 'h1', 'b1', 'b2', 'h2']);
  });
  test('one side at a time: all its repeats while it is up', () => {
    expect(blocked('head', 2)).toEqual([
      { side: 'head', repeat: 0 },
      { side: 'head', repeat: 1 },
    ]);
  });
  test('perf rounds alternate too', () => {
    expect(perfOrder(2)).toEqual(['base', 'head', 'head', 'base']);
  });
});

describe('restore', () => {
  test('undos run last-in first-out, all of them even when one fails, exactly once', async () => {
    const done: string[] = [];
    const r = new Restore();
    r.add('work dir', async () => void done.push('work dir'));
    r.add('worktree', async () => {
      throw new Error('git said no');
    });
    r.add('stacks', async () => void done.push('stacks'));
    expect(await r.run(() => {})).toEqual(['worktree: git said no']);
    expect(done).toEqual(['stacks', 'work dir']);
    expect(await r.run(() => {})).toEqual([]);
    expect(done).toHaveLength(2);
  });

  test('SIGINT and SIGTERM abort the run once; a second signal is only acknowledged', () => {
    const fake = new EventEmitter() as unknown as NodeJS.Process;
    const lines: string[] = [];
    const w = watchInterrupts((l) => lines.push(l), fake);
    fake.emit('SIGTERM');
    fake.emit('SIGINT');
    expect(w.signal.aborted).toBe(true);
    expect(w.signal.reason).toBeInstanceOf(InterruptedError);
    expect(w.received()).toBe('SIGTERM');
    expect(lines[1]).toMatch(/SIGINT again: still restoring/);
    w.dispose();
    expect((fake as unknown as EventEmitter).listenerCount('SIGINT')).toBe(0);
  });
});

const meta = { started_at: '', label: '', git_commit: '', host: { kernel: '', arch: '', target: '' } };
const samples = (values: number[], warm = 1): SampleV1[] =>
  values.map((v, i) => ({ iteration: i, warmup: i < warm, wall_ms: v, metrics: { exec_ms: v } }));
const report = (values: number[]): ReportV1 => buildReport('latency-exec', samples(values), 1, meta);

describe('perf A/B', () => {
  test('pooling keeps every measured sample of every run, drops warm-ups', () => {
    const [pooled] = poolReports([[report([999, 10, 11])], [report([999, 12, 13])]], 'base');
    expect(pooled!.samples.map((s) => s.metrics.exec_ms)).toEqual([10, 11, 12, 13]);
    expect(pooled!.metadata.label).toBe('base');
    expect(pooled!.aggregates[0]!.n).toBe(4);
  });

  const noisy = (centre: number, n: number) =>
    Array.from({ length: n }, (_, i) => centre + ((i * 37) % 11) - 5);

  test('a large, consistent slowdown is a regression', () => {
    const base = poolReports([[report([0, ...noisy(100, 20)])]], 'base');
    const head = poolReports([[report([0, ...noisy(160, 20)])]], 'head');
    const res = comparePooled({ base, head }, DEFAULT_PERF);
    expect(res.regressions.map((r) => r.name)).toEqual(['exec_ms']);
    expect(res.rows[0]!.pValue).toBeLessThan(0.05);
  });

  test('significant but under the noise threshold is not; nor is a large change that is not significant', () => {
    const base = poolReports([[report([0, ...noisy(100, 30)])]], 'base');
    const slightly = poolReports([[report([0, ...noisy(110, 30)])]], 'head');
    const small = comparePooled({ base, head: slightly }, DEFAULT_PERF);
    expect(small.rows[0]!.pValue).toBeLessThan(0.05);
    expect(small.regressions).toEqual([]);
    const few = comparePooled(
      {
        base: poolReports([[report([0, 100, 300])]], 'b'),
        head: poolReports([[report([0, 350, 150])]], 'h'),
      },
      DEFAULT_PERF,
    );
    expect(few.rows[0]!.ratio).toBeGreaterThan(DEFAULT_PERF.threshold);
    expect(few.regressions).toEqual([]);
  });
});

describe('runTwoSided refuses before creating anything', () => {
  const builder = {
    kind: 'boxlite' as const,
    concurrent: false,
    build: async () => '',
    up: async () => {},
    down: async () => {},
  };
  const opts = {
    base: 'main',
    head: 'pr',
    builder,
    checkout: '/nonexistent',
    cases: [],
    grep: null,
    repeat: 1,
    claims: [],
    perf: null,
    parallel: false,
    only: null,
    shard: null,
    config: {} as never,
    env: {},
    stepSummary: null,
    runId: 'x',
    workDir: '/nonexistent/work',
    log: () => {},
  };
  test('--perf on a target that brings one side up at a time', async () => {
    await expect(runTwoSided({ ...opts, perf: DEFAULT_PERF })).rejects.toThrow(UsageError);
  });
  test('--parallel on a target that brings one side up at a time', async () => {
    await expect(runTwoSided({ ...opts, parallel: true })).rejects.toThrow(/--parallel.*one at a time/);
  });
  test('a claim that is not a ledger bug', async () => {
    await expect(runTwoSided({ ...opts, claims: ['no-such-bug'] })).rejects.toBeInstanceOf(UsageError);
    await expect(runTwoSided({ ...opts, claims: ['no-such-bug'] })).rejects.toThrow(
      /^--claims: unknown ledger bug "no-such-bug"/,
    );
  });
  test('a work dir that is not empty (the restore would remove it)', async () => {
    await expect(runTwoSided({ ...opts, workDir: REPO_ROOT })).rejects.toThrow(/--work-dir .* is not empty/);
  });
  test('a checkout that is not a git repository', async () => {
    await expect(runTwoSided(opts)).rejects.toThrow('--checkout /nonexistent is not a git checkout');
  });
});
