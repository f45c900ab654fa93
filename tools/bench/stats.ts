/**
 * The statistics the bench reports and gates on. Percentiles interpolate linearly between
 * closest ranks, exactly like upstream's `bench/harness.py`, so a p99 here and a p99 there
 * mean the same number for the same samples. The permutation test is Firecracker's A/B idea
 * (`tools/ab_test.py`): shuffle the pooled raw samples between the two sides and ask how often
 * chance alone moves the statistic as far as the observed difference.
 */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

export const mean = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;

/** Sample standard deviation (n − 1), 0 for fewer than two values — Python's statistics.stdev. */
export function stdev(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((acc, v) => acc + (v - m) ** 2, 0) / (values.length - 1));
}

/** The summary fields a report aggregate carries; also the statistics a compare may test on. */
export const STAT_FIELDS = ['min', 'p50', 'p90', 'p99', 'max', 'mean'] as const;
export type StatField = (typeof STAT_FIELDS)[number];

export function statistic(field: StatField, values: readonly number[]): number {
  switch (field) {
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'mean':
      return mean(values);
    default:
      return percentile(values, Number(field.slice(1)));
  }
}

/** mulberry32: a tiny seeded PRNG, so a compare gives the same p-value every time it is run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PermutationOptions {
  /** Upper bound on the shuffles; when every split of the pool fits under it, all are enumerated. */
  permutations: number;
  seed: number;
}

export interface PermutationResult {
  /** statistic(b) − statistic(a). */
  observed: number;
  /** Two-sided: how often a relabelled split moves the statistic at least as far. */
  pValue: number;
  /** Splits evaluated, and whether they were all of them (exact) or a seeded sample. */
  evaluated: number;
  exact: boolean;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** Every way to choose k indices of n, as index lists (only called when the count is small). */
function* combinations(n: number, k: number, start = 0, picked: number[] = []): Generator<number[]> {
  if (picked.length === k) {
    yield picked;
    return;
  }
  for (let i = start; i <= n - (k - picked.length); i++) {
    picked.push(i);
    yield* combinations(n, k, i + 1, picked);
    picked.pop();
  }
}

/**
 * Permutation test of `statistic(b) − statistic(a)` on raw samples. Exact when the number of
 * distinct splits is within `permutations`, else a seeded Monte Carlo estimate with the
 * (count + 1) / (draws + 1) correction so a p-value is never zero.
 */
export function permutationTest(
  a: readonly number[],
  b: readonly number[],
  stat: (values: readonly number[]) => number,
  opts: PermutationOptions,
): PermutationResult {
  if (a.length === 0 || b.length === 0) throw new Error('permutation test needs samples on both sides');
  const pool = [...a, ...b];
  const observed = stat(b) - stat(a);
  // Floating-point sums of the same numbers in another order differ in the last bits.
  const tolerance = 1e-9 * Math.max(1, Math.abs(observed));
  const atLeastAsFar = (d: number) => Math.abs(d) >= Math.abs(observed) - tolerance;
  const total = binomial(pool.length, a.length);
  if (total <= opts.permutations) {
    let hits = 0;
    for (const idx of combinations(pool.length, a.length)) {
      const inA = new Set(idx);
      const sa = idx.map((i) => pool[i]!);
      const sb = pool.filter((_, i) => !inA.has(i));
      if (atLeastAsFar(stat(sb) - stat(sa))) hits++;
    }
    return { observed, pValue: hits / total, evaluated: total, exact: true };
  }
  const rand = seededRandom(opts.seed);
  const work = [...pool];
  let hits = 0;
  for (let n = 0; n < opts.permutations; n++) {
    // Partial Fisher–Yates: only the first |a| slots need to be a uniform random subset.
    for (let i = 0; i < a.length; i++) {
      const j = i + Math.floor(rand() * (work.length - i));
      [work[i], work[j]] = [work[j]!, work[i]!];
    }
    if (atLeastAsFar(stat(work.slice(a.length)) - stat(work.slice(0, a.length)))) hits++;
  }
  return {
    observed,
    pValue: (hits + 1) / (opts.permutations + 1),
    evaluated: opts.permutations,
    exact: false,
  };
}
