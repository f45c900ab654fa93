/**
 * The bisect run: the checkout's history between a commit where the selected cases pass
 * (`good`) and one where they fail (`bad`) — in either order, so a fix is found as well as a
 * regression — searched with `git bisect` in a worktree of its own. Each step is tested by a
 * probe (probe.ts: the stack built and up at that commit, the cases run); a step that cannot
 * be tested is skipped with its reason. Built as titled tasks with the two-sided task runner,
 * which undoes everything (stack, bisect state, worktree, work dir) on success, failure,
 * SIGINT and SIGTERM.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../../kernel/errors.ts';
import { runTasks, type Task } from '../two-sided/tasks.ts';
import { addWorktree, removeWorktree, resolveRef } from '../two-sided/worktrees.ts';
import { GitBisect, isAncestor, type Mark, subjectOf, type Terms } from './git-bisect.ts';
import { type Pin, pinnedCommit } from './pin.ts';
import type { Selection, StepProbe, StepVerdict } from './probe.ts';
import { BISECT_EXIT, type BisectRecord, type BisectStep, type CommitOutcome } from './record.ts';

export interface BisectOptions {
  checkout: string;
  good: string;
  bad: string;
  selection: Selection;
  /** Only commits touching these paths are candidates (`git bisect start -- paths`). */
  paths: string[];
  pins: { component: string; ref: string }[];
  /** The checkout paths a pinned component is built from, at the pin's commit. */
  pinPaths: (component: string, sha: string) => Promise<string[]>;
  /** Run in the worktree after each checkout (environment-only fixes); failing = skip. */
  stepHook: string | null;
  /** Test both ends before bisecting (their outcomes must differ as --good/--bad say). */
  checkEnds: boolean;
  probe: StepProbe;
  target: string;
  runId: string;
  workDir: string;
  log: (line: string) => void;
  /** Where SIGINT/SIGTERM come from (tests use an emitter of their own). */
  signals?: NodeJS.Process;
}

const REGRESSION: Terms = { old: 'good', new: 'bad' };
const FIX: Terms = { old: 'broken', new: 'fixed' };

export const bisectWorktree = (workDir: string) => join(workDir, 'worktree');

/** Refs, direction and pins, all before anything is created. */
async function planRun(o: BisectOptions): Promise<BisectRecord> {
  if ((await readdir(o.workDir).catch(() => [])).length > 0)
    throw new UsageError(`--work-dir ${o.workDir} is not empty; bisect removes it at the end`);
  const good = await resolveRef(o.checkout, o.good);
  const bad = await resolveRef(o.checkout, o.bad);
  if (good === bad) throw new UsageError(`--good and --bad are the same commit (${good.slice(0, 10)})`);
  let direction: BisectRecord['direction'];
  if (await isAncestor(o.checkout, good, bad)) direction = 'regression';
  else if (await isAncestor(o.checkout, bad, good)) direction = 'fix';
  else
    throw new UsageError(
      '--good and --bad are not on one line of history (neither is an ancestor of the other)',
    );
  const pins: Pin[] = [];
  for (const p of o.pins) {
    const sha = await resolveRef(o.checkout, p.ref);
    pins.push({ ...p, sha, paths: await o.pinPaths(p.component, sha) });
  }
  return {
    schema: 'boxlite-e2e/bisect',
    version: 1,
    runId: o.runId,
    reportRel: `bisect-${o.runId}`,
    target: o.target,
    checkout: o.checkout,
    good: { ref: o.good, sha: good },
    bad: { ref: o.bad, sha: bad },
    direction,
    terms: direction === 'regression' ? REGRESSION : FIX,
    selection: o.selection,
    paths: o.paths,
    pins,
    steps: [],
    status: 'running',
    first: null,
    before: null,
    candidates: [],
    error: null,
    restoreFailures: [],
    exitCode: BISECT_EXIT.infrastructure,
    wallMs: 0,
    startedAt: new Date().toISOString(),
    finishedAt: null,
  };
}

/** pass/fail → the git term: a regression's passing commit is old, a fix's passing one new. */
export function markFor(verdict: StepVerdict, direction: BisectRecord['direction']): Mark {
  if (verdict === 'skip') return 'skip';
  return (verdict === 'pass') === (direction === 'regression') ? 'old' : 'new';
}

async function gitOrThrow(worktree: string, args: string[]): Promise<void> {
  await execa('git', ['-C', worktree, ...args]);
}

/** Tests one commit: checked out (pins applied, hook run), probed, the worktree reset. */
async function testCommit(
  o: BisectOptions,
  r: BisectRecord,
  sha: string,
  stage: BisectStep['stage'],
  signal: AbortSignal,
): Promise<BisectStep> {
  const wt = bisectWorktree(o.workDir);
  const t0 = performance.now();
  const n = r.steps.length + 1;
  const tested = await pinnedCommit(wt, sha, r.pins);
  await gitOrThrow(wt, ['checkout', '-q', '--force', '--detach', tested]);
  const subject = await subjectOf(o.checkout, sha);
  o.log(`step ${n} (${stage}): ${sha.slice(0, 10)} ${subject}`);
  const hook = o.stepHook
    ? await execa('sh', ['-c', o.stepHook], { cwd: wt, reject: false, all: true, cancelSignal: signal })
    : null;
  const result =
    hook && hook.exitCode !== 0
      ? {
          verdict: 'skip' as const,
          reason: `step hook failed (exit ${hook.exitCode}): ${String(hook.all).trim().split('\n').at(-1)}`,
          cases: [],
          ms: { up: 0, cases: 0, down: 0 },
        }
      : await o.probe.test(wt, `${r.reportRel}/steps/${n}-${sha.slice(0, 10)}`, signal);
  // The hook's edits to tracked files go with the step.
  await gitOrThrow(wt, ['reset', '-q', '--hard']);
  const step: BisectStep = { n, stage, sha, subject, tested, mark: null, result, ms: performance.now() - t0 };
  r.steps.push(step);
  o.log(`step ${n}: ${result.verdict} — ${result.reason} (${(step.ms / 1000).toFixed(1)} s)`);
  return step;
}

/** The ends must show what --good and --bad say, else there is nothing to search. */
async function checkEnds(o: BisectOptions, r: BisectRecord, signal: AbortSignal): Promise<boolean> {
  const good = await testCommit(o, r, r.good.sha, 'good end', signal);
  const bad = await testCommit(o, r, r.bad.sha, 'bad end', signal);
  const wrong = [
    ...(good.result.verdict === 'pass' ? [] : [`--good ${o.good} is ${good.result.verdict}`]),
    ...(bad.result.verdict === 'fail' ? [] : [`--bad ${o.bad} is ${bad.result.verdict}`]),
  ];
  if (wrong.length === 0) return true;
  r.status = 'ends-disagree';
  r.error = `the ends do not show the change: ${wrong.join('; ')}`;
  return false;
}

const outcomeAt = async (o: BisectOptions, r: BisectRecord, sha: string): Promise<CommitOutcome> => {
  const step = r.steps.findLast((s) => s.sha === sha && s.result.verdict !== 'skip');
  return { sha, subject: await subjectOf(o.checkout, sha), outcome: step?.result.verdict ?? 'assumed' };
};

/** The found commit and the nearest commit marked old before it (an end when none was tested). */
async function conclude(o: BisectOptions, r: BisectRecord, first: string): Promise<void> {
  r.status = 'found';
  r.first = await outcomeAt(o, r, first);
  const oldEnd = r.direction === 'regression' ? r.good.sha : r.bad.sha;
  let before = oldEnd;
  for (const s of r.steps)
    if (
      s.mark === r.terms.old &&
      (await isAncestor(o.checkout, before, s.sha)) &&
      (await isAncestor(o.checkout, s.sha, first))
    )
      before = s.sha;
  r.before = await outcomeAt(o, r, before);
}

async function search(o: BisectOptions, r: BisectRecord, bisect: GitBisect, signal: AbortSignal) {
  const [newEnd, oldEnd] = r.direction === 'regression' ? [r.bad.sha, r.good.sha] : [r.good.sha, r.bad.sha];
  let state = await bisect.start(newEnd, oldEnd, o.paths);
  while (state.kind === 'testing') {
    signal.throwIfAborted();
    const step = await testCommit(o, r, state.sha, 'bisect', signal);
    const mark = markFor(step.result.verdict, r.direction);
    step.mark = mark === 'skip' ? 'skip' : r.terms[mark];
    state = await bisect.mark(state.sha, mark);
  }
  if (state.kind === 'found') await conclude(o, r, state.sha);
  else {
    r.status = 'ambiguous';
    r.candidates = state.candidates;
  }
}

function bisectTasks(o: BisectOptions, r: BisectRecord): Task[] {
  const wt = bisectWorktree(o.workDir);
  const bisect = new GitBisect(wt, r.terms);
  let endsAgree = true;
  return [
    {
      title: `work dir ${o.workDir}`,
      run: () => mkdir(o.workDir, { recursive: true }).then(() => undefined),
      undo: () => rm(o.workDir, { recursive: true, force: true }),
    },
    {
      title: 'worktree',
      run: (signal) => addWorktree(o.checkout, r.good.sha, wt, signal),
      undo: () => removeWorktree(o.checkout, wt),
    },
    // After the worktree: the stack goes down (from the worktree) before the worktree goes.
    { title: 'step stack', run: async () => {}, undo: () => o.probe.cleanup() },
    ...(o.checkEnds
      ? [
          {
            title: 'ends',
            run: async (signal: AbortSignal) => {
              endsAgree = await checkEnds(o, r, signal);
            },
          },
        ]
      : []),
    {
      title: 'git bisect',
      run: async (signal) => {
        if (endsAgree) await search(o, r, bisect, signal);
      },
      undo: () => bisect.reset(),
    },
  ];
}

function exitFor(r: BisectRecord): number {
  if (r.restoreFailures.length && r.status !== 'interrupted') return BISECT_EXIT.infrastructure;
  switch (r.status) {
    case 'found':
      return BISECT_EXIT.found;
    case 'ambiguous':
      return BISECT_EXIT.ambiguous;
    case 'ends-disagree':
      return BISECT_EXIT.endsDisagree;
    default:
      return BISECT_EXIT.infrastructure;
  }
}

export async function runBisect(o: BisectOptions): Promise<BisectRecord> {
  const r = await planRun(o);
  const t0 = performance.now();
  const result = await runTasks(bisectTasks(o, r), o.log, () => o.log('restoring…'), o.signals);
  r.restoreFailures = result.restoreFailures;
  const { outcome } = result;
  if (outcome.status === 'failed') {
    if (outcome.error instanceof UsageError) throw outcome.error;
    r.status = 'infrastructure-error';
    r.error = `${outcome.task}: ${outcome.error.message}`;
  }
  if (outcome.status === 'interrupted') r.status = 'interrupted';
  r.exitCode =
    outcome.status === 'interrupted'
      ? outcome.signal === 'SIGTERM'
        ? BISECT_EXIT.terminated
        : BISECT_EXIT.interrupted
      : exitFor(r);
  if (r.restoreFailures.length) r.error ??= `restore incomplete: ${r.restoreFailures.join('; ')}`;
  r.wallMs = performance.now() - t0;
  r.finishedAt = new Date().toISOString();
  return r;
}
