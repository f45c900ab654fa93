/**
 * `pnpm e2e:bisect` — which commit changed a case: `git bisect` over a checkout's history,
 * the stack built and brought up at each step (the target's cached recipe), only the named
 * cases run. Works for a regression (--good older) and a fix (--bad older).
 *
 *   --checkout PATH --good REF --bad REF     the repository and the two ends (required)
 *   --case PATTERN | --claim BUG [--cases F] the deciding cases: by name, or those claiming a bug
 *   --paths a,b                              only commits touching these paths are tested
 *   --pin runner=REF                         the component built from REF at every step
 *   --step-hook CMD                          run in the worktree after each checkout
 *   --target boxlite|sim  --trust-ends  --work-dir PATH
 *
 * Exit codes (docs/bisect.md): 0 found; 1 only skipped commits left (candidates listed);
 * 2 usage; 3 infrastructure; 4 the ends do not show the change; 130/143 interrupted (after
 * the restore). The user's checkout, its HEAD and its state dir are never touched.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bootstrapConfig } from '../../kernel/config.ts';
import { runMain, UsageError } from '../../kernel/errors.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { type BisectValues, parseBisectArgs } from './options.ts';
import { parsePinArg } from './pin.ts';
import { BISECT_EXIT, type BisectRecord } from './record.ts';
import { bisectHeadline, writeBisectReports } from './report.ts';
import { runBisect } from './run.ts';
import { pinPathsFor, targetProbe } from './target.ts';

/** The case files to run: --cases, else (with --claim) the files of the cases claiming it. */
async function caseFiles(v: BisectValues): Promise<string[]> {
  if (v.cases.length || !v.claim) return v.cases;
  const { collectAllCases } = await import('../collect/collect.ts');
  const files = [
    ...new Set((await collectAllCases()).filter((c) => c.detects.includes(v.claim!)).map((c) => c.file)),
  ];
  if (files.length === 0) throw new UsageError(`--claim ${v.claim}: no case claims it`);
  return files;
}

async function bisect(v: BisectValues, runId: string): Promise<BisectRecord> {
  const checkout = resolve(v.checkout ?? REPO_ROOT);
  const workDir = v.workDir ?? join(tmpdir(), `boxlite-e2e-bisect-${runId}`);
  const stateDir = join(workDir, 'state');
  const log = (line: string) => process.stderr.write(`bisect: ${line}\n`);
  const selection = { cases: await caseFiles(v), grep: v.case ?? null, claim: v.claim ?? null };
  const config = bootstrapConfig(v);
  return runBisect({
    checkout,
    good: v.good,
    bad: v.bad,
    selection,
    paths: v.paths,
    pins: v.pin.map(parsePinArg),
    pinPaths: pinPathsFor(v.target, checkout, stateDir, process.env),
    stepHook: v.stepHook ?? null,
    checkEnds: !v.trustEnds,
    probe: targetProbe({ target: v.target, config, stateDir, selection, env: process.env, log }),
    target: v.target,
    runId,
    workDir,
    log,
  });
}

if (import.meta.main) {
  await runMain('e2e:bisect', async () => {
    const v = parseBisectArgs(process.argv.slice(2), process.env);
    const runId = newRunId();
    let record: BisectRecord;
    try {
      record = await bisect(v, runId);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      process.stderr.write(`e2e:bisect: infrastructure failure: ${(err as Error).message}\n`);
      process.exitCode = BISECT_EXIT.infrastructure;
      return;
    }
    const dir = await writeBisectReports(record, join(REPO_ROOT, 'reports'));
    process.stdout.write(await readFile(join(dir, 'summary.md'), 'utf8'));
    process.stdout.write(
      `\n${bisectHeadline(record)}\nreports: ${join('reports', record.reportRel)}/ (summary.md, bisect.json)\n`,
    );
    process.exitCode = record.exitCode;
  });
}
