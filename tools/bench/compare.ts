/**
 * Regression verdict between two v1.0 reports. Without statistics it is upstream's compare
 * exactly: join aggregates by name, take the `on` field, direction-aware ratio (latency up is
 * worse, throughput down is worse), flag above the threshold. With `stat: 'permutation'` it is
 * Firecracker's A/B rule instead: a metric is flagged only when the change is both significant
 * (permutation test on the raw per-iteration samples) and larger than the noise threshold —
 * a noisy machine then stops producing regressions that are not there.
 *
 * A pure function of the two reports, so a later two-sided mode (alternating runs of two
 * builds) calls `compareReports` on its own pair of reports.
 */
import { metricValues, type ReportV1 } from './schema.ts';
import { permutationTest, STAT_FIELDS, type StatField, statistic } from './stats.ts';

export interface CompareOptions {
  /** Aggregate field compared: p50, p90, p99, min, max, mean (stdev too without --stat). */
  on: string;
  /** Relative worsening that counts (0.2 = 20 %); with a test, the noise threshold. */
  threshold: number;
  stat: 'permutation' | null;
  /** Significance level of the test. */
  alpha: number;
  permutations: number;
  seed: number;
}

export const DEFAULT_COMPARE: CompareOptions = {
  on: 'p99',
  threshold: 0.2,
  stat: null,
  alpha: 0.05,
  permutations: 10_000,
  seed: 1,
};

export interface MetricRow {
  scenario: string;
  name: string;
  status: 'compared' | 'new' | 'removed' | 'skipped';
  base?: number;
  cur?: number;
  /** Positive = worse, whatever the metric's direction. */
  ratio?: number;
  higherIsBetter?: boolean;
  pValue?: number;
  regressed: boolean;
  note?: string;
}

export interface CompareResult {
  rows: MetricRow[];
  compared: number;
  regressions: MetricRow[];
  /** 1 on a regression or when nothing was compared, else 0. */
  exitCode: 0 | 1;
}

/** Upstream's ratio: (cur − base) / base, negated for higher-is-better; 0 when base is 0. */
export function regressionRatio(base: number, cur: number, higherIsBetter: boolean): number {
  if (base === 0) return 0;
  return higherIsBetter ? (base - cur) / base : (cur - base) / base;
}

export function checkCompareOptions(opts: CompareOptions): void {
  if (opts.stat && !(STAT_FIELDS as readonly string[]).includes(opts.on))
    throw new Error(`--on ${opts.on} cannot be tested on samples; use one of ${STAT_FIELDS.join(', ')}`);
  if (!(opts.threshold >= 0)) throw new Error(`--threshold must be a number >= 0, got ${opts.threshold}`);
  if (!(opts.alpha > 0 && opts.alpha < 1)) throw new Error(`--alpha must be in (0, 1), got ${opts.alpha}`);
  if (!(Number.isInteger(opts.permutations) && opts.permutations >= 100 && opts.permutations <= 200_000))
    throw new Error(`--permutations must be an integer in 100..200000, got ${opts.permutations}`);
}

function compareMetric(base: ReportV1, cur: ReportV1, name: string, opts: CompareOptions): MetricRow {
  const row: MetricRow = { scenario: cur.scenario, name, status: 'compared', regressed: false };
  const ba = base.aggregates.find((a) => a.name === name);
  const ca = cur.aggregates.find((a) => a.name === name);
  if (!ba || !ca) return { ...row, status: ca ? 'new' : 'removed' };
  const bv = (ba as unknown as Record<string, unknown>)[opts.on];
  const cv = (ca as unknown as Record<string, unknown>)[opts.on];
  if (typeof bv !== 'number' || typeof cv !== 'number')
    return { ...row, status: 'skipped', note: `missing '${opts.on}'` };
  const higher = ba.higher_is_better === true;
  Object.assign(row, { base: bv, cur: cv, higherIsBetter: higher, ratio: regressionRatio(bv, cv, higher) });
  const over = row.ratio! > opts.threshold;
  if (!opts.stat) return { ...row, regressed: over };
  const a = metricValues(base, name);
  const b = metricValues(cur, name);
  if (a.length < 2 || b.length < 2)
    return { ...row, status: 'skipped', note: `too few samples to test (${a.length} vs ${b.length})` };
  const field = opts.on as StatField;
  const test = permutationTest(a, b, (xs) => statistic(field, xs), opts);
  return { ...row, pValue: test.pValue, regressed: over && test.pValue < opts.alpha };
}

/** One scenario, base vs current. Different scenarios are an input error. */
export function compareReports(base: ReportV1, cur: ReportV1, opts: CompareOptions): CompareResult {
  checkCompareOptions(opts);
  if (base.scenario !== cur.scenario)
    throw new Error(`scenario mismatch: ${base.scenario} vs ${cur.scenario}`);
  const names = [...new Set([...base.aggregates, ...cur.aggregates].map((a) => a.name))].sort();
  return summarize(names.map((n) => compareMetric(base, cur, n, opts)));
}

export function summarize(rows: MetricRow[]): CompareResult {
  const compared = rows.filter((r) => r.status === 'compared').length;
  const regressions = rows.filter((r) => r.regressed);
  return { rows, compared, regressions, exitCode: regressions.length > 0 || compared === 0 ? 1 : 0 };
}

/** Several scenarios at once (two run directories), joined by scenario name. */
export function compareRuns(
  base: readonly ReportV1[],
  cur: readonly ReportV1[],
  opts: CompareOptions,
): CompareResult & { unmatched: string[] } {
  checkCompareOptions(opts);
  const byName = new Map(base.map((r) => [r.scenario, r]));
  const rows: MetricRow[] = [];
  const curNames = new Set(cur.map((r) => r.scenario));
  for (const c of cur) {
    const b = byName.get(c.scenario);
    if (b) rows.push(...compareReports(b, c, opts).rows);
  }
  const unmatched = [
    ...base.filter((r) => !curNames.has(r.scenario)).map((r) => `${r.scenario} (base only)`),
    ...cur.filter((r) => !byName.has(r.scenario)).map((r) => `${r.scenario} (current only)`),
  ];
  return { ...summarize(rows), unmatched };
}
