/**
 * index.html: one self-contained page (inline CSS, no script, no external asset) a reviewer
 * can take in at a glance — verdict counts, the verdict matrix (every repeat of every case on
 * both sides as a coloured cell), per-side durations as paired bars, claims and perf.
 */
import type { TwoSidedRecord } from './record.ts';
import { headline, secs, sideLabel, withoutBuilds } from './report-md.ts';
import { type CaseStatus, SIDES, VERDICTS, type Verdict } from './verdicts.ts';

const h = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const VERDICT_COLOUR: Record<Verdict, string> = {
  fixed: '#1a7f37',
  regressed: '#cf222e',
  'still-failing': '#bc4c00',
  flaky: '#8250df',
  unchanged: '#6e7781',
  'not-run': '#afb8c1',
};
const CELL: Record<CaseStatus, [string, string]> = {
  passed: ['#2da44e', 'pass'],
  failed: ['#cf222e', 'fail'],
  skipped: ['#d0d7de', 'skip'],
};

const cells = (xs: CaseStatus[]) =>
  xs
    .map(
      (s) => `<span class="cell" style="background:${CELL[s][0]}" title="${CELL[s][1]}">${CELL[s][1]}</span>`,
    )
    .join('');

export function renderHtml(r: TwoSidedRecord): string {
  const counts = r.counts;
  const badges = counts
    ? VERDICTS.map(
        (v) => `<span class="badge" style="background:${VERDICT_COLOUR[v]}">${counts[v]} ${h(v)}</span>`,
      ).join(' ')
    : '';
  const maxMs = Math.max(1, ...r.verdicts.flatMap((v) => [v.meanMs.base ?? 0, v.meanMs.head ?? 0]));
  const bar = (ms: number | null, colour: string) =>
    `<div class="bar" style="width:${(((ms ?? 0) / maxMs) * 100).toFixed(1)}%;background:${colour}"></div><span class="ms">${secs(ms)}</span>`;
  // Worst first, like summary.md: what a reviewer must look at is on top.
  const rows = [...r.verdicts]
    .sort((a, b) => VERDICTS.indexOf(a.verdict) - VERDICTS.indexOf(b.verdict))
    .map(
      (v) => `<tr>
  <td><span class="badge" style="background:${VERDICT_COLOUR[v.verdict]}">${h(v.verdict.replace('-', ' '))}</span></td>
  <td class="id">${h(v.id)}${v.detects.length ? `<div class="detects">detects ${h(v.detects.join(', '))}</div>` : ''}</td>
  <td class="cells">${cells(v.statuses.base)}</td><td class="cells">${cells(v.statuses.head)}</td>
  <td class="dur"><div class="pair">${bar(v.meanMs.base, '#0969da')}</div><div class="pair">${bar(v.meanMs.head, '#bf8700')}</div></td>
</tr>`,
    )
    .join('\n');
  const claims = r.claimChecks.length
    ? `<h2>Claimed fixes</h2><table><tr><th>bug</th><th>shown</th><th>why</th></tr>${r.claimChecks
        .map(
          (c) =>
            `<tr><td>${h(c.bug)}</td><td>${c.shown ? 'yes' : '<b style="color:#cf222e">no</b>'}</td><td>${h(c.why)}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const perf = r.perf
    ? `<h2>Performance A/B</h2><p>order ${h(r.perf.order.join(' '))}; ${h(r.perf.options.on)}, alpha ${r.perf.options.alpha}, noise threshold ${r.perf.options.threshold * 100} %</p><table><tr><th>scenario</th><th>metric</th><th>base</th><th>head</th><th>change</th><th>p</th><th>regression</th></tr>${r.perf.compare.rows
        .filter((m) => m.status === 'compared')
        .map(
          (m) =>
            `<tr><td>${h(m.scenario)}</td><td>${h(m.name)}</td><td>${m.base?.toFixed(1)}</td><td>${m.cur?.toFixed(1)}</td><td>${((m.ratio ?? 0) * 100).toFixed(1)} %</td><td>${m.pValue?.toFixed(3) ?? '—'}</td><td>${m.regressed ? '<b style="color:#cf222e">yes</b>' : 'no'}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const runWalls = SIDES.map(
    (s) =>
      `<li>${h(s)}: ${r.runs
        .filter((x) => x.side === s)
        .map((x) => `run ${x.repeat + 1} (order ${x.order + 1}) ${secs(x.wallMs)}`)
        .join(', ')}</li>`,
  ).join('');
  const ph = r.phases;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>two-sided ${h(r.runId)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2328}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin-top:24px}
.sub{color:#57606a} .headline{font-size:16px;font-weight:600;margin:12px 0}
.badge{display:inline-block;color:#fff;border-radius:10px;padding:1px 8px;font-size:12px;white-space:nowrap}
table{border-collapse:collapse;width:100%} th,td{border-bottom:1px solid #d8dee4;padding:6px 8px;text-align:left;vertical-align:top}
.cell{display:inline-block;min-width:30px;text-align:center;color:#fff;font-size:11px;border-radius:3px;margin-right:2px;padding:1px 3px}
.cells{white-space:nowrap}
.id{font-family:ui-monospace,monospace;font-size:12px} .detects{color:#57606a;font-size:11px}
.dur{width:26%} .pair{display:flex;align-items:center;gap:6px;height:14px;margin:2px 0}
.bar{height:10px;border-radius:2px;min-width:1px} .ms{font-size:11px;color:#57606a;white-space:nowrap}
.legend span{margin-right:12px}
</style></head><body>
<h1>Two-sided run ${h(r.runId)} <span class="sub">(${h(r.target)})</span></h1>
<div class="sub">${h(sideLabel(r, 'base'))} → ${h(sideLabel(r, 'head'))} · ${r.repeat} repeat(s) per side · cases ${h(r.cases.join(' ') || 'all')}${r.grep ? ` · grep ${h(r.grep)}` : ''}</div>
<div class="headline">${h(headline(r))}</div>
<div>${badges}</div>
<h2>Verdict matrix</h2>
<div class="legend sub"><span>cells: one per repeat</span><span style="color:#0969da">■ base mean</span><span style="color:#bf8700">■ head mean</span></div>
<table><tr><th>verdict</th><th>case</th><th>base</th><th>head</th><th>duration (base / head)</th></tr>
${rows}
</table>
${claims}
${perf}
<h2>Durations</h2>
<ul><li>total ${secs(ph.total)}: build ${secs(ph.build)}, stacks up ${secs(ph.up)}, cases ${secs(ph.cases)}, perf ${secs(ph.perf)}, stacks down ${secs(ph.down)}, cleanup ${secs(ph.cleanup)}; without them ${secs(withoutBuilds(ph))}</li>${runWalls}</ul>
</body></html>
`;
}
