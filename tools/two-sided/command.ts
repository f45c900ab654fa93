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
 *
 * Exit codes (docs/two-sided.md): 0 clean; bits 1 regression, 4 claimed fix not shown,
 * 8 perf regression; 2 usage; 3 infrastructure; 130/143 interrupted (after the restore).
 * The user's state dir, stack file and services are never touched; everything the run creates
 * is removed on success, failure, SIGINT and SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knownBug } from '../../harness/ledger/known-bugs.ts';
import { REPORT_OPTIONS } from '../../harness/run-options.ts';
import { BOOTSTRAP_OPTIONS, bootstrapConfig } from '../../kernel/config.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { runMain, UsageError } from '../../kernel/errors.ts';
import { envOnly, type OptionTable, type Resolved, resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { STAT_FIELDS, type StatField } from '../bench/stats.ts';
import { boxliteSideBuilder } from './boxlite-side.ts';
import { DEFAULT_PERF, type PerfOptions } from './perf-options.ts';
import { runTwoSided } from './run.ts';
import { simSideBuilder } from './sim-side.ts';
import { EXIT_CODES } from './verdicts.ts';

const decimal = (v: string) => {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new Error(`${JSON.stringify(v)} is not a decimal number`);
};

export const TWO_SIDED_OPTIONS = {
  ...envOnly(BOOTSTRAP_OPTIONS),
  stepSummary: REPORT_OPTIONS.stepSummary,
  base: { flag: 'base', type: 'string', required: true, doc: 'base ref (e.g. main)' },
  head: { flag: 'head', type: 'string', required: true, doc: 'head ref (e.g. the PR branch)' },
  side: {
    flag: 'target',
    type: 'enum',
    values: ['sim', 'boxlite'],
    default: 'sim',
    doc: 'what a side is: sim (this harness at the ref) | boxlite (a BoxLite checkout at the ref)',
  },
  checkout: { flag: 'checkout', type: 'path', doc: 'repository of the refs (sim: default this repo)' },
  cases: {
    flag: 'cases',
    type: 'list',
    doc: 'case files or file:line filters, comma separated (default all)',
  },
  grep: { flag: 'grep', type: 'string', doc: 'only cases whose name matches' },
  repeat: { flag: 'repeat', type: 'int', min: 1, max: 50, default: 1, doc: 'runs of the cases per side' },
  claims: {
    flag: 'claims',
    type: 'list',
    doc: 'ledger bug ids the head claims to fix',
    check: (ids: string[]) => ids.forEach(knownBug),
  },
  workDir: {
    flag: 'work-dir',
    type: 'path',
    doc: 'where worktrees and side state dirs go (default: a temp dir)',
  },
  parallel: {
    flag: 'parallel',
    type: 'bool',
    doc: "run both sides' cases at the same time (sides that can be up together)",
  },
  perf: { flag: 'perf', type: 'bool', doc: 'also run the performance A/B' },
  perfScenarios: {
    flag: 'perf-scenarios',
    type: 'list',
    default: DEFAULT_PERF.scenarios,
    doc: 'bench scenarios of the A/B (checked when --perf is given)',
  },
  perfRuns: {
    flag: 'perf-runs',
    type: 'int',
    min: 2,
    max: 1000,
    default: DEFAULT_PERF.runs,
    doc: 'iterations per bench run',
  },
  perfWarmup: {
    flag: 'perf-warmup',
    type: 'int',
    min: 0,
    max: 100,
    default: DEFAULT_PERF.warmup,
    doc: 'warm-up iterations per bench run',
  },
  perfRounds: {
    flag: 'perf-rounds',
    type: 'int',
    min: 1,
    max: 20,
    default: DEFAULT_PERF.rounds,
    doc: 'alternation rounds (2 = A B B A)',
  },
  perfOn: {
    flag: 'perf-on',
    type: 'enum',
    values: STAT_FIELDS,
    default: DEFAULT_PERF.on,
    doc: 'aggregate compared',
  },
  perfAlpha: {
    flag: 'perf-alpha',
    type: 'string',
    default: String(DEFAULT_PERF.alpha),
    check: decimal,
    doc: 'significance level',
  },
  perfThreshold: {
    flag: 'perf-threshold',
    type: 'string',
    default: String(DEFAULT_PERF.threshold),
    check: decimal,
    doc: 'noise threshold: relative worsening below it is never a regression',
  },
} as const satisfies OptionTable;

export type TwoSidedValues = Resolved<typeof TWO_SIDED_OPTIONS>;

export function parseTwoSidedArgs(argv: readonly string[], env: Env): TwoSidedValues {
  const { values } = resolveOptions(TWO_SIDED_OPTIONS, argv, env);
  if (values.side === 'boxlite' && !values.checkout)
    throw new UsageError('--target boxlite needs --checkout PATH (a BoxLite git checkout)');
  if (values.perfWarmup >= values.perfRuns)
    throw new UsageError(
      `--perf-warmup ${values.perfWarmup} leaves no measured run of --perf-runs ${values.perfRuns}`,
    );
  const alpha = Number(values.perfAlpha);
  if (!(alpha > 0 && alpha < 1))
    throw new UsageError(`--perf-alpha must be in (0, 1), got ${values.perfAlpha}`);
  return values;
}

export function perfOptions(v: TwoSidedValues): PerfOptions | null {
  if (!v.perf) return null;
  return {
    ...DEFAULT_PERF,
    scenarios: v.perfScenarios,
    runs: v.perfRuns,
    warmup: v.perfWarmup,
    rounds: v.perfRounds,
    on: v.perfOn as StatField,
    alpha: Number(v.perfAlpha),
    threshold: Number(v.perfThreshold),
  };
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
    const log = (line: string) => process.stderr.write(`two-sided: ${line}\n`);
    try {
      const record = await runTwoSided({
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
        config: bootstrapConfig(v),
        env: process.env,
        stepSummary: v.stepSummary ?? null,
        runId,
        workDir: v.workDir ?? join(tmpdir(), `boxlite-e2e-two-sided-${runId}`),
        log,
      });
      const dir = join('reports', `two-sided-${runId}`);
      process.stdout.write(await readFile(join(REPO_ROOT, dir, 'summary.md'), 'utf8'));
      process.stdout.write(`\nreports: ${dir}/ (summary.md, verdicts.json, junit.xml, index.html)\n`);
      process.exitCode = record.exitCode;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      // Anything else is the machinery failing, never a verdict: exit 3, not 1 (1 means regression).
      process.stderr.write(`e2e:two-sided: infrastructure failure: ${(err as Error).message}\n`);
      process.exitCode = EXIT_CODES.infrastructure;
    }
  });
}
