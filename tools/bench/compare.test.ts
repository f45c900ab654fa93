import { describe, expect, it } from 'vitest';
import {
  type CompareOptions,
  compareReports,
  compareRuns,
  DEFAULT_COMPARE,
  regressionRatio,
} from './compare.ts';
import { formatCompare } from './compare-text.ts';
import { reportOf } from './test-reports.ts';

const opts = (o: Partial<CompareOptions> = {}): CompareOptions => ({ ...DEFAULT_COMPARE, ...o });
const row = (r: ReturnType<typeof compareReports>, name: string) => r.rows.find((x) => x.name === name)!;

describe('compare (upstream rule)', () => {
  it('is direction-aware: latency up and throughput down are worse', () => {
    expect(regressionRatio(100, 130, false)).toBeCloseTo(0.3);
    expect(regressionRatio(100, 70, false)).toBeCloseTo(-0.3);
    expect(regressionRatio(50, 35, true)).toBeCloseTo(0.3);
    expect(regressionRatio(50, 65, true)).toBeCloseTo(-0.3);
    expect(regressionRatio(0, 5, false)).toBe(0);
  });

  it('flags above the threshold only, and exits 1 on a regression', () => {
    const base = reportOf('s', { exec_wall_ms: [100, 100], execs_per_sec: [50, 50], delete_ms: [10, 10] });
    const cur = reportOf('s', { exec_wall_ms: [125, 125], execs_per_sec: [60, 60], delete_ms: [11.9, 11.9] });
    const r = compareReports(base, cur, opts({ on: 'p50', threshold: 0.2 }));
    expect(row(r, 'exec_wall_ms').regressed).toBe(true);
    expect(row(r, 'execs_per_sec').regressed).toBe(false); // faster is not a regression
    expect(row(r, 'delete_ms').regressed).toBe(false); // +19 % is under 20 %
    expect(r.compared).toBe(3);
    expect(r.exitCode).toBe(1);
    expect(compareReports(base, cur, opts({ on: 'p50', threshold: 0.3 })).exitCode).toBe(0);
  });

  it('a throughput drop past the threshold is a regression', () => {
    const r = compareReports(
      reportOf('s', { execs_per_sec: [50] }),
      reportOf('s', { execs_per_sec: [30] }),
      opts(),
    );
    expect(r.regressions.map((x) => x.name)).toEqual(['execs_per_sec']);
  });

  it('nothing compared exits 1: disjoint metrics are NEW / REMOVED', () => {
    const r = compareReports(reportOf('s', { a_ms: [1] }), reportOf('s', { b_ms: [1] }), opts());
    expect(r.compared).toBe(0);
    expect(r.exitCode).toBe(1);
    expect(r.rows.map((x) => x.status)).toEqual(['removed', 'new']);
    expect(formatCompare(r, opts(), { base: 'b', cur: 'c' })).toMatch(/ERROR: no metrics compared/);
  });

  it('different scenarios are an input error', () => {
    expect(() => compareReports(reportOf('x', { a: [1] }), reportOf('y', { a: [1] }), opts())).toThrow(
      /scenario mismatch/,
    );
  });

  it('run directories join by scenario and name what is unmatched', () => {
    const r = compareRuns(
      [reportOf('x', { a_ms: [10] }), reportOf('only-base', { a_ms: [1] })],
      [reportOf('x', { a_ms: [10] })],
      opts(),
    );
    expect(r.compared).toBe(1);
    expect(r.exitCode).toBe(0);
    expect(r.unmatched).toEqual(['only-base (base only)']);
  });

  it('rejects bad options in one line', () => {
    const base = reportOf('s', { a: [1, 2] });
    expect(() => compareReports(base, base, opts({ stat: 'permutation', on: 'stdev' }))).toThrow(
      /cannot be tested/,
    );
    expect(() => compareReports(base, base, opts({ alpha: 1.5 }))).toThrow(/--alpha/);
  });
});

describe('compare with --stat permutation (significant AND above the noise threshold)', () => {
  const stat = opts({ stat: 'permutation', on: 'p50', threshold: 0.1 });
  const steady = [100, 102, 98, 101, 99, 100, 103, 97];

  it('a clear, large shift is flagged, with its p-value', () => {
    const r = compareReports(
      reportOf('s', { x_ms: steady }),
      reportOf('s', { x_ms: steady.map((v) => v * 1.5) }),
      stat,
    );
    expect(row(r, 'x_ms').pValue).toBeLessThan(0.01);
    expect(r.exitCode).toBe(1);
    expect(formatCompare(r, stat, { base: 'b', cur: 'c' })).toMatch(/p=0\.00\d.*REGRESSION/);
  });

  it('a big p50 move that is noise (one wild sample pair) is not flagged', () => {
    const base = [100, 300, 100, 300, 100, 300];
    const cur = [300, 100, 300, 100, 300, 300];
    const r = compareReports(reportOf('s', { x_ms: base }), reportOf('s', { x_ms: cur }), stat);
    expect(row(r, 'x_ms').ratio!).toBeGreaterThan(0.1);
    expect(row(r, 'x_ms').pValue!).toBeGreaterThan(0.05);
    expect(r.exitCode).toBe(0);
  });

  it('a significant change below the noise threshold is not flagged', () => {
    const r = compareReports(
      reportOf('s', { x_ms: steady }),
      reportOf('s', { x_ms: steady.map((v) => v + 5) }),
      stat,
    );
    expect(row(r, 'x_ms').pValue).toBeLessThan(0.05);
    expect(row(r, 'x_ms').regressed).toBe(false);
    expect(r.exitCode).toBe(0);
  });

  it('too few samples cannot be tested; if nothing else compares, that is exit 1', () => {
    const r = compareReports(reportOf('s', { x_ms: [1] }), reportOf('s', { x_ms: [9] }), stat);
    expect(row(r, 'x_ms')).toMatchObject({ status: 'skipped', regressed: false });
    expect(r.exitCode).toBe(1);
  });
});
