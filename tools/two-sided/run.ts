/**
 * The two-sided run: both refs checked out as worktrees, built, brought up as separate stacks
 * in state dirs of their own (the user's state dir, stack file and services are never
 * touched), the same cases from this checkout run against each side, verdicts, reports.
 * Everything it creates is undone in `finally`, also on SIGINT/SIGTERM.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BootstrapConfig } from '../../kernel/config.ts';
import { UsageError } from '../../kernel/errors.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { InterruptedError, Restore, watchInterrupts } from './cleanup.ts';
import type { PerfOptions } from './perf-options.ts';
import type { Phases, SideInfo, TwoSidedRecord } from './record.ts';
import { writeReports } from './reports.ts';
import { alternated, blocked, type Slot } from './schedule.ts';
import type { SideBuilder, SideEnv } from './side-builder.ts';
import { runSideCases } from './side-cases.ts';
import {
  checkClaimIds,
  checkClaims,
  countVerdicts,
  EXIT_CODES,
  exitCodeFor,
  SIDES,
  type Side,
  verdictsFor,
} from './verdicts.ts';
import { addWorktree, removeWorktree, resolveRef } from './worktrees.ts';

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
  /** The user's bootstrap config: provider for side stacks, fallback teardown. Its state dir is left alone. */
  config: BootstrapConfig;
  env: Readonly<Record<string, string | undefined>>;
  stepSummary: string | null;
  runId: string;
  /** Where worktrees and side state dirs go (removed at the end). */
  workDir: string;
  log: (line: string) => void;
}

const now = () => performance.now();

export async function runTwoSided(o: TwoSidedOptions): Promise<TwoSidedRecord> {
  checkClaimIds(o.claims);
  if (o.perf && !o.builder.concurrent)
    throw new UsageError(
      `--perf alternates the sides, which needs both up at once; target ${o.builder.kind} brings up one at a time`,
    );
  // The restore removes the work dir whole: never one that holds something already.
  if ((await readdir(o.workDir).catch(() => [])).length > 0)
    throw new UsageError(`--work-dir ${o.workDir} is not empty; two-sided mode removes it at the end`);
  const [baseSha, headSha] = [await resolveRef(o.checkout, o.base), await resolveRef(o.checkout, o.head)];
  const reportRel = `two-sided-${o.runId}`;
  const reportDir = join(REPO_ROOT, 'reports', reportRel);
  await mkdir(reportDir, { recursive: true });
  const phases: Phases = { build: 0, up: 0, cases: 0, perf: 0, down: 0, cleanup: 0, total: 0 };
  const sideInfo = (side: Side, ref: string, sha: string): SideInfo => ({
    ref,
    sha,
    worktree: join(o.workDir, side, 'worktree'),
    stateDir: join(o.workDir, side, 'state'),
    build: '',
  });
  const record: TwoSidedRecord = {
    schema: 'boxlite-e2e/two-sided',
    version: 1,
    runId: o.runId,
    status: 'running',
    target: o.builder.kind,
    checkout: o.checkout,
    cases: o.cases,
    grep: o.grep,
    repeat: o.repeat,
    claims: o.claims,
    sides: { base: sideInfo('base', o.base, baseSha), head: sideInfo('head', o.head, headSha) },
    phases,
    runs: [],
    verdicts: [],
    counts: null,
    claimChecks: [],
    perf: null,
    infrastructureError: null,
    restoreFailures: [],
    exitCode: EXIT_CODES.infrastructure,
    startedAt: new Date().toISOString(),
    finishedAt: null,
  };
  // Written before anything changes: what this run will create, for a reviewer (and the restore test).
  const saveRecord = () => writeFile(join(reportDir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
  await saveRecord();

  const interrupts = watchInterrupts(o.log);
  const { signal } = interrupts;
  const restore = new Restore();
  const ctx: SideEnv = { env: o.env, provider: o.config.provider, log: o.log, signal };
  const t0 = now();
  const timed = async <T>(phase: keyof Phases, fn: () => Promise<T>): Promise<T> => {
    const t = now();
    try {
      return await fn();
    } finally {
      phases[phase] += now() - t;
    }
  };
  const side = (s: Side) => record.sides[s]!;
  const up: Side[] = [];
  const takeDown = async (s: Side) => {
    const i = up.indexOf(s);
    if (i < 0) return;
    up.splice(i, 1);
    await timed('down', () => downSide(o, side(s)));
  };
  const bringUp = async (s: Side) => {
    up.push(s); // registered before `up` starts: a half-started side is torn down too
    o.log(`${s}: stack up (${o.builder.kind}, ${side(s).ref} ${side(s).sha.slice(0, 10)})…`);
    await o.builder.up(side(s).worktree, side(s).stateDir, ctx);
  };
  const runSlots = async (slots: Slot[]) => {
    for (const slot of slots) {
      signal.throwIfAborted();
      o.log(`${slot.side}: cases, repeat ${slot.repeat + 1}/${o.repeat}…`);
      const run = await timed('cases', () =>
        runSideCases({
          ...slot,
          order: record.runs.length,
          stateDir: side(slot.side).stateDir,
          cases: o.cases,
          grep: o.grep ?? undefined,
          env: o.env,
          provider: o.config.provider,
          reportRel,
          signal,
        }),
      );
      record.runs.push(run);
      const n = (st: string) => run.outcomes.filter((c) => c.status === st).length;
      o.log(
        `${slot.side}: ${n('passed')} passed, ${n('failed')} failed, ${n('skipped')} not runnable (${(run.wallMs / 1000).toFixed(1)} s)`,
      );
    }
  };
  const perfSides = () =>
    Object.fromEntries(
      SIDES.map((s) => [s, { side: s, stateDir: side(s).stateDir, target: o.builder.kind }]),
    ) as never;

  try {
    await mkdir(o.workDir, { recursive: true });
    restore.add(`work dir ${o.workDir}`, () => rm(o.workDir, { recursive: true, force: true }));
    for (const s of SIDES) {
      signal.throwIfAborted();
      await timed('build', async () => {
        await mkdir(join(o.workDir, s), { recursive: true });
        restore.add(`worktree ${s}`, () => removeWorktree(o.checkout, side(s).worktree));
        await addWorktree(o.checkout, side(s).sha, side(s).worktree, signal);
        side(s).build = await o.builder.build(side(s).worktree, ctx);
        o.log(`${s}: worktree at ${side(s).sha.slice(0, 10)}; ${side(s).build}`);
      });
    }
    // Added after the worktrees, so it runs before they go: a side's teardown runs from its worktree.
    restore.add('side stacks', async () => {
      for (const s of [...up]) await takeDown(s);
    });
    await saveRecord();
    if (o.builder.concurrent) {
      // Both at once: the ups mostly wait (database init, image pushes), not compute.
      // allSettled: neither setup may still be running when the restore starts.
      const ups = await timed('up', () => Promise.allSettled(SIDES.map((s) => bringUp(s))));
      const failed = ups.find((u) => u.status === 'rejected');
      if (failed) throw failed.reason;
      await runSlots(alternated(o.repeat));
      if (o.perf) {
        // Loaded only when asked for: the bench is a heavy import for every other run.
        const { runPerf } = await import('./perf.ts');
        record.perf = await timed('perf', () => runPerf(perfSides(), o.perf!, { ...ctx }));
      }
    } else {
      for (const s of SIDES) {
        await timed('up', () => bringUp(s));
        await runSlots(blocked(s, o.repeat));
        await takeDown(s);
      }
    }
    record.verdicts = verdictsFor(record.runs);
    record.counts = countVerdicts(record.verdicts);
    record.claimChecks = checkClaims(o.claims, record.verdicts);
    record.status = 'completed';
  } catch (err) {
    if (err instanceof InterruptedError || signal.aborted) record.status = 'interrupted';
    else if (err instanceof UsageError) throw err;
    else {
      record.status = 'infrastructure-error';
      record.infrastructureError = (err as Error).message;
    }
  } finally {
    o.log('restoring: side stacks down, worktrees and side state removed…');
    const [r0, down0] = [now(), phases.down];
    record.restoreFailures = await restore.run(o.log);
    phases.cleanup = now() - r0 - (phases.down - down0);
    interrupts.dispose();
    phases.total = now() - t0;
  }
  const got = interrupts.received();
  if (record.restoreFailures.length && !record.infrastructureError)
    record.infrastructureError = `restore incomplete: ${record.restoreFailures.join('; ')}`;
  record.exitCode =
    record.status === 'interrupted'
      ? got === 'SIGTERM'
        ? EXIT_CODES.terminated
        : EXIT_CODES.interrupted
      : exitCodeFor({
          regressions: record.counts?.regressed ?? 0,
          claimsNotShown: record.claimChecks.filter((c) => !c.shown).length,
          perfRegressions: record.perf?.compare.regressions.length ?? 0,
          infrastructureError: record.infrastructureError,
        });
  record.finishedAt = new Date().toISOString();
  await writeReports(record, reportDir, o.stepSummary);
  return record;
}

/** The side's own teardown; should it fail (a broken ref), this checkout's teardown of that state dir. */
async function downSide(o: TwoSidedOptions, s: SideInfo): Promise<void> {
  try {
    await o.builder.down(s.worktree, s.stateDir, { env: o.env, provider: o.config.provider, log: o.log });
  } catch (err) {
    o.log(`side teardown failed (${(err as Error).message}); tearing down ${s.stateDir} from this checkout`);
    // Loaded only on this fallback path: the providers are a heavy import.
    const { teardownStack } = await import('../../stack/down.ts');
    await teardownStack({
      config: { ...o.config, stateDir: s.stateDir },
      wipeData: true,
      full: true,
      quiet: true,
    });
  }
}
