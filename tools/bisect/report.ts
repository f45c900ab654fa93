/** reports/bisect-<run>/: bisect.json (the whole record) and summary.md (verdict, steps, times). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mdTable } from '../../harness/reporters/render/markdown.ts';
import type { BisectRecord, CommitOutcome } from './record.ts';

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const commit = (c: CommitOutcome) => `\`${c.sha.slice(0, 10)}\` ${c.subject} — cases ${c.outcome}`;

/** The one-line verdict. */
export function bisectHeadline(r: BisectRecord): string {
  const what = r.direction === 'regression' ? 'first bad commit' : 'first fixed commit';
  switch (r.status) {
    case 'found':
      return `${what}: ${r.first!.sha.slice(0, 10)} ${r.first!.subject}`;
    case 'ambiguous':
      return `${what} is one of ${r.candidates.length} skipped commits: ${r.candidates.map((c) => c.slice(0, 10)).join(', ')}`;
    default:
      return `no verdict (${r.status}): ${r.error ?? ''}`;
  }
}

export function renderBisectSummary(r: BisectRecord): string {
  const sel = r.selection;
  const lines = [
    `# bisect: ${bisectHeadline(r)}`,
    '',
    `- checkout ${r.checkout} (target ${r.target}); ${r.direction}: good ${r.good.ref} \`${r.good.sha.slice(0, 10)}\`, bad ${r.bad.ref} \`${r.bad.sha.slice(0, 10)}\`; git terms ${r.terms.old}/${r.terms.new}`,
    `- cases: ${sel.cases.join(', ') || 'all'}${sel.grep ? `, matching ${JSON.stringify(sel.grep)}` : ''}${sel.claim ? `, deciding: those claiming ${sel.claim}` : ''}`,
    ...(r.paths.length ? [`- only commits touching ${r.paths.join(' ')}`] : []),
    ...r.pins.map(
      (p) => `- ${p.component} pinned to ${p.ref} \`${p.sha.slice(0, 10)}\` (${p.paths.join(' ')})`,
    ),
    ...(r.first ? [`- first: ${commit(r.first)}`] : []),
    ...(r.before ? [`- before it: ${commit(r.before)}`] : []),
    `- wall time ${s(r.wallMs)}; exit ${r.exitCode}`,
    '',
    mdTable(
      ['#', 'stage', 'commit', 'subject', 'outcome', 'mark', 'build', 'up', 'cases', 'down', 'step', 'why'],
      r.steps.map((st) => [
        String(st.n),
        st.stage,
        `\`${st.sha.slice(0, 10)}\``,
        st.subject,
        st.result.verdict,
        st.mark ?? '—',
        st.result.build ?? '—',
        s(st.result.ms.up),
        s(st.result.ms.cases),
        s(st.result.ms.down),
        s(st.ms),
        st.result.reason,
      ]),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

export async function writeBisectReports(r: BisectRecord, reportsRoot: string): Promise<string> {
  const dir = join(reportsRoot, r.reportRel);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'bisect.json'), `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(join(dir, 'summary.md'), renderBisectSummary(r));
  return dir;
}
