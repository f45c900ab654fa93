/**
 * index.html: one self-contained page a reviewer can take in at a glance — verdict counts, the
 * verdict matrix (every repeat of every case on both sides as a coloured cell), per-side
 * durations as paired bars, claims and perf.
 */
import { escapeMarkup as h } from '../../harness/reporters/render/escape.ts';
import { htmlPage, htmlTable } from '../../harness/reporters/render/html.ts';
import type { TwoSidedRecord } from './record.ts';
import { comparedPerf, secs, sideLabel, verdictHeadline, withoutBuilds, worstFirst } from './report-md.ts';
import { type CaseStatus, SIDES, VERDICTS, type Verdict } from './verdicts.ts';

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

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2328}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin-top:24px}
.sub{color:#57606a} .headline{font-size:16px;font-weight:600;margin:12px 0}
.badge{display:inline-block;color:#fff;border-radius:10px;padding:1px 8px;font-size:12px;white-space:nowrap}
table{border-collapse:collapse;width:100%} th,td{border-bottom:1px solid #d8dee4;padding:6px 8px;text-align:left;vertical-align:top}
.cell{display:inline-block;min-width:30px;text-align:center;color:#fff;font-size:11px;border-radius:3px;margin-right:2px;padding:1px 3px}
.cells{white-space:nowrap}
.id{font-family:ui-monospace,monospace;font-size:12px} .detects{color:#57606a;font-size:11px}
.pair{display:flex;align-items:center;gap:6px;height:14px;margin:2px 0;min-width:200px}
.bar{height:10px;border-radius:2px;min-width:1px} .ms{font-size:11px;color:#57606a;white-space:nowrap}
.legend span{margin-right:12px} .bad{color:#cf222e;font-weight:600}
`;

const badge = (v: Verdict, text: string) =>
  `<span class="badge" style="background:${VERDICT_COLOUR[v]}">${h(text)}</span>`;

const cells = (xs: CaseStatus[]) =>
  `<span class="cells">${xs
    .map(
      (s) => `<span class="cell" style="background:${CELL[s][0]}" title="${CELL[s][1]}">${CELL[s][1]}</span>`,
    )
    .join('')}</span>`;

function matrix(r: TwoSidedRecord): string {
  const maxMs = Math.max(1, ...r.verdicts.flatMap((v) => [v.meanMs.base ?? 0, v.meanMs.head ?? 0]));
  const bar = (ms: number | null, colour: string) =>
    `<div class="pair"><div class="bar" style="width:${(((ms ?? 0) / maxMs) * 100).toFixed(1)}%;background:${colour}"></div><span class="ms">${secs(ms)}</span></div>`;
  const rows = worstFirst(r).map((v) => [
    badge(v.verdict, v.verdict.replace('-', ' ')),
    `<span class="id">${h(v.id)}</span>${v.detects.length ? `<div class="detects">detects ${h(v.detects.join(', '))}</div>` : ''}`,
    cells(v.statuses.base),
    cells(v.statuses.head),
    bar(v.meanMs.base, '#0969da') + bar(v.meanMs.head, '#bf8700'),
  ]);
  return htmlTable(['verdict', 'case', 'base', 'head', 'duration (base / head)'], rows);
}

function claimsSection(r: TwoSidedRecord): string {
  if (!r.claimChecks.length) return '';
  const rows = r.claimChecks.map((c) => [h(c.bug), c.shown ? 'yes' : '<b class="bad">no</b>', h(c.why)]);
  return `<h2>Claimed fixes</h2>${htmlTable(['bug', 'shown', 'why'], rows)}`;
}

function perfSection(r: TwoSidedRecord): string {
  if (!r.perf) return '';
  const o = r.perf.options;
  const rows = comparedPerf(r).map((m) => [
    h(m.scenario),
    h(m.name),
    m.base?.toFixed(1) ?? '—',
    m.cur?.toFixed(1) ?? '—',
    `${((m.ratio ?? 0) * 100).toFixed(1)} %`,
    m.pValue?.toFixed(3) ?? '—',
    m.regressed ? '<b class="bad">yes</b>' : 'no',
  ]);
  return `<h2>Performance A/B</h2><p>order ${h(r.perf.order.join(' '))}; ${h(o.on)}, alpha ${o.alpha}, noise threshold ${o.threshold * 100} %</p>${htmlTable(['scenario', 'metric', 'base', 'head', 'change', 'p', 'regression'], rows)}`;
}

function durations(r: TwoSidedRecord): string {
  const ph = r.phases;
  const runWalls = SIDES.map(
    (s) =>
      `<li>${h(s)}: ${r.runs
        .filter((x) => x.side === s)
        .map((x) => `run ${x.repeat + 1} (order ${x.order + 1}) ${secs(x.wallMs)}`)
        .join(', ')}</li>`,
  ).join('');
  return `<h2>Durations</h2>
<ul><li>total ${secs(ph.total)}: build ${secs(ph.build)}, stacks up ${secs(ph.up)}, cases ${secs(ph.cases)}, perf ${secs(ph.perf)}, stacks down ${secs(ph.down)}, cleanup ${secs(ph.cleanup)}; without them ${secs(withoutBuilds(ph))}</li>${runWalls}</ul>`;
}

export function renderVerdictPage(r: TwoSidedRecord): string {
  const counts = r.counts;
  const badges = counts ? VERDICTS.map((v) => badge(v, `${counts[v]} ${v}`)).join(' ') : '';
  const body = `<h1>Two-sided run ${h(r.runId)} <span class="sub">(${h(r.target)})</span></h1>
<div class="sub">${h(sideLabel(r, 'base'))} → ${h(sideLabel(r, 'head'))} · ${r.repeat} repeat(s) per side · cases ${h(r.cases.join(' ') || 'all')}${r.grep ? ` · grep ${h(r.grep)}` : ''}</div>
<div class="headline">${h(verdictHeadline(r))}</div>
<div>${badges}</div>
<h2>Verdict matrix</h2>
<div class="legend sub"><span>cells: one per repeat</span><span style="color:#0969da">■ base mean</span><span style="color:#bf8700">■ head mean</span></div>
${matrix(r)}
${claimsSection(r)}
${perfSection(r)}
${durations(r)}`;
  return htmlPage({ title: `two-sided ${r.runId}`, css: CSS, body });
}
