/**
 * The two-sided run: both refs checked out as worktrees, built, brought up as separate stacks
 * in state dirs of their own (the user's state dir, stack file and services are never
 * touched), the same cases from this checkout run against each side, verdicts, reports. Built
 * as titled tasks (side-tasks.ts); the task runner (tasks.ts) undoes everything they created,
 * also on failure, SIGINT and SIGTERM.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../kernel/errors.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { newRecord, type TwoSidedRecord } from './record.ts';
import { writeReports } from './reports.ts';
import { type RunPlan, type TwoSidedOptions, twoSidedTasks } from './side-tasks.ts';
import { runTasks, type TasksResult } from './tasks.ts';
import { checkClaimIds, EXIT_CODES, exitCodeFor, SIDES, type Side } from './verdicts.ts';
import { resolveRef } from './worktrees.ts';

export type { TwoSidedOptions };

/** Everything that can be refused before anything is created. */
async function refuseEarly(o: TwoSidedOptions): Promise<void> {
  checkClaimIds(o.claims);
  if ((o.perf || o.parallel) && !o.builder.concurrent)
    throw new UsageError(
      `${o.perf ? '--perf alternates the sides' : '--parallel runs the sides at once'}, which needs both up at once; target ${o.builder.kind} brings up one at a time`,
    );
  // The restore removes the work dir whole: never one that holds something already.
  if ((await readdir(o.workDir).catch(() => [])).length > 0)
    throw new UsageError(`--work-dir ${o.workDir} is not empty; two-sided mode removes it at the end`);
}

/** reports/two-sided-<id>/, or for one side (one shard) of a split run …-<side>[-shard-<i>of<n>]/. */
function reportRelOf(o: TwoSidedOptions): string {
  const shard = o.shard ? `-shard-${o.shard.index}of${o.shard.count}` : '';
  return `two-sided-${o.runId}${o.only ? `-${o.only}${shard}` : ''}`;
}

function recordFor(o: TwoSidedOptions, shas: Record<Side, string>): TwoSidedRecord {
  const sideInfo = (side: Side, ref: string) => ({
    ref,
    sha: shas[side],
    worktree: join(o.workDir, side, 'worktree'),
    stateDir: join(o.workDir, side, 'state'),
    build: '',
  });
  return newRecord({
    runId: o.runId,
    reportRel: reportRelOf(o),
    ...(o.only ? { only: o.only } : {}),
    ...(o.shard ? { shard: `${o.shard.index}/${o.shard.count}` } : {}),
    target: o.builder.kind,
    checkout: o.checkout,
    cases: o.cases,
    grep: o.grep,
    repeat: o.repeat,
    claims: o.claims,
    sides: Object.fromEntries(
      (o.only ? [o.only] : SIDES).map((s) => [s, sideInfo(s, s === 'base' ? o.base : o.head)]),
    ),
  });
}

/** The record's status and exit code from how the tasks ended. */
function conclude(record: TwoSidedRecord, result: TasksResult): void {
  const { outcome } = result;
  record.restoreFailures = result.restoreFailures;
  if (outcome.status === 'failed') {
    record.status = 'infrastructure-error';
    record.infrastructureError = outcome.error.message;
  } else record.status = outcome.status;
  if (record.restoreFailures.length && !record.infrastructureError)
    record.infrastructureError = `restore incomplete: ${record.restoreFailures.join('; ')}`;
  record.exitCode =
    outcome.status === 'interrupted'
      ? outcome.signal === 'SIGTERM'
        ? EXIT_CODES.terminated
        : EXIT_CODES.interrupted
      : exitCodeFor({
          regressions: record.counts?.regressed ?? 0,
          claimsNotShown: record.claimChecks.filter((c) => !c.shown).length,
          perfRegressions: record.perf?.compare.regressions.length ?? 0,
          infrastructureError: record.infrastructureError,
        });
  record.finishedAt = new Date().toISOString();
}

export async function runTwoSided(o: TwoSidedOptions): Promise<TwoSidedRecord> {
  await refuseEarly(o);
  const shas = { base: await resolveRef(o.checkout, o.base), head: await resolveRef(o.checkout, o.head) };
  const record = recordFor(o, shas);
  const reportRel = record.reportRel;
  const reportDir = join(REPO_ROOT, 'reports', reportRel);
  await mkdir(reportDir, { recursive: true });
  // Written before anything changes: what this run will create, for a reviewer (and the restore test).
  const saveRecord = () => writeFile(join(reportDir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
  await saveRecord();
  const plan: RunPlan = { o, record, reportRel, saveRecord };
  const t0 = performance.now();
  const phases = record.phases;
  let restoreStart = { at: 0, down: 0 };
  const result = await runTasks(twoSidedTasks(plan), o.log, () => {
    o.log('restoring: side stacks down, worktrees and side state removed…');
    restoreStart = { at: performance.now(), down: phases.down };
  });
  phases.cleanup = performance.now() - restoreStart.at - (phases.down - restoreStart.down);
  phases.total = performance.now() - t0;
  if (result.outcome.status === 'failed' && result.outcome.error instanceof UsageError)
    throw result.outcome.error;
  conclude(record, result);
  // One side's run is half a verdict: its record waits for `--merge` with the other side's.
  if (o.only) await saveRecord();
  else await writeReports(record, reportDir, o.stepSummary);
  return record;
}
