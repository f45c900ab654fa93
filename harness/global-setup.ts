/**
 * Global setup for the `cases` project — the config door of a case run: resolve the options
 * once from env, make sure a stack is there (the sim by default), resolve the stack handle
 * and bug context, sweep boxes left by dead runs, and hand everything to the workers. Its
 * teardown sweeps this run's own leftovers.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findCliBinary } from '../bootstrap/cli-binary/index.ts';
import { CLI_BINARY_OPTIONS, cliBinarySpec } from '../bootstrap/cli-binary/options.ts';
import { findSdkDrivers } from '../bootstrap/sdk-shim/index.ts';
import { SDK_SHIM_OPTIONS, sdkShimSpec } from '../bootstrap/sdk-shim/options.ts';
import { bootstrapConfig } from '../kernel/config.ts';
import { envOnly, type OptionTable, resolveOptions } from '../kernel/options.ts';
import { REPO_ROOT, statePaths } from '../kernel/paths.ts';
import { SIM_BUGS_OPTION } from '../sim/bugs.ts';
import { setupStack } from '../stack/up.ts';
import type { RunContext } from './context.ts';
import { resolveStackHandle, STACK_HANDLE_OPTIONS } from './handle/handle.ts';
import { describePreflight, runPreflight } from './handle/preflight.ts';
import { readRemoteConfig } from './handle/remote-config.ts';
import { deathLine, readDeath } from './infra/death.ts';
import { stackParts } from './infra/parts.ts';
import { watchStack } from './infra/watch.ts';
import { checkRunLeftovers, readCreated } from './leaks/guard.ts';
import { sweepImages } from './leaks/image-sweep.ts';
import { type Inventory, newSince, takeInventory } from './leaks/inventory.ts';
import { hasLeftovers, writeLeftovers } from './leaks/leftovers-report.ts';
import { runnerView } from './leaks/runner-view.ts';
import { parseStatusOverrides } from './ledger/expectations.ts';
import { measureForRun } from './ledger/measure.ts';
import { scratchLeft } from './per-case/scratch.ts';
import { factsFrom, writeFacts } from './reporters/run-facts.ts';
import { parseRate, parseRounds, RUN_OPTIONS } from './run-options.ts';
import { sweepBoxes } from './sweep.ts';

const { flag: _bugsFlag, ...bugsFromEnv } = SIM_BUGS_OPTION;
const { flag: _markersFlag, ...markersFromEnv } = RUN_OPTIONS.markers;

export const CASES_OPTIONS = {
  ...STACK_HANDLE_OPTIONS,
  ...envOnly(CLI_BINARY_OPTIONS),
  ...envOnly(SDK_SHIM_OPTIONS),
  ...RUN_OPTIONS,
  markers: markersFromEnv,
  bugs: bugsFromEnv,
} as const satisfies OptionTable;

export default async function globalSetup(project: TestProject) {
  const { values: o } = resolveOptions(CASES_OPTIONS, [], process.env);
  const config = bootstrapConfig(o);
  const overrides = parseStatusOverrides(o.bugStatus);
  const remote = await readRemoteConfig(o);
  // `pnpm e2e` brings the stack up before vitest; a bare `vitest --project cases` does it here.
  const t0 = performance.now();
  if (!remote && !o.noSetup) {
    await setupStack({
      config: { ...config, target: config.target ?? 'sim' },
      bugs: o.bugs,
      quiet: true,
      cli: cliBinarySpec(o),
    });
  }
  const stack = await resolveStackHandle(o);
  // `pnpm e2e` provisions before vitest starts and hands its time over.
  const setupMs = o.setupMs + (performance.now() - t0);
  const runId = project.getProvidedContext().runId;
  const reportDir = join(REPO_ROOT, 'reports', runId);
  await mkdir(reportDir, { recursive: true });
  const namePrefix = `e2e-${process.pid}-${Math.random().toString(36).slice(2, 6)}-`;
  const preflight = await runPreflight(stack, `${namePrefix}preflight`);
  process.stderr.write(`${describePreflight(preflight)}\n`);
  // A real API: the ledger's non-VM statuses are measured at its ref, the run's own overrides win.
  const measured =
    stack.kind === 'boxlite' ? await measureForRun(stack, `${namePrefix}ledger-`, reportDir) : {};
  const run: RunContext = {
    stack,
    preflight,
    // A remote URL that is our sim is judged like our sim: by the switches its health reports.
    bugs: {
      target: stack.simulated ? 'sim' : stack.kind,
      switches: stack.bugs,
      overrides: { ...measured, ...overrides },
      markersOff: o.markers === 'off',
    },
    namePrefix,
    reportDir,
    cacheDir: statePaths(config.stateDir).cacheDir,
    tuning: { p06Rounds: parseRounds(o.p06Rounds), p06MaxLoss: parseRate(o.p06MaxLoss) },
    // Looked up, never built here: `pnpm e2e` builds it in the foreground when CLI cases run.
    cli: await findCliBinary(cliBinarySpec(o)).then(
      (binary) => ({ binary, missing: 'no boxlite CLI is cached: run `pnpm e2e:cli` (cold build ~16 min)' }),
      (err: Error) => ({ binary: null, missing: `boxlite CLI unusable: ${err.message}` }),
    ),
    // Looked up, never built here: `pnpm e2e` builds them when SDK C/Go cases run.
    sdkDrivers: await findSdkDrivers(sdkShimSpec(o)).then(
      (drivers) => ({
        drivers,
        missing: 'no C/Go SDK drivers are cached for these sources: run `pnpm e2e:sdk-shim`',
      }),
      (err: Error) => ({ drivers: null, missing: `C/Go SDK drivers unusable: ${err.message}` }),
    ),
  };
  const swept = await sweepBoxes(stack, (name) => !name.startsWith(run.namePrefix));
  if (swept.length) process.stderr.write(`sweep: removed ${swept.length} box(es) left by dead runs\n`);
  const images = await sweepImages(stack);
  if (images.length)
    process.stderr.write(`sweep: removed ${images.length} registry image copies left by dead runs\n`);
  const start = await takeInventory(stack);
  await writeFacts(reportDir, factsFrom(run, runId, setupMs, o.shard));
  project.provide('run', run);
  // From here on a dead part of the stack stops the run (harness/infra/).
  const stopWatch = watchStack(stackParts(stack), reportDir);
  return async () => {
    await stopWatch();
    await endOfRun(run, start);
  };
}

/** What the run left outside boxes: new in the stack's inventory, or in its scratch dirs. */
async function leftoverResources(run: RunContext, start: Inventory, end: Inventory) {
  const scratch = await scratchLeft(run.namePrefix);
  return { ...newSince(run.stack, start, end), ...(scratch.length ? { 'scratch dir': scratch } : {}) };
}

/** Sweeps this run's leftovers, then proves nothing it created survives (leaks/); throws on a leak. */
async function endOfRun(run: RunContext, start: Inventory): Promise<void> {
  const death = readDeath(run.reportDir);
  if (death) {
    process.stderr.write(`e2e: ${deathLine(death)}; end-of-run sweep and leak check skipped\n`);
    return;
  }
  await sweepBoxes(run.stack, (name) => name.startsWith(run.namePrefix));
  const end = await takeInventory(run.stack);
  await writeFile(join(run.reportDir, 'inventory.json'), `${JSON.stringify({ start, end }, null, 2)}\n`);
  const left = await checkRunLeftovers(
    run.stack,
    runnerView(run.stack),
    readCreated(run.reportDir),
    run.namePrefix,
    await leftoverResources(run, start, end),
  );
  await writeLeftovers(run.reportDir, left);
  process.stderr.write(`${left.message}\n`);
  if (hasLeftovers(left)) throw new Error(left.message);
}
