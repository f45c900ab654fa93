/**
 * The run as one self-contained HTML page (report.html): charts first, numbers beside them.
 * Inline CSS and SVG only — it opens from disk with no network and no script.
 */
import { escapeMarkup as esc } from '../../harness/reporters/render/escape.ts';
import { htmlPage, htmlTable as table } from '../../harness/reporters/render/html.ts';
import { PHYSICAL_LIMIT } from './bare-docker.ts';
import { distributionChart, driftChart, limitChart, overheadChart, seriesChart } from './charts.ts';
import { type Limits, limits, OVERHEAD_GOAL, overhead, ratioFor } from './derive.ts';
import { fmtMib, fmtNum, fmtRatio } from './format.ts';
import { goalLines, OVERHEAD_NOTE } from './report-md.ts';
import type { BenchRun } from './run-record.ts';
import type { ReportV1 } from './schema.ts';

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;color:#222;margin:0;background:#fafafa}
main{max-width:960px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 6px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:14px;margin:18px 0 4px;color:#444}
.facts{color:#555}.warn{color:#b03a2e;font-weight:600}
section{background:#fff;border:1px solid #e4e4e4;border-radius:6px;padding:8px 16px 16px;margin:16px 0}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{padding:3px 10px;text-align:right;border-bottom:1px solid #eee}th{background:#f2f2f2}
td:first-child,th:first-child{text-align:left}
.over{color:#b03a2e;font-weight:600}.ok{color:#1e7b4a}
nav a{margin-right:10px}svg{display:block;margin:6px 0;max-width:100%;height:auto}
`;

function scenarioSection(report: ReportV1, run: BenchRun, lim: Limits): string {
  const entry = run.scenarios.find((s) => s.name === report.scenario);
  const floors = new Map<string, number>();
  const rows = report.aggregates.map((a) => {
    const f = ratioFor(lim, report.scenario, a.name);
    if (f) floors.set(a.name, f.bareP50);
    const ratio = f
      ? `<span class="${f.ratio <= lim.goal.factor ? 'ok' : 'over'}">${fmtRatio(f.ratio)}</span>`
      : '';
    return [
      esc(a.name),
      String(a.n),
      ...[a.p50, a.p90, a.p99, a.mean, a.stdev].map(fmtNum),
      f ? fmtNum(f.bareP50) : '',
      ratio,
    ];
  });
  const errors = report.samples.filter((s) => s.error);
  const seriesKeys = [...new Set(report.samples.flatMap((s) => Object.keys(s.series ?? {})))];
  return [
    `<section id="${esc(report.scenario)}"><h2>${esc(report.scenario)}</h2>`,
    `<p class="facts">${esc(entry?.summary ?? '')} — ${report.sample_count} measured samples, ${report.warmup_count} warm-up; ms unless named otherwise.</p>`,
    table(['metric', 'n', 'p50', 'p90', 'p99', 'mean', 'stdev', 'bare Docker p50', 'ratio'], rows),
    '<h3>Distribution (dots: samples, hollow: warm-up; box p25–p75, bar p50, diamond p99)</h3>',
    distributionChart(report, floors),
    '<h3>Drift across iterations</h3>',
    driftChart(report),
    ...seriesKeys.flatMap((k) => [`<h3>${esc(k)} within each iteration</h3>`, seriesChart(report, k)]),
    errors.length
      ? `<p class="warn">Errors: ${errors.map((s) => `#${s.iteration} ${esc(s.error ?? '')}`).join('; ')}</p>`
      : '',
    '</section>',
  ].join('\n');
}

export function renderBenchPage(run: BenchRun, reports: readonly ReportV1[]): string {
  const lim = limits(reports);
  const phys = reports.find((r) => r.scenario === PHYSICAL_LIMIT);
  const simP50 = (n: string) => phys?.aggregates.find((a) => a.name === n)?.p50 ?? null;
  const skipped = run.scenarios.filter((s) => s.status === 'not-runnable');
  const over = overhead(reports);
  const memRows = run.rss
    ? [
        ['bench harness', String(run.rss.harness.pid), fmtMib(run.rss.harness.peak_kib), ''],
        ...run.rss.processes.map((p) => [
          esc(p.name),
          String(p.pid),
          fmtMib(p.run_peak_kib),
          fmtMib(p.lifetime_peak_kib),
        ]),
      ]
    : [];
  const overview = [
    '<section><h2>Overview</h2>',
    phys
      ? `<h3>Sim vs bare Docker, same run, same engine and image (p50)</h3>${limitChart(lim, { create: simP50('sim_create_ms'), exec: simP50('sim_exec_ms') })}`
      : '<p>No bare-Docker figures: the physical-limit scenario did not run on this target.</p>',
    `<ul>${goalLines(lim)
      .map((l) => `<li>${esc(l.replace(/^- /, ''))}</li>`)
      .join('')}</ul>`,
    `<h3>The bench's own CPU time as a share of each sample's wall time (bar: max, dot: p50)</h3>`,
    `<p class="facts">${esc(OVERHEAD_NOTE)}</p>${overheadChart(over, OVERHEAD_GOAL)}`,
    memRows.length
      ? `<h3>Peak memory</h3>${table(['process', 'pid', 'peak during run', 'lifetime peak'], memRows)}`
      : '',
    skipped.length
      ? `<h3>Not runnable here</h3><ul>${skipped.map((s) => `<li><b>${esc(s.name)}</b>: ${esc(s.reason ?? '')}</li>`).join('')}</ul>`
      : '',
    '</section>',
  ].join('\n');
  const bugs = run.target.bugs.length
    ? ` <span class="warn">sim bug switches ON: ${esc(run.target.bugs.join(', '))}</span>`
    : '';
  const body = [
    '<main>',
    `<h1>BoxLite bench — ${esc(run.run_id)}</h1>`,
    `<p class="facts">Target <b>${esc(run.target.kind)}</b> ${esc(run.target.api_url)}, image <code>${esc(run.target.image)}</code>; ${run.options.runs} runs per scenario (first ${run.options.warmup} warm-up), settle ${run.options.settle_ms} ms; ${esc(run.started_at)} → ${esc(run.finished_at)}.${bugs}</p>`,
    `<nav>${reports.map((r) => `<a href="#${esc(r.scenario)}">${esc(r.scenario)}</a>`).join('')}</nav>`,
    overview,
    ...reports.map((r) => scenarioSection(r, run, lim)),
    '</main>',
  ].join('\n');
  return htmlPage({ title: `Bench ${run.run_id}`, css: CSS, body });
}
