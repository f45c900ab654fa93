/**
 * The upstream suite's results in our report: a section in reports/<run>/summary.{md,json}
 * (added to a case run's report when the run id names one, else a report of its own), the
 * full per-case table in upstream.md, and pytest's own JUnit file as upstream-junit.xml.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Classified, Verdict } from './classify.ts';

export const VERDICTS: readonly Verdict[] = [
  'passed',
  'xfail',
  'xpass',
  'not-runnable',
  'skipped',
  'failed',
  'error',
];

export interface UpstreamReport {
  suite: { checkout: string; layout: string; commit: string | null };
  target: string;
  command: string;
  /** What the suite ran with: image, SDKs, CLI, path check, preflight. */
  setup: Record<string, string>;
  exitCode: number;
  counts: Record<Verdict, number> & { collected: number; unexpected: number };
  cases: Classified[];
}

export function countVerdicts(cases: readonly Classified[]): UpstreamReport['counts'] {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const c of cases) counts[c.verdict] += 1;
  return { ...counts, collected: cases.length, unexpected: cases.filter((c) => c.unexpected).length };
}

export function headline(r: UpstreamReport): string {
  const parts = VERDICTS.filter((v) => r.counts[v] > 0).map((v) => `${r.counts[v]} ${v}`);
  return `${r.counts.collected} collected: ${parts.join(', ')}; ${r.counts.unexpected} unexpected`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim().slice(0, 300);

function table(cases: readonly Classified[]): string {
  const rows = cases.map(
    (c) =>
      `| ${c.verdict}${c.unexpected ? ' ⚠' : ''} | \`${c.nodeid}\` | ${c.cause ?? ''} | ${cell(c.evidence)} |`,
  );
  return ['| verdict | case | cause | evidence |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

const START = '<!-- upstream-suite -->';
const END = '<!-- /upstream-suite -->';

/** The summary section: headline, setup, and every case that did not plainly pass. */
export function renderSection(r: UpstreamReport): string {
  const setup = Object.entries(r.setup).map(([k, v]) => `- ${k}: ${v}`);
  const notPassed = r.cases.filter((c) => c.verdict !== 'passed');
  return [
    START,
    `## Upstream suite (${r.suite.layout} @ ${r.suite.commit ?? 'no git'}, target ${r.target})`,
    '',
    `**${headline(r)}** (pytest exit ${r.exitCode}). Every case: [upstream.md](upstream.md); JUnit: [upstream-junit.xml](upstream-junit.xml).`,
    '',
    ...setup,
    '',
    notPassed.length ? table(notPassed) : 'Every case passed.',
    END,
  ].join('\n');
}

/** Replaces this section in an existing summary, or appends it. */
export function mergeSection(summary: string, section: string): string {
  const a = summary.indexOf(START);
  const b = summary.indexOf(END);
  if (a >= 0 && b > a) return `${summary.slice(0, a)}${section}${summary.slice(b + END.length)}`;
  return `${summary.trimEnd()}\n\n${section}\n`;
}

/** Writes the report files into `dir`; returns true when the run dir was new (no case run). */
export async function writeUpstreamReport(dir: string, r: UpstreamReport): Promise<boolean> {
  const mdPath = join(dir, 'summary.md');
  const jsonPath = join(dir, 'summary.json');
  const fresh = !existsSync(jsonPath);
  const md = fresh ? `# Run ${dir.split('/').at(-1)}\n` : await readFile(mdPath, 'utf8');
  await writeFile(mdPath, mergeSection(md, renderSection(r)));
  const json = fresh ? {} : (JSON.parse(await readFile(jsonPath, 'utf8')) as Record<string, unknown>);
  await writeFile(jsonPath, `${JSON.stringify({ ...json, upstream: r }, null, 2)}\n`);
  await writeFile(
    join(dir, 'upstream.md'),
    `# Upstream suite: every case\n\n${headline(r)}\n\n${table(r.cases)}\n`,
  );
  return fresh;
}

/** reports/latest → this run. */
export async function pointLatest(reportsDir: string, runId: string): Promise<void> {
  const latest = join(reportsDir, 'latest');
  await rm(latest, { force: true });
  await symlink(runId, latest);
}
