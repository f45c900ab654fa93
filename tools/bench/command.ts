/**
 * `pnpm e2e:bench` — upstream's nine REST bench scenarios (plus the bare-Docker physical limit
 * on the sim), reports in upstream's JSON schema v1.0 with markdown and a chart page, and a
 * compare that can ask a permutation test before calling anything a regression.
 * Figures, not assertions: benchmarks measure speed, tests check behaviour.
 *
 *   pnpm e2e:bench [scenario|all] [--runs N] [--warmup N] [--target sim|serve|boxlite|remote] [--settle-ms N]
 *   pnpm e2e:bench list
 *   pnpm e2e:bench compare BASE CUR [--on p99] [--threshold 0.2] [--stat permutation] [--alpha A] [--permutations N] [--seed N]
 *
 * BASE and CUR are v1.0 report files (ours or upstream's) or run directories. Exit codes:
 * run 0 (1 when a scenario produced no successful sample), compare 1 on a regression or when
 * nothing was compared, 2 for bad input.
 */
import { join } from 'node:path';
import {
  resolveStackHandle,
  STACK_HANDLE_OPTIONS,
  type StackHandleOptions,
} from '../../harness/handle/handle.ts';
import { readRemoteConfig } from '../../harness/handle/remote-config.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { runMain, UsageError } from '../../kernel/errors.ts';
import { type OptionTable, optionsHelp, type Resolved, resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { ALL_SCENARIOS, runBench, selectScenarios } from './bench-run.ts';
import { type CompareOptions, compareReports, compareRuns } from './compare.ts';
import { formatCompare } from './compare-text.ts';
import { limits } from './derive.ts';
import { loadReports, writeRun } from './files.ts';
import { goalLines, overheadTable, summaryTable } from './report-md.ts';
import { restOps } from './rest-ops.ts';
import { BENCH_TARGETS, type BenchTargetKind, describeTarget, pickTarget } from './target.ts';

/** Option values that are fractions; the option door prefixes the flag name to the message. */
const decimal = (v: string) => {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new Error(`${JSON.stringify(v)} is not a decimal number`);
};

/** The stack-handle options (state dir, remote config, Docker endpoint) plus the bench's own. */
export const BENCH_OPTIONS = {
  ...STACK_HANDLE_OPTIONS,
  benchTarget: {
    flag: 'target',
    type: 'enum',
    values: BENCH_TARGETS,
    doc: 'where to run: remote when BOXLITE_E2E_URL/_PROFILE is set, else the stack file (BOXLITE_E2E_TARGET, default sim)',
  },
  runs: {
    flag: 'runs',
    type: 'int',
    min: 1,
    max: 1000,
    default: 5,
    doc: 'iterations per scenario, warm-ups included',
  },
  warmup: {
    flag: 'warmup',
    type: 'int',
    min: 0,
    max: 100,
    default: 1,
    doc: 'leading iterations not aggregated',
  },
  settleMs: {
    flag: 'settle-ms',
    type: 'int',
    min: 0,
    max: 60_000,
    default: 2000,
    doc: "pause after each create (upstream's 2000; changing it changes the work)",
  },
  on: {
    flag: 'on',
    type: 'enum',
    values: ['min', 'p50', 'p90', 'p99', 'max', 'mean', 'stdev'],
    default: 'p99',
    doc: 'compare: aggregate field',
  },
  threshold: {
    flag: 'threshold',
    type: 'string',
    default: '0.2',
    check: decimal,
    doc: 'compare: relative worsening that counts (noise threshold with --stat)',
  },
  stat: {
    flag: 'stat',
    type: 'enum',
    values: ['permutation'],
    doc: 'compare: gate on a permutation test too',
  },
  alpha: {
    flag: 'alpha',
    type: 'string',
    default: '0.05',
    check: decimal,
    doc: 'compare: significance level',
  },
  permutations: {
    flag: 'permutations',
    type: 'int',
    min: 100,
    max: 200_000,
    default: 10_000,
    doc: 'compare: most shuffles',
  },
  seed: { flag: 'seed', type: 'int', min: 0, max: 2 ** 31, default: 1, doc: 'compare: shuffle seed' },
} as const satisfies OptionTable;

type BenchValues = Resolved<typeof BENCH_OPTIONS>;

const RUN_FLAGS = ['runs', 'warmup', 'target', 'settle-ms'];
const COMPARE_FLAGS = ['on', 'threshold', 'stat', 'alpha', 'permutations', 'seed'];

const USAGE = `usage: pnpm e2e:bench [scenario|all|list] [flags]  |  pnpm e2e:bench compare BASE CUR [flags]
${optionsHelp(BENCH_OPTIONS)}
scenarios: ${ALL_SCENARIOS.map((s) => s.name).join(', ')}`;

/** Flags that belong to the other mode are an error, not silently ignored. */
function refuseFlags(argv: readonly string[], flags: string[], mode: string): void {
  const given = argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]!);
  const wrong = given.find((f) => flags.includes(f));
  if (wrong) throw new UsageError(`--${wrong} does not apply to ${mode}`);
}

async function compare(base: string, cur: string, v: BenchValues): Promise<void> {
  const opts: CompareOptions = {
    on: v.on,
    threshold: Number(v.threshold),
    stat: v.stat ?? null,
    alpha: Number(v.alpha),
    permutations: v.permutations,
    seed: v.seed,
  };
  // Unreadable files, mismatched scenarios and bad options are all input errors: exit 2.
  const asUsage = <T>(p: Promise<T>) => p.catch((err: Error) => Promise.reject(new UsageError(err.message)));
  const [b, c] = await asUsage(Promise.all([loadReports(base), loadReports(cur)]));
  const result = await asUsage(
    (async () =>
      b.length === 1 && c.length === 1
        ? { ...compareReports(b[0]!, c[0]!, opts), unmatched: [] }
        : compareRuns(b, c, opts))(),
  );
  const label = (p: string, r: typeof b) =>
    `${p} — ${r[0]?.metadata.label ?? '?'} (${r.length} scenario${r.length === 1 ? '' : 's'})`;
  process.stdout.write(formatCompare(result, opts, { base: label(base, b), cur: label(cur, c) }));
  process.exitCode = result.exitCode;
}

/** The stack handle for the chosen target. */
async function handleFor(kind: BenchTargetKind, o: StackHandleOptions, hasRemote: boolean) {
  if (kind === 'remote') {
    if (!hasRemote)
      throw new UsageError(
        '--target remote needs BOXLITE_E2E_URL + BOXLITE_E2E_API_KEY (or BOXLITE_E2E_PROFILE)',
      );
    return resolveStackHandle(o);
  }
  // A stack-file target: remote settings must not redirect it.
  const handle = await resolveStackHandle({ ...o, url: undefined, apiUrl: undefined, profile: undefined });
  if (handle.kind !== kind)
    throw new UsageError(
      `--target ${kind}, but the stack file in ${handle.stack?.stateDir} is target ${handle.kind}`,
    );
  return handle;
}

async function run(scenarioName: string, v: BenchValues): Promise<void> {
  if (v.warmup >= v.runs)
    throw new UsageError(`--warmup ${v.warmup} leaves no measured run of --runs ${v.runs}`);
  const scenarios = selectScenarios(scenarioName);
  const hasRemote = (await readRemoteConfig(v)) !== null;
  const kind = pickTarget(v.benchTarget, v.target, hasRemote);
  const handle = await handleFor(kind, v, hasRemote);
  const target = await describeTarget(handle, handle.dockerHost);
  const runId = newRunId();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(
    `Target: ${target.handle.kind} ${target.handle.apiUrl} (${target.handle.origin}), image ${target.image}`,
  );
  const ops = restOps(target.handle, target.image);
  // Ctrl-C mid-iteration: delete the boxes it made before leaving.
  process.once('SIGINT', () => {
    log('interrupted: deleting the boxes this run created');
    void Promise.all(ops.live().map((id) => ops.deleteBox(id))).finally(() => process.exit(130));
  });
  const { run, reports } = await runBench(
    target,
    scenarios,
    { runId, runs: v.runs, warmup: v.warmup, settleMs: v.settleMs, log },
    ops,
  );
  const dir = await writeRun(join(REPO_ROOT, 'reports', 'bench'), run, reports);
  const lim = limits(reports);
  log(`\n${summaryTable(reports, lim)}\n`);
  for (const s of run.scenarios.filter((e) => e.status === 'not-runnable'))
    log(`not runnable: ${s.name} — ${s.reason}`);
  log([...goalLines(lim), '', overheadTable(reports), ''].join('\n'));
  log(`reports: ${dir}/ (report.html, report.md, run.json, <scenario>.json)`);
  const empty = reports.filter((r) => !r.samples.some((s) => !s.warmup && !s.error));
  if (empty.length) {
    log(`no successful sample in: ${empty.map((r) => r.scenario).join(', ')}`);
    process.exitCode = 1;
  }
}

export async function main(argv: readonly string[], env: Env): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { values, positionals } = resolveOptions(BENCH_OPTIONS, argv, env, { positionals: true });
  const [first = 'all', ...rest] = positionals;
  if (first === 'compare') {
    refuseFlags(argv, RUN_FLAGS, 'compare');
    if (rest.length !== 2)
      throw new UsageError('compare takes two reports: BASE.json CUR.json (or two run directories)');
    return compare(rest[0]!, rest[1]!, values);
  }
  refuseFlags(argv, COMPARE_FLAGS, 'a run');
  if (rest.length) throw new UsageError(`one scenario at a time (or all); got ${positionals.join(' ')}`);
  if (first === 'list') {
    for (const s of ALL_SCENARIOS) process.stdout.write(`  ${s.name.padEnd(28)}  ${s.summary}\n`);
    return;
  }
  return run(first, values);
}

if (import.meta.main) await runMain('e2e:bench', () => main(process.argv.slice(2), process.env));
