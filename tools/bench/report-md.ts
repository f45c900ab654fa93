/**
 * The run as markdown (report.md): every scenario's figures in one table with the bare-Docker
 * floor beside the create and exec ones, what could not run and why, the bench's own share of
 * the wall time, peak memory, and the errors iterations hit.
 */

import { mdTable } from '../../harness/reporters/render/markdown.ts';
import { type Limits, limits, OVERHEAD_GOAL, overhead, ratioFor } from './derive.ts';
import { fmtMib, fmtNum, fmtPct, fmtRatio } from './format.ts';
import type { BenchRun } from './run-record.ts';
import type { ReportV1 } from './schema.ts';

/** What an empty bench table prints. */
const NONE = { empty: '(none)' };

export function summaryTable(reports: readonly ReportV1[], lim: Limits = limits(reports)): string {
  const rows = reports.flatMap((r) =>
    r.aggregates.map((a) => {
      const floor = ratioFor(lim, r.scenario, a.name);
      return [
        r.scenario,
        a.name,
        String(a.n),
        fmtNum(a.p50),
        fmtNum(a.p90),
        fmtNum(a.p99),
        fmtNum(a.mean),
        fmtNum(a.stdev),
        floor ? fmtNum(floor.bareP50) : '',
        floor ? fmtRatio(floor.ratio) : '',
      ];
    }),
  );
  return mdTable(
    ['scenario', 'metric', 'n', 'p50', 'p90', 'p99', 'mean', 'stdev', 'bare Docker p50', 'ratio'],
    rows,
    NONE,
  );
}

const verdict = (ok: boolean | null) => (ok === null ? '' : ok ? ' — within goal' : ' — OVER goal');

export function goalLines(lim: Limits): string[] {
  const line = (kind: 'create' | 'exec', r: number | null) =>
    r === null
      ? `- sim ${kind} ÷ bare Docker ${kind} at p50: not measured (physical-limit did not run)`
      : `- sim ${kind} ÷ bare Docker ${kind} at p50: ${fmtRatio(r)} (goal ≤ ${lim.goal.factor}×)${verdict(r <= lim.goal.factor)}`;
  return [line('create', lim.goal.create), line('exec', lim.goal.exec)];
}

export const OVERHEAD_NOTE =
  "The harness process's own CPU time (our code, the HTTP client, GC) ÷ the sample's wall time; " +
  'loop busy is the event-loop busy time, which a loaded machine inflates by preempting us.';

export function overheadTable(reports: readonly ReportV1[]): string {
  return mdTable(
    [
      'scenario',
      'samples',
      'bench CPU p50',
      'bench CPU max',
      `max ≤ ${fmtPct(OVERHEAD_GOAL, 0)}`,
      'loop busy max',
    ],
    overhead(reports).map((o) => [
      o.scenario,
      String(o.samples),
      fmtPct(o.p50Share, 3),
      fmtPct(o.maxShare, 3),
      o.maxShare <= OVERHEAD_GOAL ? 'yes' : 'NO',
      fmtPct(o.maxBusyShare, 3),
    ]),
    NONE,
  );
}

export function renderBenchMarkdown(run: BenchRun, reports: readonly ReportV1[]): string {
  const lim = limits(reports);
  const out = [
    `# Bench run ${run.run_id}`,
    '',
    `Target **${run.target.kind}** ${run.target.api_url} (${run.target.origin}), image \`${run.target.image}\`` +
      (run.target.bugs.length ? `, sim bug switches ON: ${run.target.bugs.join(', ')}` : ''),
    `Runs ${run.options.runs} per scenario (first ${run.options.warmup} warm-up), settle ${run.options.settle_ms} ms; ${run.started_at} → ${run.finished_at}.`,
    '',
    '## Figures (ms unless named otherwise)',
    '',
    summaryTable(reports, lim),
    '',
  ];
  const skipped = run.scenarios.filter((s) => s.status === 'not-runnable');
  if (skipped.length)
    out.push('## Not runnable here', '', ...skipped.map((s) => `- ${s.name}: ${s.reason}`), '');
  out.push('## Physical limit (same run, same engine, same image)', '', ...goalLines(lim), '');
  out.push(
    "## The bench's own share of each sample's wall time",
    '',
    OVERHEAD_NOTE,
    '',
    overheadTable(reports),
    '',
  );
  if (run.rss) {
    out.push(
      '## Peak memory',
      '',
      mdTable(
        ['process', 'pid', 'peak during run', 'lifetime peak'],
        [
          ['bench harness', String(run.rss.harness.pid), fmtMib(run.rss.harness.peak_kib), ''],
          ...run.rss.processes.map((p) => [
            p.name,
            String(p.pid),
            fmtMib(p.run_peak_kib),
            fmtMib(p.lifetime_peak_kib),
          ]),
        ],
      ),
      '',
    );
  }
  const errors = reports.flatMap((r) =>
    r.samples.filter((s) => s.error).map((s) => `- ${r.scenario} #${s.iteration}: ${s.error}`),
  );
  if (errors.length) out.push('## Iteration errors', '', ...errors, '');
  return `${out.join('\n')}\n`;
}
