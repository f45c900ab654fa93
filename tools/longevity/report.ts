/** The longevity figures: one line per run as it ends, and longevity.md / longevity.json at the end. */
import type { ResourceCounts } from './counts.ts';
import type { LongevityResult, RunRecord } from './longevity.ts';

const COUNTS: Array<[keyof ResourceCounts, string]> = [
  ['catalogRows', 'catalog rows'],
  ['catalogRowsTotal', 'catalog rows (all orgs)'],
  ['keys', 'keys'],
  ['orgs', 'orgs'],
  ['boxes', 'boxes'],
  ['containers', 'containers'],
  ['volumes', 'volumes'],
  ['snapshots', 'snapshots'],
  ['runnerImages', 'runner images'],
  ['registryRepos', 'registry repos'],
];

const caseLine = (r: RunRecord) =>
  r.cases ? `${r.cases.pass} passed, ${r.cases.fail} failed, ${r.cases.xfail} xfail` : 'no summary';

export function runLine(r: RunRecord): string {
  const counts = COUNTS.map(([k, label]) => `${label} ${r.resources[k]}`).join(', ');
  return `longevity: run ${r.run} (after ${r.before}): exit ${r.exitCode}, ${caseLine(r)}, ${r.wallS} s; ${counts}`;
}

export function verdictLine(res: LongevityResult): string {
  const walls = res.records.map((r) => r.wallS);
  const mean = walls.reduce((a, b) => a + b, 0) / Math.max(1, walls.length);
  const red = res.records.filter((r) => r.exitCode !== 0).map((r) => r.run);
  const green = res.green ? 'all green' : `red run(s): ${red.join(', ')}`;
  const flat = res.moved.length
    ? `moved from run 2 on: ${res.moved.map((m) => `${m.count} ${m.values.join('→')}`).join('; ')}`
    : 'every count flat from run 2 on';
  const ports = res.portsMoved.length ? `ports moved: ${res.portsMoved.join(', ')}` : 'same ports throughout';
  return `longevity: ${res.records.length} runs, ${green}, ${flat}, ${ports}; wall per run ${Math.min(...walls)}–${Math.max(...walls)} s (mean ${mean.toFixed(1)} s)`;
}

export function renderMarkdown(res: LongevityResult, files: readonly string[]): string {
  const head = ['run', 'before it', 'wall s', 'exit', 'cases', ...COUNTS.map(([, label]) => label)];
  const rows = res.records.map((r) => [
    r.run,
    r.before,
    r.wallS,
    r.exitCode,
    caseLine(r),
    ...COUNTS.map(([k]) => r.resources[k]),
  ]);
  return [
    '# Longevity',
    '',
    `- ${verdictLine(res)}`,
    `- cases: ${files.length ? files.join(' ') : 'all'}`,
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ].join('\n');
}
