/**
 * Global setup for the `cases` project: make sure a stack is there (the sim by default),
 * resolve the stack handle and bug context once, sweep boxes left by dead runs, and hand
 * everything to the workers. Its teardown sweeps this run's own leftovers.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from '../kernel/paths.ts';
import { setupStack } from '../stack/up.ts';
import type { RunContext } from './context.ts';
import { parseStatusOverrides } from './ledger/expectations.ts';
import { factsFrom, writeFacts } from './reporters/run-facts.ts';
import { resolveStackHandle } from './stack/handle.ts';
import { readRemoteConfig } from './stack/remote-config.ts';
import { sweepBoxes } from './sweep.ts';

const truthy = (v: string | undefined) => ['1', 'true', 'yes', 'on'].includes((v ?? '').trim().toLowerCase());

export default async function globalSetup(project: TestProject) {
  const env = process.env;
  const remote = await readRemoteConfig(env);
  // `pnpm e2e` brings the stack up before vitest; a bare `vitest --project cases` does it here.
  const t0 = performance.now();
  if (!remote && !truthy(env.BOXLITE_E2E_NO_SETUP)) {
    await setupStack({
      overrides: { target: env.BOXLITE_E2E_TARGET || 'sim' },
      bugs: env.BOXLITE_SIM_BUGS ?? '',
      quiet: true,
    });
  }
  const stack = await resolveStackHandle(env);
  // `pnpm e2e` provisions before vitest starts and hands its time over.
  const setupMs = Number(env.BOXLITE_E2E_SETUP_MS ?? 0) + (performance.now() - t0);
  const runId = env.BOXLITE_E2E_RUN_ID || new Date().toISOString().replace(/[:.]/g, '-');
  const reportDir = join(REPO_ROOT, 'reports', runId);
  await mkdir(reportDir, { recursive: true });
  const run: RunContext = {
    stack,
    bugs: {
      target: stack.kind,
      switches: stack.bugs,
      overrides: parseStatusOverrides(env.BOXLITE_E2E_BUG_STATUS),
      markersOff: env.BOXLITE_E2E_MARKERS === 'off',
    },
    namePrefix: `e2e-${process.pid}-${Math.random().toString(36).slice(2, 6)}-`,
    reportDir,
  };
  const swept = await sweepBoxes(stack, (name) => !name.startsWith(run.namePrefix));
  if (swept.length) process.stderr.write(`sweep: removed ${swept.length} box(es) left by dead runs\n`);
  await writeFacts(reportDir, factsFrom(run, runId, setupMs));
  project.provide('run', run);
  return async () => {
    await sweepBoxes(stack, (name) => name.startsWith(run.namePrefix));
  };
}
