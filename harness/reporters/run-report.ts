/**
 * Reporter plug-in that writes reports/<run-id>/summary.{md,json} (outcomes with xfail named,
 * the time split into SUT calls, deliberate waits and harness machinery) and the case family
 * tables (cross-driver.md), appends the summary to $GITHUB_STEP_SUMMARY, scrubs every secret
 * value from every report file, and points reports/latest at this run. JUnit, JSON and HTML
 * come from vitest's own reporters. It renders a merge of shards (`pnpm e2e:merge`, which
 * replays their results through the same reporters) exactly as one run, its shards named.
 */
import { appendFile, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { readDeath } from '../infra/death.ts';
import { readLeftovers } from '../leaks/leftovers-report.ts';
import { CROSS_DRIVER_FILE, crossDriverRows, renderCrossDriver } from './cross-driver.ts';
import { type CaseRecord, collectCases, countOutcomes } from './outcomes.ts';
import { secretValues } from './redact.ts';
import { type RunFacts, readFacts } from './run-facts.ts';
import { type RunEnd, renderRunSummary } from './run-summary.ts';
import { mergedWallMs, readShards } from './shards.ts';
import { type RunTime, runTime } from './time-split.ts';

/** Given by vitest.config.ts (the config door): reporters never read the environment. */
export interface RunReportOptions {
  runId: string;
  /** $GITHUB_STEP_SUMMARY, when set. */
  stepSummary: string | null;
  /** Secret values besides the stack's secrets file (a remote stack's API key). */
  extraSecrets: string[];
}

export default class RunReport implements Reporter {
  private t0 = performance.now();

  private readonly opts: RunReportOptions;

  constructor(opts: RunReportOptions) {
    this.opts = opts;
  }

  onInit(): void {
    this.t0 = performance.now();
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const { runId, stepSummary } = this.opts;
    const dir = join(REPO_ROOT, 'reports', runId);
    const facts = await readFacts(dir);
    if (!facts) return; // the cases project did not run (e.g. unit only)
    const cases = collectCases(modules, REPO_ROOT).filter((c) => c.file.startsWith('cases/'));
    const removals = modules.flatMap((m) => m.meta().removals ?? []);
    const shards = await readShards(dir);
    const time = runTime(cases, shards ? mergedWallMs(shards) : performance.now() - this.t0, removals);
    const tables = await writeFamilyTables(dir, modules);
    const end = { death: readDeath(dir), leftovers: await readLeftovers(dir), shards };
    const md = await writeSummary(dir, cases, facts, time, end, tables);
    if (stepSummary) await appendFile(stepSummary, `${md}\n`);
    await scrubDir(dir, await secretValues(facts.secretsFile, this.opts.extraSecrets));
    const latest = join(REPO_ROOT, 'reports', 'latest');
    await rm(latest, { force: true });
    await symlink(runId, latest);
    process.stdout.write(`\nreport: ${join('reports', runId, 'summary.md')}\n`);
  }
}

/** summary.md and summary.json of a run (or a merge with no results at all); answers the markdown. */
export async function writeSummary(
  dir: string,
  cases: readonly CaseRecord[],
  facts: RunFacts,
  time: RunTime,
  end: RunEnd,
  tables: readonly string[] = [],
): Promise<string> {
  const links = tables.length
    ? `\n## Case family tables\n\n${tables.map((f) => `- [${f}](${f})`).join('\n')}\n`
    : '';
  const md = renderRunSummary(cases, facts, time, end) + links;
  await writeFile(join(dir, 'summary.md'), md);
  const { death: infrastructure, shards } = end;
  const json = { facts, time, counts: countOutcomes(cases), infrastructure, shards: shards ?? null, cases };
  await writeFile(join(dir, 'summary.json'), `${JSON.stringify(json, null, 2)}\n`);
  return md;
}

/** Tables a case family's tests recorded in their meta, written next to the summary; their file names. */
async function writeFamilyTables(dir: string, modules: ReadonlyArray<TestModule>): Promise<string[]> {
  const rows = crossDriverRows(modules);
  if (rows.length === 0) return [];
  await writeFile(join(dir, CROSS_DRIVER_FILE), renderCrossDriver(rows));
  return [CROSS_DRIVER_FILE];
}

/** Replaces secret values in every file under `dir` (reports must never leak keys). */
export async function scrubDir(dir: string, secrets: string[]): Promise<number> {
  if (secrets.length === 0) return 0;
  let scrubbed = 0;
  for (const entry of await readdir(dir, { recursive: true })) {
    const path = join(dir, entry);
    if (!(await stat(path)).isFile()) continue;
    const text = await readFile(path, 'utf8');
    let out = text;
    for (const s of secrets) out = out.split(s).join('[redacted]');
    if (out !== text) {
      await writeFile(path, out);
      scrubbed += 1;
    }
  }
  return scrubbed;
}
