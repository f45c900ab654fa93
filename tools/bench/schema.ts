/**
 * Upstream's bench report schema v1.0 (`bench/harness.py` build_report), field for field, so
 * upstream's `python -m bench compare` reads our files and our compare reads theirs.
 *
 * Two deliberate differences, both invisible to upstream's compare (it reads only
 * schema_version, scenario, metadata.label, sample_count and aggregates):
 *   - `samples[].wall_ms` is the iteration's real wall time; upstream stores the first metric's
 *     value there.
 *   - extension fields, all optional: `metadata.run_id`, `metadata.target_kind`,
 *     `samples[].bench_cpu_ms` / `bench_busy_ms` (the harness's own CPU time and event-loop
 *     busy time in that iteration) and `samples[].series` (per-step times inside an
 *     iteration, for drift charts).
 */
import { mean, percentile, stdev } from './stats.ts';

export const SCHEMA_VERSION = '1.0';

export interface SampleV1 {
  iteration: number;
  warmup: boolean;
  wall_ms: number;
  metrics: Record<string, number>;
  error?: string;
  bench_cpu_ms?: number;
  bench_busy_ms?: number;
  series?: Record<string, number[]>;
}

export interface AggregateV1 {
  name: string;
  unit: string;
  higher_is_better: boolean;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  stdev: number;
  n: number;
}

export interface ReportMetadata {
  started_at: string;
  label: string;
  git_commit: string;
  host: { kernel: string; arch: string; target: string };
  run_id?: string;
  target_kind?: string;
}

export interface ReportV1 {
  schema_version: typeof SCHEMA_VERSION;
  scenario: string;
  metadata: ReportMetadata;
  sample_count: number;
  warmup_count: number;
  samples: SampleV1[];
  aggregates: AggregateV1[];
}

/** Upstream's rule, by name: throughput metrics end in _per_sec or _rps. */
export const higherIsBetter = (name: string): boolean => name.endsWith('_per_sec') || name.endsWith('_rps');

export function aggregate(name: string, values: readonly number[], unit = 'ms'): AggregateV1 {
  return {
    name,
    unit,
    higher_is_better: higherIsBetter(name),
    min: Math.min(...values),
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: Math.max(...values),
    mean: mean(values),
    stdev: stdev(values),
    n: values.length,
  };
}

/** Values of one metric over the measured samples (warm-ups and failed iterations excluded). */
export function metricValues(report: Pick<ReportV1, 'samples'>, name: string): number[] {
  return report.samples
    .filter((s) => !s.warmup && !s.error && typeof s.metrics[name] === 'number')
    .map((s) => s.metrics[name]!);
}

export function buildReport(
  scenario: string,
  samples: SampleV1[],
  warmup: number,
  metadata: ReportMetadata,
): ReportV1 {
  const active = samples.filter((s) => !s.warmup);
  const names = [...new Set(active.flatMap((s) => Object.keys(s.metrics)))].sort();
  const aggregates = names
    .map((name) => ({ name, values: metricValues({ samples: active }, name) }))
    .filter((m) => m.values.length > 0)
    .map((m) => aggregate(m.name, m.values));
  return {
    schema_version: SCHEMA_VERSION,
    scenario,
    metadata,
    sample_count: active.length,
    warmup_count: warmup,
    samples,
    aggregates,
  };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks parsed JSON is a v1.0 report; `where` names the file in the one-line error. Only the
 * fields a compare or a chart needs are required, so an upstream file with extra keys passes.
 */
export function parseReport(data: unknown, where: string): ReportV1 {
  const bad = (why: string): never => {
    throw new Error(`${where} is not a bench report v${SCHEMA_VERSION}: ${why}`);
  };
  if (!isObj(data)) return bad('not a JSON object');
  if (data.schema_version !== SCHEMA_VERSION) bad(`schema_version is ${JSON.stringify(data.schema_version)}`);
  if (typeof data.scenario !== 'string') bad('scenario missing');
  if (!isObj(data.metadata)) bad('metadata missing');
  if (!Array.isArray(data.samples)) bad('samples is not a list');
  if (!Array.isArray(data.aggregates)) bad('aggregates is not a list');
  for (const [i, s] of (data.samples as unknown[]).entries()) {
    if (!isObj(s) || !isObj(s.metrics) || typeof s.iteration !== 'number')
      bad(`samples[${i}] needs iteration and metrics`);
  }
  for (const [i, a] of (data.aggregates as unknown[]).entries()) {
    if (!isObj(a) || typeof a.name !== 'string') bad(`aggregates[${i}] has no name`);
  }
  return data as unknown as ReportV1;
}
