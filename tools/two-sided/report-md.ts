/** summary.md (and the $GITHUB_STEP_SUMMARY block): verdict table, claims, perf, timings. */
import { countPhrase, mdTable } from '../../harness/reporters/render/markdown.ts';
import type { TwoSidedRecord } from './record.ts';
import { type CaseStatus, type Side, VERDICTS, type Verdict } from './verdicts.ts';

export const VERDICT_WORDS: Record<Verdict, string> = {
  fixed: '✅ fixed',
  regressed: '❌ regressed',
  'still-failing': '⚠️ still failing',
  flaky: '〰️ flaky',
  unchanged: '· unchanged',
  'not-run': '∅ not run',
};

const STATUS_MARK: Record<CaseStatus, string> = { passed: 'pass', failed: 'FAIL', skipped: 'skip' };
export const statusLine = (xs: CaseStatus[]) => xs.map((x) => STATUS_MARK[x]).join(' ') || '—';
export const secs = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`);

export function sideLabel(r: TwoSidedRecord, side: Side): string {
  const s = r.sides[side];
  return s ? `${side} \`${s.ref}\` (${s.sha.slice(0, 10)})` : side;
}

export function verdictHeadline(r: TwoSidedRecord): string {
  if (r.status === 'interrupted') return `interrupted (exit ${r.exitCode}); the original state was restored`;
  if (r.infrastructureError) return `infrastructure failure (exit ${r.exitCode}): ${r.infrastructureError}`;
  const c = r.counts!;
  return `${countPhrase(VERDICTS.map((v) => ({ n: c[v], label: v }))) || 'no case'} — exit ${r.exitCode}`;
}

/** The run's wall time with builds, side stack up/down and cleanup taken out. */
export const withoutBuilds = (ph: TwoSidedRecord['phases']) =>
  ph.total - ph.build - ph.up - ph.down - ph.cleanup;

/** Worst first: what a reviewer must look at is on top. */
export const worstFirst = (r: TwoSidedRecord) =>
  [...r.verdicts].sort((a, b) => VERDICTS.indexOf(a.verdict) - VERDICTS.indexOf(b.verdict));

export const comparedPerf = (r: TwoSidedRecord) =>
  r.perf?.compare.rows.filter((m) => m.status === 'compared') ?? [];

function perfSection(r: TwoSidedRecord): string[] {
  if (!r.perf) return [];
  const p = r.perf;
  const rows = comparedPerf(r).map((m) => [
    m.scenario,
    m.name,
    m.base?.toFixed(1) ?? '—',
    m.cur?.toFixed(1) ?? '—',
    m.ratio === undefined ? '—' : `${m.ratio >= 0 ? '+' : ''}${(m.ratio * 100).toFixed(1)} %`,
    m.pValue?.toFixed(3) ?? '—',
    m.regressed ? '**yes**' : 'no',
  ]);
  return [
    `Performance A/B (${p.order.join(' ')}; ${p.options.on}, alpha ${p.options.alpha}, noise threshold ${p.options.threshold * 100} %):`,
    '',
    mdTable(['scenario', 'metric', 'base', 'head', 'change', 'p', 'regression'], rows),
    '',
  ];
}

export function renderVerdictSummary(r: TwoSidedRecord): string {
  const lines = [
    `# Two-sided run ${r.runId} (${r.target})`,
    '',
    `${sideLabel(r, 'base')} → ${sideLabel(r, 'head')}; ${r.repeat} repeat(s) per side; cases: ${r.cases.join(' ') || 'all'}${r.grep ? ` (grep ${r.grep})` : ''}`,
    '',
    `**${verdictHeadline(r)}**`,
    '',
  ];
  if (r.verdicts.length) {
    const rows = worstFirst(r).map((v) => [
      VERDICT_WORDS[v.verdict],
      v.id,
      statusLine(v.statuses.base),
      statusLine(v.statuses.head),
      secs(v.meanMs.base),
      secs(v.meanMs.head),
    ]);
    lines.push(mdTable(['verdict', 'case', 'base', 'head', 'base mean', 'head mean'], rows), '');
  }
  if (r.claimChecks.length) {
    const rows = r.claimChecks.map((c) => [c.bug, c.shown ? 'yes' : '**NO**', c.why]);
    lines.push(mdTable(['claimed fix', 'shown', 'why'], rows), '');
  }
  lines.push(...perfSection(r));
  const ph = r.phases;
  lines.push(
    `Wall time: ${secs(ph.total)} total — build ${secs(ph.build)}, stacks up ${secs(ph.up)}, cases ${secs(ph.cases)}, perf ${secs(ph.perf)}, stacks down ${secs(ph.down)}, cleanup ${secs(ph.cleanup)}; without builds, stack up/down and cleanup ${secs(withoutBuilds(ph))}.`,
  );
  const perSide = (s: Side) => r.runs.filter((x) => x.side === s).map((x) => secs(x.wallMs));
  lines.push(
    `Case runs: base ${perSide('base').join(', ') || '—'}; head ${perSide('head').join(', ') || '—'}.`,
  );
  if (r.restoreFailures.length) lines.push('', `**Restore incomplete:** ${r.restoreFailures.join('; ')}`);
  return `${lines.join('\n')}\n`;
}
