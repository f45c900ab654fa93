/**
 * Global setup for the `e2e` self-test project: the sim runner and container tests need a
 * Docker engine. Start one (vfs, no iptables) when none answers, exactly as setup would.
 */
import { join } from 'node:path';
import { readConfig } from '../bootstrap/core/config.ts';
import { statePaths } from '../bootstrap/core/paths.ts';
import { createProgress } from '../bootstrap/core/progress.ts';
import { ensureDockerEngine } from '../bootstrap/system/docker-engine.ts';

export default async function engineSetup(): Promise<void> {
  const config = readConfig();
  const paths = statePaths(config.stateDir);
  await ensureDockerEngine({
    dockerHost: config.dockerHost,
    logFile: join(paths.logDir, 'dockerd.log'),
    progress: createProgress(process.stderr),
  });
}
