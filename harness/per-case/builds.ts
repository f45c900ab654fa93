/**
 * Before a case file that needs a build runs (the CLI, the C/Go SDK drivers): wait while
 * `pnpm e2e` builds it in the background (harness/builds/), then hand the product to the file's
 * fixtures through the run context — or, when it cannot be had, report every test of the file
 * as not runnable here with the reason and the command that builds it, running none of its
 * hooks. Never a pass, never a silent skip.
 */
import type {
  RunnerTaskEventPack,
  RunnerTaskResultPack,
  RunnerTestCase,
  RunnerTestFile,
  RunnerTestSuite,
} from 'vitest';
import {
  BUILD_COMMAND,
  type BuildName,
  type BuildState,
  buildsFile,
  waitForBuilds,
} from '../builds/state.ts';
import { buildsFor } from '../cli-cases.ts';
import type { RunContext } from '../context.ts';
import { NOT_RUNNABLE_NOTE } from './needs.ts';

const WHAT: Record<BuildName, string> = { cli: 'the boxlite CLI', 'sdk-drivers': 'the C/Go SDK drivers' };

/** A run without a builds file (a bare vitest run): what the global setup looked up stands. */
function looked(run: RunContext, name: BuildName): BuildState {
  const at = '';
  if (name === 'cli')
    return run.cli.binary
      ? { state: 'ready', at, cli: run.cli.binary }
      : { state: 'unavailable', why: run.cli.missing };
  const d = run.sdkDrivers;
  return d?.drivers
    ? { state: 'ready', at, drivers: d.drivers }
    : { state: 'unavailable', why: d?.missing ?? `not cached: build it with \`${BUILD_COMMAND[name]}\`` };
}

/** The products go where the fixtures and suites read them (this worker's run context). */
function provide(run: RunContext, s: Extract<BuildState, { state: 'ready' }>): void {
  if (s.cli) run.cli.binary = s.cli;
  if (s.drivers) run.sdkDrivers = { drivers: s.drivers, missing: '' };
}

/** Waits for the builds `file` needs; null when all are there, else why not. */
export async function settleBuilds(run: RunContext, file: string): Promise<string | null> {
  const names = buildsFor(file);
  if (names.length === 0) return null;
  const builds = await waitForBuilds(buildsFile(run.reportDir), names);
  const why: string[] = [];
  for (const name of names) {
    const s = builds?.[name] ?? looked(run, name);
    if (s.state === 'ready') provide(run, s);
    else if (s.state === 'unavailable') why.push(`needs ${WHAT[name]}: ${s.why}`);
  }
  return why.length ? why.join('; ') : null;
}

function testsOf(suite: RunnerTestSuite): RunnerTestCase[] {
  return suite.tasks.flatMap((t) => (t.type === 'test' ? [t] : t.type === 'suite' ? testsOf(t) : []));
}

function skipSuites(suite: RunnerTestSuite): void {
  suite.mode = 'skip';
  for (const t of suite.tasks) if (t.type === 'suite') skipSuites(t);
}

type Send = (packs: RunnerTaskResultPack[], events: RunnerTaskEventPack[]) => unknown;

/**
 * Every test of the file finishes as not runnable (`meta.notRunnable`, the note) and the file
 * is skipped whole, so no hook runs against a product that is not there.
 */
export async function reportNotRunnable(file: RunnerTestFile, why: string, send: Send): Promise<void> {
  const tests = testsOf(file);
  skipSuites(file);
  for (const t of tests) {
    t.mode = 'skip';
    t.meta.notRunnable = why;
    // vitest's own shape of a skip with a note (what `context.skip(note)` leaves).
    const skipped = { state: 'skip' as const, note: `${NOT_RUNNABLE_NOTE}${why}` };
    t.result = skipped;
  }
  await send(
    tests.map((t) => [t.id, t.result, t.meta]),
    tests.flatMap((t): RunnerTaskEventPack[] => [
      [t.id, 'test-prepare', undefined],
      [t.id, 'test-finished', undefined],
    ]),
  );
}
