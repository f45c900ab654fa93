/**
 * Global setup for the `e2e` self-test project. The sim API/runner self-tests run their own
 * API and runner processes but share the bootstrap services (Postgres, Redis, registry and
 * guest images) and need a Docker engine: bring both up exactly as `pnpm e2e:setup` would.
 */
import { join } from 'node:path';
import { ensureDockerEngine } from '../bootstrap/system/docker-engine.ts';
import { readConfig } from '../kernel/config.ts';
import { statePaths } from '../kernel/paths.ts';
import { createProgress } from '../kernel/progress.ts';
import { setupStack } from '../stack/up.ts';

export default async function selfTestSetup(): Promise<void> {
  const config = readConfig();
  const paths = statePaths(config.stateDir);
  await ensureDockerEngine({
    dockerHost: config.dockerHost,
    logFile: join(paths.logDir, 'dockerd.log'),
    progress: createProgress(process.stderr),
  });
  // Services only (no sim target): an already-running sim in the same state dir is left alone.
  await setupStack({ quiet: true });
}
