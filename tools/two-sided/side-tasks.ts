/**
 * The tasks of a two-sided run, in order: the work dir, a worktree per side (built), the side
 * stacks, the case runs (and perf), the verdicts. Sides that can be up together come up at
 * once and their runs alternate A B, B A (or, with `--parallel`, run at the same time); the
 * others come up one at a time, each running all its repeats while it is up.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Shard } from '../../harness/shard/plan.ts';
import type { BootstrapConfig } from '../../kernel/config.ts';
import type { PerfOptions } from './perf-options.ts';
import type { Phases, SideInfo, TwoSidedRecord } from './record.ts';
import { alternated, blocked, type Slot } from './schedule.ts';
import type { SideBuilder, SideEnv } from './side-builder.ts';
import { runSideCases } from './side-cases.ts';
import { SideStacks } from './side-stacks.ts';
import type { Task } from './tasks.ts';
import { checkClaims, countVerdicts, SIDES, type Side, verdictsFor } from './verdicts.ts';
import { addWorktree, removeWorktree } from './worktrees.ts';

export interface TwoSidedOptions {
  base: string;
  head: string;
  builder: SideBuilder;
  checkout: string;
  cases: string[];
  grep: string | null;
  repeat: number;
  claims: string[];
  perf: PerfOptions | null;
  /** Both sides' case runs at the same time (sides that can be up together only). */
  parallel: boolean;
  /** Run this side only (`--merge` joins it with the other side's run later). */
  only: Side | null;
  /** With `only`: this shard of the cases. */
  shard: Shard | null;
  /** The user's bootstrap config: provider for side stacks, fallback teardown. Its state dir is left alone. */
  config: BootstrapConfig;
  env: Readonly<Record<string, string | undefined>>;
  stepSummary: string | null;
  runId: string;
  /** Where worktrees and side state dirs go (removed at the end). */
  workDir: string;
  log: (line: string) => void;
}

export interface RunPlan {
  o: TwoSidedOptions;
  record: TwoSidedRecord;
  /** Report dir of the run, relative to reports/. */
  reportRel: string;
  saveRecord: () => Promise<void>;
}

/** Runs `fn` for both sides at once; the first failure stops the other side, then it is thrown. */
async function bothSides(signal: AbortSignal, fn: (s: Side, signal: AbortSignal) => Promise<void>) {
  const both = new AbortController();
  const stop = () => both.abort(signal.reason);
  signal.addEventListener('abort', stop, { once: true });
  try {
    const done = await Promise.allSettled(
      SIDES.map((s) =>
        fn(s, both.signal).catch((err) => {
          both.abort(err);
          throw err;
        }),
      ),
    );
    const failed = done.find((d) => d.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/** What the tasks share: the sides' info, their stacks, the phase clock, the case runs. */
interface Parts {
  p: RunPlan;
  side: (s: Side) => SideInfo;
  env: (signal: AbortSignal) => SideEnv;
  downEnv: Omit<SideEnv, 'signal'>;
  stacks: SideStacks;
  timed: <T>(phase: keyof Phases, fn: () => Promise<T>) => Promise<T>;
  runSlots: (slots: readonly Slot[], signal: AbortSignal) => Promise<void>;
}

function partsOf(p: RunPlan): Parts {
  const { o, record } = p;
  const side = (s: Side): SideInfo => record.sides[s]!;
  const downEnv = { env: o.env, provider: o.config.provider, log: o.log };
  const timed = async <T>(phase: keyof Phases, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      record.phases[phase] += performance.now() - t;
    }
  };
  let started = 0;
  const runSlots = async (slots: readonly Slot[], signal: AbortSignal) => {
    for (const slot of slots) {
      signal.throwIfAborted();
      o.log(`${slot.side}: cases, repeat ${slot.repeat + 1}/${o.repeat}…`);
      const run = await runSideCases({
        ...slot,
        order: started++,
        stateDir: side(slot.side).stateDir,
        cases: o.cases,
        grep: o.grep ?? undefined,
        env: o.env,
        provider: o.config.provider,
        reportRel: p.reportRel,
        ...(o.shard ? { shard: o.shard } : {}),
        signal,
      });
      record.runs.push(run);
      const n = (st: string) => run.outcomes.filter((c) => c.status === st).length;
      o.log(
        `${slot.side}: ${n('passed')} passed, ${n('failed')} failed, ${n('skipped')} not runnable (${(run.wallMs / 1000).toFixed(1)} s)`,
      );
    }
  };
  return {
    p,
    side,
    env: (signal) => ({ ...downEnv, signal }),
    downEnv,
    stacks: new SideStacks(o.builder, o.config, side),
    timed,
    runSlots,
  };
}

function worktreeTask({ p: { o }, side, env, timed }: Parts, s: Side): Task {
  return {
    title: `worktree ${s}`,
    undo: () => removeWorktree(o.checkout, side(s).worktree),
    run: (signal) =>
      timed('build', async () => {
        await mkdir(join(o.workDir, s), { recursive: true });
        await addWorktree(o.checkout, side(s).sha, side(s).worktree, signal);
        side(s).build = await o.builder.build(side(s).worktree, env(signal));
        o.log(`${s}: worktree at ${side(s).sha.slice(0, 10)}; ${side(s).build}`);
      }),
  };
}

/** Both sides up at once (the ups mostly wait: database init, image pushes), then their runs. */
function togetherTasks(parts: Parts): Task[] {
  const { o } = parts.p;
  const { timed, stacks, env, runSlots } = parts;
  return [
    {
      title: 'side stacks up',
      run: (signal) => timed('up', () => bothSides(signal, (s, sig) => stacks.bringUp(s, env(sig)))),
    },
    {
      title: 'case runs',
      run: (signal) =>
        timed('cases', () =>
          o.parallel
            ? bothSides(signal, (s, sig) => runSlots(blocked(s, o.repeat), sig))
            : runSlots(alternated(o.repeat), signal),
        ),
    },
    ...(o.perf ? [perfTask(parts.p, timed, env)] : []),
  ];
}

/** One side at a time: up, all its repeats, down. */
function oneAtATimeTask({ p: { o }, timed, stacks, env, downEnv, runSlots }: Parts, s: Side): Task {
  return {
    title: `side ${s}`,
    run: async (signal) => {
      await timed('up', () => stacks.bringUp(s, env(signal)));
      await timed('cases', () => runSlots(blocked(s, o.repeat), signal));
      await timed('down', () => stacks.takeDown(s, downEnv));
    },
  };
}

export function twoSidedTasks(p: RunPlan): Task[] {
  const { o, record } = p;
  const parts = partsOf(p);
  const sides = o.only ? [o.only] : SIDES;
  return [
    {
      title: `work dir ${o.workDir}`,
      run: () => mkdir(o.workDir, { recursive: true }).then(() => undefined),
      undo: () => rm(o.workDir, { recursive: true, force: true }),
    },
    ...sides.map((s) => worktreeTask(parts, s)),
    // Registered after the worktrees, so it runs before they go: a side's teardown runs from its worktree.
    {
      title: 'side stacks',
      run: p.saveRecord,
      undo: () => parts.timed('down', () => parts.stacks.takeAllDown(parts.downEnv)),
    },
    ...(o.builder.concurrent && !o.only ? togetherTasks(parts) : sides.map((s) => oneAtATimeTask(parts, s))),
    ...(o.only ? [] : [{ title: 'verdicts', run: async () => judgeRuns(record) }]),
  ];
}

/** The verdicts, their counts and the claims checked, from the record's runs. */
export function judgeRuns(record: TwoSidedRecord): void {
  record.verdicts = verdictsFor(record.runs);
  record.counts = countVerdicts(record.verdicts);
  record.claimChecks = checkClaims(record.claims, record.verdicts);
}

function perfTask(
  p: RunPlan,
  timed: <T>(phase: keyof Phases, fn: () => Promise<T>) => Promise<T>,
  env: (signal: AbortSignal) => SideEnv,
): Task {
  const { o, record } = p;
  return {
    title: 'perf A/B',
    run: async (signal) => {
      // Loaded only when asked for: the bench is a heavy import for every other run.
      const { runPerf } = await import('./perf.ts');
      const sides = Object.fromEntries(
        SIDES.map((s) => [s, { side: s, stateDir: record.sides[s]!.stateDir, target: o.builder.kind }]),
      ) as never;
      record.perf = await timed('perf', () => runPerf(sides, o.perf!, env(signal)));
    },
  };
}
