/**
 * Reporter plug-in that writes reports/<run-id>/summary.{md,json}, appends the summary to
 * $GITHUB_STEP_SUMMARY, scrubs every secret value from every report file, and points
 * reports/latest at this run. JUnit, JSON and HTML come from vitest's own reporters.
 */
import { appendFile, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { renderSummary } from './markdown.ts';
import { collectCases, countOutcomes } from './outcomes.ts';
import { secretValues } from './redact.ts';
import { readFacts } from './run-facts.ts';

export default class RunReport implements Reporter {
  private t0 = performance.now();

  onInit(): void {
    this.t0 = performance.now();
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const runId = process.env.BOXLITE_E2E_RUN_ID;
    if (!runId) return;
    const dir = join(REPO_ROOT, 'reports', runId);
    const facts = await readFacts(dir);
    if (!facts) return; // the cases project did not run (e.g. unit only)
    const cases = collectCases(modules, REPO_ROOT).filter((c) => c.file.startsWith('cases/'));
    const testMs = cases.reduce((a, c) => a + c.durationMs, 0);
    const callMs = modules
      .flatMap((m) => [...m.children.allTests()])
      .reduce((a, t) => a + (t.meta().callMs ?? 0), 0);
    const timing = { wallMs: performance.now() - this.t0, testMs, callMs };
    const md = renderSummary(cases, facts, timing);
    await writeFile(join(dir, 'summary.md'), md);
    await writeFile(
      join(dir, 'summary.json'),
      `${JSON.stringify({ facts, timing, counts: countOutcomes(cases), cases }, null, 2)}\n`,
    );
    if (process.env.GITHUB_STEP_SUMMARY) await appendFile(process.env.GITHUB_STEP_SUMMARY, `${md}\n`);
    await scrubDir(dir, await secretValues(facts.secretsFile));
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
