/** Reports built from plain numbers, for the bench's unit tests (not a test file itself). */
import { buildReport, type ReportV1, type SampleV1 } from './schema.ts';

/** One measured sample per index of the value lists; `warmup` leading samples flagged. */
export function reportOf(scenario: string, metrics: Record<string, number[]>, warmup = 0): ReportV1 {
  const n = Math.max(...Object.values(metrics).map((v) => v.length));
  const samples: SampleV1[] = Array.from({ length: n }, (_, i) => ({
    iteration: i + 1,
    warmup: i < warmup,
    wall_ms: 1000,
    bench_cpu_ms: 1,
    bench_busy_ms: 2,
    metrics: Object.fromEntries(
      Object.entries(metrics).flatMap(([k, v]) => (v[i] === undefined ? [] : [[k, v[i]!]])),
    ),
  }));
  return buildReport(scenario, samples, warmup, {
    started_at: '2026-01-01T00:00:00Z',
    label: `test ${scenario}`,
    git_commit: 'test',
    host: { kernel: 'test', arch: 'test', target: 'http://test' },
  });
}
