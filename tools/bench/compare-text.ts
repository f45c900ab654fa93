/** The compare verdict as text for the terminal: upstream's line layout plus the p-value column. */
import type { CompareOptions, CompareResult, MetricRow } from './compare.ts';

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

function line(r: MetricRow): string {
  const name = `  ${r.name.padEnd(35)}`;
  if (r.status === 'new' || r.status === 'removed') return `${name}  ${r.status.toUpperCase()}`;
  if (r.base === undefined || r.cur === undefined) return `${name}  SKIP: ${r.note}`;
  const arrow = r.cur === r.base ? '→' : r.cur > r.base ? '↑' : '↓';
  const p = r.pValue !== undefined ? `  p=${r.pValue.toFixed(3)}` : '';
  const skip = r.status === 'skipped' ? `  (not gated: ${r.note})` : '';
  const flag = r.regressed ? '  ← REGRESSION' : '';
  return `${name}  ${r.base.toFixed(1).padStart(10)} → ${r.cur.toFixed(1).padStart(10)}  ${arrow} ${pct(r.ratio ?? 0)}${p}${skip}${flag}`;
}

export function formatCompare(
  result: CompareResult & { unmatched?: string[] },
  opts: CompareOptions,
  labels: { base: string; cur: string },
): string {
  const how = opts.stat
    ? `, permutation test (alpha ${opts.alpha}, up to ${opts.permutations} permutations, seed ${opts.seed}); flagged only when significant and over the threshold`
    : '';
  const out = [
    `Comparing on ${opts.on}, threshold ${(opts.threshold * 100).toFixed(0)}%${how}`,
    `  Baseline: ${labels.base}`,
    `  Current:  ${labels.cur}`,
  ];
  let scenario = '';
  for (const r of result.rows) {
    if (r.scenario !== scenario) {
      scenario = r.scenario;
      out.push('', scenario);
    }
    out.push(line(r));
  }
  if (result.unmatched?.length) out.push('', `not compared: ${result.unmatched.join(', ')}`);
  out.push('');
  if (result.compared === 0)
    out.push(`ERROR: no metrics compared — check that '${opts.on}' exists in both reports`);
  else if (result.regressions.length)
    out.push(
      `FAIL: ${result.regressions.length} regression(s) exceed the ${(opts.threshold * 100).toFixed(0)}% threshold (${result.compared} metrics compared)`,
    );
  else out.push(`PASS: no regressions (${result.compared} metrics compared)`);
  return `${out.join('\n')}\n`;
}
