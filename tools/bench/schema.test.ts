import { describe, expect, it } from 'vitest';
import {
  aggregate,
  buildReport,
  higherIsBetter,
  metricValues,
  parseReport,
  type ReportMetadata,
  type SampleV1,
} from './schema.ts';

const META: ReportMetadata = {
  started_at: '2026-01-01T00:00:00+00:00',
  label: 'http://h/api (1)',
  git_commit: 'abc1234',
  host: { kernel: 'Linux-6', arch: 'x86_64', target: 'http://h/api' },
};

describe('report schema v1.0', () => {
  const samples: SampleV1[] = [
    { iteration: 1, warmup: true, wall_ms: 900, metrics: { exec_wall_ms: 90 } },
    { iteration: 2, warmup: false, wall_ms: 100, metrics: { exec_wall_ms: 10, execs_per_sec: 50 } },
    { iteration: 3, warmup: false, wall_ms: 0, metrics: {}, error: 'exec failed: 500' },
    { iteration: 4, warmup: false, wall_ms: 120, metrics: { exec_wall_ms: 20, execs_per_sec: 40 } },
  ];
  const report = buildReport('latency-exec', samples, 1, META);

  it('aggregates measured, successful samples only; sample_count counts every measured iteration', () => {
    expect(report.schema_version).toBe('1.0');
    expect(report.sample_count).toBe(3);
    expect(report.warmup_count).toBe(1);
    const exec = report.aggregates.find((a) => a.name === 'exec_wall_ms')!;
    expect(exec).toMatchObject({
      n: 2,
      min: 10,
      max: 20,
      p50: 15,
      mean: 15,
      unit: 'ms',
      higher_is_better: false,
    });
    expect(metricValues(report, 'exec_wall_ms')).toEqual([10, 20]);
  });

  it('higher_is_better follows upstream: names ending _per_sec or _rps', () => {
    expect(higherIsBetter('execs_per_sec')).toBe(true);
    expect(higherIsBetter('req_rps')).toBe(true);
    expect(higherIsBetter('exec_wall_ms')).toBe(false);
    expect(report.aggregates.find((a) => a.name === 'execs_per_sec')?.higher_is_better).toBe(true);
  });

  it('round-trips through JSON unchanged', () => {
    const back = parseReport(JSON.parse(JSON.stringify(report)), 'r.json');
    expect(back).toEqual(report);
  });

  it("reads upstream's own file shape (its README example)", () => {
    const upstream = {
      schema_version: '1.0',
      scenario: 'latency-cold-start',
      metadata: { started_at: '...', git_commit: '...', host: {} },
      sample_count: 9,
      warmup_count: 1,
      samples: [{ iteration: 1, warmup: false, wall_ms: 1948, metrics: { api_create_wall_ms: 1948 } }],
      aggregates: [{ ...aggregate('api_create_wall_ms', [1948, 2893]), p50: 1948, p90: 2893 }],
    };
    expect(parseReport(upstream, 'up.json').aggregates[0]?.p90).toBe(2893);
  });

  it.each([
    [null, /not a JSON object/],
    [{ ...report, schema_version: '2.0' }, /schema_version is "2.0"/],
    [{ ...report, aggregates: {} }, /aggregates is not a list/],
    [{ ...report, samples: [{ iteration: 1 }] }, /samples\[0\] needs iteration and metrics/],
  ])('a malformed file is one line naming it (%#)', (data, message) => {
    expect(() => parseReport(data, 'bad.json')).toThrow(message);
    expect(() => parseReport(data, 'bad.json')).toThrow(/^bad\.json is not a bench report v1\.0/);
  });
});
