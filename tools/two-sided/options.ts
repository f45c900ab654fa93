/**
 * The options of `pnpm e2e:two-sided` (command.ts), resolved once: flags, then environment,
 * then defaults; what they turn into (perf options, the mode of the run).
 */
import { knownBug } from '../../harness/ledger/known-bugs.ts';
import { REPORT_OPTIONS } from '../../harness/run-options.ts';
import { parseShard, type Shard } from '../../harness/shard/plan.ts';
import { BOOTSTRAP_OPTIONS } from '../../kernel/config.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { UsageError } from '../../kernel/errors.ts';
import { envOnly, type OptionTable, type Resolved, resolveOptions } from '../../kernel/options.ts';
import { STAT_FIELDS, type StatField } from '../bench/stats.ts';
import { DEFAULT_PERF, type PerfOptions } from './perf-options.ts';
import { SIDES } from './verdicts.ts';

const decimal = (v: string) => {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new Error(`${JSON.stringify(v)} is not a decimal number`);
};

export const TWO_SIDED_OPTIONS = {
  ...envOnly(BOOTSTRAP_OPTIONS),
  stepSummary: REPORT_OPTIONS.stepSummary,
  githubOutput: {
    env: 'GITHUB_OUTPUT',
    type: 'path',
    doc: 'with --merge: file the verdict headline is appended to as `headline=`',
  },
  base: { flag: 'base', type: 'string', doc: 'base ref (e.g. main)' },
  head: { flag: 'head', type: 'string', doc: 'head ref (e.g. the PR branch)' },
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
  only: {
    flag: 'only',
    type: 'enum',
    values: SIDES,
    doc: 'run one side only (its own runner); `--merge` joins the sides into the verdicts',
  },
  shard: {
    flag: 'shard',
    type: 'string',
    doc: 'with --only: shard i/n of the cases on that side',
    check: (v: string) => void parseShard(v),
  },
  merge: {
    flag: 'merge',
    type: 'bool',
    doc: 'join the report dirs of --only runs (arguments) into the verdicts',
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

export type TwoSidedValues = Resolved<typeof TWO_SIDED_OPTIONS> & {
  base: string;
  head: string;
  shardOf: Shard | null;
  /** With --merge: the report dirs of the side runs. */
  dirs: string[];
};

export function parseTwoSidedArgs(argv: readonly string[], env: Env): TwoSidedValues {
  const { values, positionals } = resolveOptions(TWO_SIDED_OPTIONS, argv, env, { positionals: true });
  if (values.merge) {
    if (positionals.length === 0)
      throw new UsageError("--merge needs the side runs' report dirs as arguments");
    return { ...values, base: '', head: '', shardOf: null, dirs: positionals };
  }
  if (positionals.length)
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} (only --merge takes dirs)`);
  if (!values.base || !values.head) throw new UsageError('--base and --head are required');
  if (values.shard && !values.only)
    throw new UsageError("--shard splits one side's cases: it needs --only base|head");
  if (values.only && (values.perf || values.parallel))
    throw new UsageError('--only runs one side: --perf and --parallel need both');
  if (values.side === 'boxlite' && !values.checkout)
    throw new UsageError('--target boxlite needs --checkout PATH (a BoxLite git checkout)');
  if (values.perfWarmup >= values.perfRuns)
    throw new UsageError(
      `--perf-warmup ${values.perfWarmup} leaves no measured run of --perf-runs ${values.perfRuns}`,
    );
  const alpha = Number(values.perfAlpha);
  if (!(alpha > 0 && alpha < 1))
    throw new UsageError(`--perf-alpha must be in (0, 1), got ${values.perfAlpha}`);
  return {
    ...values,
    base: values.base,
    head: values.head,
    shardOf: values.shard ? parseShard(values.shard) : null,
    dirs: [],
  };
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
