/**
 * Global setup for the `e2e` self-test project, and its config door. The sim API/runner
 * self-tests run their own API and runner processes but share the bootstrap services
 * (Postgres, Redis, registry and guest images) and need a Docker engine: bring both up
 * exactly as `pnpm e2e:setup` would, then hand the resolved config to the test files
 * (kernel/self-test.ts), which never read the environment themselves.
 */
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { BOXLITE_STACK_OPTIONS } from '../bootstrap/boxlite-recipe/options.ts';
import { ensureDockerEngine } from '../bootstrap/system/docker-engine.ts';
import { BOOTSTRAP_OPTIONS, bootstrapConfig } from '../kernel/config.ts';
import { envOnly, type OptionTable, resolveOptions } from '../kernel/options.ts';
import { statePaths } from '../kernel/paths.ts';
import { createProgress } from '../kernel/progress.ts';
import type { SelfTestContext } from '../kernel/self-test.ts';
import { setupStack } from '../stack/up.ts';

const SELF_TEST_OPTIONS = {
  ...envOnly(BOOTSTRAP_OPTIONS),
  verbose: { env: 'BOXLITE_E2E_VERBOSE', type: 'bool', doc: 'print provisioning progress' },
  checkout: envOnly(BOXLITE_STACK_OPTIONS).checkout,
} as const satisfies OptionTable;

export default async function selfTestSetup(project: TestProject): Promise<void> {
  const { values } = resolveOptions(SELF_TEST_OPTIONS, [], process.env);
  const config = bootstrapConfig(values);
  const paths = statePaths(config.stateDir);
  await ensureDockerEngine({
    dockerHost: config.dockerHost,
    searchPath: config.searchPath,
    logFile: join(paths.logDir, 'dockerd.log'),
    progress: createProgress(process.stderr),
  });
  // Services only (no sim target): an already-running sim in the same state dir is left alone.
  await setupStack({ config: { ...config, target: null }, quiet: true });
  const context: SelfTestContext = { config, verbose: values.verbose, checkout: values.checkout ?? null };
  project.provide('selfTest', context);
}
