/** junit.xml: one testcase per case × side (classname = side), the verdict in each case's properties. */
import type { TwoSidedRecord } from './record.ts';
import { SIDES } from './verdicts.ts';

const x = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export function renderJunit(r: TwoSidedRecord): string {
  const suites = SIDES.map((side) => {
    const label = `${side} ${r.sides[side]?.ref ?? ''} ${r.sides[side]?.sha.slice(0, 10) ?? ''}`.trim();
    const cases = r.verdicts.map((v) => {
      const st = v.statuses[side];
      const failed = st.filter((s) => s === 'failed').length;
      const ran = st.filter((s) => s !== 'skipped').length;
      const time = ((v.meanMs[side] ?? 0) / 1000).toFixed(3);
      const props = `<properties><property name="verdict" value="${v.verdict}"/><property name="statuses" value="${st.join(',')}"/></properties>`;
      const body =
        ran === 0
          ? '<skipped message="not run on this side"/>'
          : failed > 0
            ? `<failure message="${x(`failed ${failed}/${ran} repeat(s); verdict ${v.verdict}`)}"/>`
            : '';
      return `    <testcase classname="${x(side)}" name="${x(v.id)}" time="${time}">${props}${body}</testcase>`;
    });
    const failures = r.verdicts.filter((v) => v.statuses[side].includes('failed')).length;
    const skipped = r.verdicts.filter((v) => v.statuses[side].every((s) => s === 'skipped')).length;
    return [
      `  <testsuite name="${x(label)}" tests="${r.verdicts.length}" failures="${failures}" skipped="${skipped}">`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="two-sided ${x(r.runId)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
