/**
 * Reporter plug-in that writes reports/<run-id>/summary.{md,json} (outcomes with xfail named,
 * the time split into SUT calls, deliberate waits and harness machinery), appends the summary to
 * $GITHUB_STEP_SUMMARY, scrubs every secret value from every report file, and points
 * reports/latest at this run. JUnit, JSON and HTML come from vitest's own reporters.
 */
import { appendFile, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { readDeath } from '../infra/death.ts';
import { readLeftovers } from '../leaks/leftovers-report.ts';
import { renderSummary } from './markdown.ts';
import { collectCases, countOutcomes } from './outcomes.ts';
import { secretValues } from './redact.ts';
import { readFacts } from './run-facts.ts';
import { runTime } from './time-split.ts';

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
    const time = runTime(cases, performance.now() - this.t0, removals);
    // Tables a case family writes next to the summary (e.g. cross-driver.md) are linked from it.
    const extra = (await readdir(dir)).filter((f) => f.endsWith('.md') && f !== 'summary.md').sort();
    const links = extra.length
      ? `\n## Case family tables\n\n${extra.map((f) => `- [${f}](${f})`).join('\n')}\n`
      : '';
    const death = readDeath(dir);
    const md = renderSummary(cases, facts, time, { death, leftovers: await readLeftovers(dir) }) + links;
    await writeFile(join(dir, 'summary.md'), md);
    await writeFile(
      join(dir, 'summary.json'),
      `${JSON.stringify({ facts, time, counts: countOutcomes(cases), infrastructure: death, cases }, null, 2)}\n`,
    );
    if (stepSummary) await appendFile(stepSummary, `${md}\n`);
    await scrubDir(dir, await secretValues(facts.secretsFile, this.opts.extraSecrets));
    const latest = join(REPO_ROOT, 'reports', 'latest');
    await rm(latest, { force: true });
    await symlink(runId, latest);
    process.stdout.write(`\nreport: ${join('reports', runId, 'summary.md')}\n`);
  }
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
