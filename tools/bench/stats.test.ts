import { describe, expect, it } from 'vitest';
import { mean, percentile, permutationTest, seededRandom, statistic, stdev } from './stats.ts';

describe('percentile (linear interpolation, as upstream)', () => {
  const xs = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
  it.each([
    [0, 1],
    [50, 5.5],
    [90, 9.1],
    [99, 9.91],
    [100, 10],
  ])('p%d of 1..10 is %d', (p, want) => {
    expect(percentile(xs, p)).toBeCloseTo(want, 10);
  });
  it('one sample is every percentile; none is NaN', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
  it('mean and sample stdev (n − 1)', () => {
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    expect(stdev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138, 3);
    expect(stdev([3])).toBe(0);
  });
  it('statistic() names the same fields as an aggregate', () => {
    expect(statistic('p50', xs)).toBe(5.5);
    expect(statistic('max', xs)).toBe(10);
    expect(statistic('mean', xs)).toBe(5.5);
  });
});

/** Normal samples from a seeded generator (Box–Muller), so the tests are deterministic. */
function normal(n: number, mu: number, sigma: number, seed: number): number[] {
  const r = seededRandom(seed);
  return Array.from(
    { length: n },
    () => mu + sigma * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()),
  );
}

describe('permutation test', () => {
  const opts = { permutations: 2000, seed: 7 };
  const med = (xs: readonly number[]) => percentile(xs, 50);

  it('a clear shift is significant (Monte Carlo: 30 vs 30 samples)', () => {
    const a = normal(30, 100, 5, 1);
    const b = normal(30, 130, 5, 2);
    const r = permutationTest(a, b, mean, opts);
    expect(r.exact).toBe(false);
    expect(r.observed).toBeGreaterThan(20);
    expect(r.pValue).toBeLessThan(0.01);
  });

  it('a clear shift is significant (exact: 5 vs 5 fully separated → 2/252)', () => {
    const r = permutationTest([10, 11, 12, 13, 14], [20, 21, 22, 23, 24], mean, opts);
    expect(r.exact).toBe(true);
    expect(r.evaluated).toBe(252);
    expect(r.pValue).toBeCloseTo(2 / 252, 10);
    // A median moves less under relabelling: more splits reach the same distance.
    expect(permutationTest([10, 11, 12, 13, 14], [20, 21, 22, 23, 24], med, opts).pValue).toBeCloseTo(
      12 / 252,
      10,
    );
  });

  it('identical samples are not significant', () => {
    const a = normal(20, 100, 5, 3);
    expect(permutationTest(a, [...a], mean, opts).pValue).toBe(1);
    expect(permutationTest([5, 5, 5], [5, 5, 5], med, opts).pValue).toBe(1);
  });

  it('two draws from one distribution are not significant', () => {
    const r = permutationTest(normal(30, 100, 5, 4), normal(30, 100, 5, 5), mean, opts);
    expect(r.pValue).toBeGreaterThan(0.05);
  });

  it('is reproducible for a seed and never reports p = 0', () => {
    const a = normal(25, 10, 1, 6);
    const b = normal(25, 20, 1, 8);
    const r1 = permutationTest(a, b, mean, opts);
    expect(permutationTest(a, b, mean, opts)).toEqual(r1);
    expect(r1.pValue).toBeGreaterThan(0);
  });

  it('refuses an empty side', () => {
    expect(() => permutationTest([], [1], mean, opts)).toThrow(/both sides/);
  });
});
