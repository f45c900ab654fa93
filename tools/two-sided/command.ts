/**
 * `pnpm e2e:two-sided` — the same cases against two refs (base, e.g. main, and head, a PR),
 * one verdict per case: fixed, regressed, still failing, flaky, unchanged (or not run).
 *
 *   --base REF --head REF          refs of the checkout (required)
 *   --target sim|boxlite           sim: refs of this harness repo (its sim runs from each
 *                                  worktree); boxlite: refs of a BoxLite checkout (default sim)
 *   --checkout PATH                the repository the refs belong to (sim: default this repo)
 *   --cases a,b  --grep P          case files / file:line filters, and a name pattern
 *   --repeat N                     runs per side (alternating A B B A); differing repeats = flaky
 *   --parallel                     both sides' runs at the same time (sim: both stacks are up)
 *   --claims bug,…                 ledger bugs the head claims to fix: they must show as fixed
 *   --perf [--perf-scenarios …]    performance A/B on the bench scenarios (permutation test)
 *   --only base|head [--shard i/n] one side only (or one shard of it), on a runner of its own
 *   --merge DIR…                   the verdicts from the report dirs of --only runs
 *
 * Exit codes (docs/two-sided.md): 0 clean; bits 1 regression, 4 claimed fix not shown,
 * 8 perf regression; 2 usage; 3 infrastructure; 130/143 interrupted (after the restore).
 * The user's state dir, stack file and services are never touched; everything the run creates
 * is removed on success, failure, SIGINT and SIGTERM.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapConfig } from '../../kernel/config.ts';
import { runMain, UsageError } from '../../kernel/errors.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { boxliteSideBuilder } from './boxlite-side.ts';
import { mergeSides } from './merge-sides.ts';
import { parseTwoSidedArgs, perfOptions, type TwoSidedValues } from './options.ts';
import { verdictHeadline } from './report-md.ts';
import { runTwoSided } from './run.ts';
import { simSideBuilder } from './sim-side.ts';
import { EXIT_CODES } from './verdicts.ts';

function runOptions(v: TwoSidedValues, runId: string) {
  return {
    base: v.base,
    head: v.head,
    builder: v.side === 'boxlite' ? boxliteSideBuilder() : simSideBuilder(),
    checkout: v.checkout ?? REPO_ROOT,
    cases: v.cases,
    grep: v.grep ?? null,
    repeat: v.repeat,
    claims: v.claims,
    perf: perfOptions(v),
    parallel: v.parallel,
    only: v.only ?? null,
    shard: v.shardOf,
    config: bootstrapConfig(v),
    env: process.env,
    stepSummary: v.stepSummary ?? null,
    runId,
    // A side run's own: two of them may start in the same millisecond on one host.
    workDir:
      v.workDir ??
      join(
        tmpdir(),
        `boxlite-e2e-two-sided-${runId}${v.only ? `-${v.only}` : ''}${v.shard ? `-${v.shard.replace('/', 'of')}` : ''}`,
      ),
    log: (line: string) => process.stderr.write(`two-sided: ${line}\n`),
  };
}

async function printVerdicts(dir: string): Promise<void> {
  process.stdout.write(await readFile(join(REPO_ROOT, dir, 'summary.md'), 'utf8'));
  process.stdout.write(`\nreports: ${dir}/ (summary.md, verdicts.json, junit.xml, index.html)\n`);
}

if (import.meta.main) {
  await runMain('e2e:two-sided', async () => {
    const v = parseTwoSidedArgs(process.argv.slice(2), process.env);
    if (v.perf) {
      // The bench loads only with --perf; an unknown scenario is a usage error before anything starts.
      const { selectScenarios } = await import('../bench/bench-run.ts');
      v.perfScenarios.forEach(selectScenarios);
    }
    const runId = newRunId();
    try {
      if (v.merge) {
        const record = await mergeSides(v.dirs, runId, v.stepSummary ?? null);
        await printVerdicts(join('reports', record.reportRel));
        if (v.githubOutput) await appendFile(v.githubOutput, `headline=${verdictHeadline(record)}\n`);
        process.exitCode = record.exitCode;
        return;
      }
      const record = await runTwoSided(runOptions(v, runId));
      if (v.only) process.stdout.write(`side run: reports/${record.reportRel}/ (run.json)\n`);
      else await printVerdicts(join('reports', record.reportRel));
      process.exitCode = record.exitCode;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      // Anything else is the machinery failing, never a verdict: exit 3, not 1 (1 means regression).
      process.stderr.write(`e2e:two-sided: infrastructure failure: ${(err as Error).message}\n`);
      process.exitCode = EXIT_CODES.infrastructure;
    }
  });
}
