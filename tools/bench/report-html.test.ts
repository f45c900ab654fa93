import { describe, expect, it } from 'vitest';
import { renderBenchPage } from './report-html.ts';
import { renderBenchMarkdown } from './report-md.ts';
import type { BenchRun } from './run-record.ts';
import { reportOf } from './test-reports.ts';

const reports = [
  reportOf('latency-exec', { exec_wall_ms: [40, 12, 13, 11, 15] }, 1),
  reportOf('stability-exec-loop', { mean_exec_ms: [9, 10, 11], exec_count: [50, 50, 50] }),
  reportOf('physical-limit', {
    sim_create_ms: [300, 320, 310],
    docker_create_ms: [150, 160, 155],
    sim_exec_ms: [20, 22, 21],
    docker_exec_ms: [10, 11, 10],
  }),
];
reports[1]!.samples[0]!.series = { exec_ms: [9, 10, 8, 12] };
reports[0]!.samples[2]!.error = 'exec failed: 500 <boom>';

const run: BenchRun = {
  schema: 'boxlite-e2e/bench-run',
  version: 1,
  run_id: 'test-run',
  started_at: 'a',
  finished_at: 'b',
  target: { kind: 'sim', api_url: 'http://127.0.0.1:1/api', origin: 'stack file', image: 'img:1', bugs: [] },
  options: { runs: 5, warmup: 1, settle_ms: 2000 },
  scenarios: [
    ...reports.map((r) => ({ name: r.scenario, summary: `${r.scenario} summary`, status: 'ran' as const })),
    { name: 'density-parallel-create', summary: 's', status: 'not-runnable', reason: 'quota too small' },
  ],
  rss: {
    harness: { pid: 1, peak_kib: 80_000 },
    processes: [{ name: 'sim api', pid: 2, run_peak_kib: 100_000, lifetime_peak_kib: 120_000 }],
    interval_ms: 500,
  },
};

describe('HTML report', () => {
  const html = renderBenchPage(run, reports);

  it('has a section with an SVG chart for every scenario', () => {
    for (const r of reports) {
      const section = html.split(`<section id="${r.scenario}">`)[1]?.split('</section>')[0] ?? '';
      expect(section, r.scenario).toMatch(/<svg [^>]*role="img"/);
    }
    // distribution + drift per scenario, one series chart, the limit and overhead charts
    expect(html.match(/<svg /g)?.length).toBe(reports.length * 2 + 1 + 2);
  });

  it('is self-contained: no script, no external resource', () => {
    expect(html).not.toMatch(/<script|<link|<img|\bsrc=|@import|url\(/i);
    expect(
      html.match(/https?:\/\/[^"'\s<,]+/g)?.filter((u) => !u.startsWith('http://www.w3.org/2000/svg')),
    ).toEqual(['http://127.0.0.1:1/api']);
  });

  it('shows the bare-Docker floor, the goal verdict, memory and what did not run; escapes text', () => {
    expect(html).toMatch(/docker p50 155/);
    expect(html).toMatch(/sim create ÷ bare Docker create at p50: 2\.00× \(goal ≤ 3×\) — within goal/);
    expect(html).toMatch(/97\.7 MiB/);
    expect(html).toMatch(/density-parallel-create<\/b>: quota too small/);
    expect(html).toContain('exec failed: 500 &lt;boom&gt;');
    expect(html).not.toContain('<boom>');
  });

  it('the markdown carries the same figures', () => {
    const md = renderBenchMarkdown(run, reports);
    expect(md).toMatch(/\| physical-limit \| sim_exec_ms \| 3 \| 21.0 \|.*\| 10.0 \| 2.10× \|/);
    expect(md).toMatch(/latency-exec #3: exec failed: 500 <boom>/);
  });
});
