/** junit.xml: one testcase per case × side (classname = side), the verdict in each case's properties. */
import { type JunitSuite, renderJunit } from '../../harness/reporters/render/junit.ts';
import type { TwoSidedRecord } from './record.ts';
import { SIDES, type Side } from './verdicts.ts';

function sideSuite(r: TwoSidedRecord, side: Side): JunitSuite {
  const label = `${side} ${r.sides[side]?.ref ?? ''} ${r.sides[side]?.sha.slice(0, 10) ?? ''}`.trim();
  return {
    name: label,
    cases: r.verdicts.map((v) => {
      const st = v.statuses[side];
      const failed = st.filter((s) => s === 'failed').length;
      const ran = st.filter((s) => s !== 'skipped').length;
      return {
        classname: side,
        name: v.id,
        seconds: (v.meanMs[side] ?? 0) / 1000,
        properties: { verdict: v.verdict, statuses: st.join(',') },
        ...(ran === 0 ? { skipped: 'not run on this side' } : {}),
        ...(failed > 0 ? { failure: `failed ${failed}/${ran} repeat(s); verdict ${v.verdict}` } : {}),
      };
    }),
  };
}

export function renderVerdictJunit(r: TwoSidedRecord): string {
  return renderJunit(
    `two-sided ${r.runId}`,
    SIDES.map((s) => sideSuite(r, s)),
  );
}
