/**
 * The two components as launch specs (the systemd unit / supervisor argv, identity, probe),
 * and the start-up failure of the API said with its cause: a NestJS app that dies at boot
 * logs an `ERROR [ExceptionHandler] …` line and exits, which the health wait only sees as
 * "connection refused".
 */
import { readFile, stat } from 'node:fs/promises';
import { SetupError } from '../../kernel/errors.ts';
import type { ComponentLaunch } from './components.ts';
import { lastErrorLine } from './failure-line.ts';
import { apiArgv, type RecipeLayout } from './layout.ts';
import { probeApiHealth, probeRunnerRegistered, probeRunnerRoot } from './probes.ts';

export interface LaunchFacts {
  layout: RecipeLayout;
  user: string;
  searchPath: string;
  apiUrl: string;
  runnerUrl: string;
  adminKey: string;
}

export const apiLaunch = (f: LaunchFacts, depsKey: string): ComponentLaunch => ({
  unit: {
    name: 'boxlite-api',
    description: 'BoxLite API (boxlite-e2e)',
    user: f.user,
    workingDirectory: f.layout.apps,
    environmentFiles: [f.layout.envFile],
    environment: { PATH: f.searchPath },
    execStart: apiArgv(f.layout),
    restart: 'on-failure',
    after: ['network.target'],
    logFile: f.layout.apiLog,
    // It ignores SIGTERM for a while after "OpenTelemetry SDK shut down".
    timeoutStopSec: 15,
  },
  identityExtra: `${depsKey}:${f.layout.checkout.head}`,
  marker: 'api/src/main.ts',
  probe: () => probeApiHealth(f.apiUrl),
  // ts-node transpiles the whole API before it listens: about half a minute on an idle host,
  // minutes on a loaded one (upstream's 90 s wait is for its CI host). A process that dies
  // ends the wait at once, so the bound only matters for one that never answers.
  timeoutMs: 300_000,
});

export const runnerLaunch = (f: LaunchFacts, runnerKey: string): ComponentLaunch => ({
  unit: {
    name: 'boxlite-runner',
    description: 'BoxLite runner (boxlite-e2e)',
    user: f.user,
    workingDirectory: f.layout.dir,
    environmentFiles: [f.layout.envFile, f.layout.runnerEnvFile],
    environment: { PATH: f.searchPath },
    execStart: [f.layout.runnerBin],
    restart: 'always',
    after: ['network.target', 'boxlite-api.service'],
    ...(f.layout.mode === 'supervisor' ? { logFile: f.layout.runnerLog } : {}),
    timeoutStopSec: 60,
  },
  identityExtra: runnerKey,
  marker: f.layout.runnerBin,
  probe: async () => {
    await probeRunnerRoot(f.runnerUrl);
    return probeRunnerRegistered(f.apiUrl, f.adminKey, 'default');
  },
  timeoutMs: 60_000,
});

/** Re-throws a failed API start with the last ERROR line it logged during this start. */
export async function withApiCause<T>(log: string, start: () => Promise<T>): Promise<T> {
  const from = await stat(log).then(
    (s) => s.size,
    () => 0,
  );
  try {
    return await start();
  } catch (err) {
    const text = (await readFile(log).catch(() => Buffer.alloc(0))).subarray(from).toString('utf8');
    const cause = lastErrorLine(text);
    if (!cause) throw err;
    throw new SetupError(`${(err as Error).message}; its last ERROR: ${cause}`);
  }
}
