/**
 * Where a run lands and how reports are read back: reports/bench/<run-id>/ holds one upstream
 * v1.0 JSON per scenario (`<scenario>.json`, what either side's compare reads), run.json,
 * report.md and report.html; reports/bench/latest points at the newest run.
 */
import { mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderBenchPage } from './report-html.ts';
import { renderBenchMarkdown } from './report-md.ts';
import type { BenchRun } from './run-record.ts';
import { parseReport, type ReportV1 } from './schema.ts';

export const RUN_FILE = 'run.json';

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Writes every file of a run; returns the run directory. */
export async function writeRun(
  benchRoot: string,
  run: BenchRun,
  reports: readonly ReportV1[],
): Promise<string> {
  const dir = join(benchRoot, run.run_id);
  await mkdir(dir, { recursive: true });
  for (const r of reports) await writeFile(join(dir, `${r.scenario}.json`), json(r));
  await writeFile(join(dir, RUN_FILE), json(run));
  await writeFile(join(dir, 'report.md'), renderBenchMarkdown(run, reports));
  await writeFile(join(dir, 'report.html'), renderBenchPage(run, reports));
  const latest = join(benchRoot, 'latest');
  await rm(latest, { force: true });
  await symlink(run.run_id, latest);
  return dir;
}

async function readReport(path: string): Promise<ReportV1> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON`);
  }
  return parseReport(data, path);
}

/** A report file, or every scenario report in a run directory. */
export async function loadReports(path: string): Promise<ReportV1[]> {
  const st = await stat(path).catch(() => null);
  if (!st) throw new Error(`${path} does not exist`);
  if (!st.isDirectory()) return [await readReport(path)];
  const names = (await readdir(path)).filter((n) => n.endsWith('.json') && n !== RUN_FILE).sort();
  if (names.length === 0) throw new Error(`${path} holds no bench reports (*.json)`);
  return Promise.all(names.map((n) => readReport(join(path, n))));
}
