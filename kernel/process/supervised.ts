/**
 * Launch / inspect / stop one supervised process. Shared by the host service provider and
 * the sim components (API, runner), which run under the same supervisor.
 */
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pidMatches, readSupervisorState, terminate } from './processes.ts';
import type { SupervisorSpec, SupervisorState } from './supervisor.ts';

const SUPERVISOR = fileURLToPath(new URL('./supervisor.ts', import.meta.url));

export interface SupervisedFiles {
  spec: string;
  state: string;
}

export function supervisedFiles(runDir: string, name: string): SupervisedFiles {
  return { spec: join(runDir, `${name}.supervisor.json`), state: join(runDir, `${name}.state.json`) };
}

export interface Supervised {
  state: SupervisorState | null;
  /** Supervisor alive and recognisably ours (pid reuse safe). */
  alive: boolean;
  /** The service child, if alive. */
  childAlive: boolean;
}

export async function inspectSupervised(
  runDir: string,
  name: string,
  childMarker?: string,
): Promise<Supervised> {
  const files = supervisedFiles(runDir, name);
  const state = await readSupervisorState(files.state);
  const alive = !!state && pidMatches(state.supervisorPid, files.spec);
  const childAlive = !!state?.childPid && !!childMarker && pidMatches(state.childPid, childMarker);
  return { state, alive, childAlive };
}

export interface LaunchOptions {
  name: string;
  runDir: string;
  argv: string[];
  /** The child's whole environment besides PATH: anything it needs comes as a flag or here. */
  env?: Record<string, string>;
  cwd?: string;
  uid?: number;
  gid?: number;
  logFile: string;
  stopSignal: NodeJS.Signals;
}

/** Starts a detached supervisor for `argv` and returns once it has spawned the child. */
export async function launchSupervised(opts: LaunchOptions): Promise<SupervisorState> {
  const files = supervisedFiles(opts.runDir, opts.name);
  await mkdir(opts.runDir, { recursive: true });
  await mkdir(dirname(opts.logFile), { recursive: true });
  await rm(files.state, { force: true });
  const spec: SupervisorSpec = {
    name: opts.name,
    argv: opts.argv,
    env: opts.env ?? {},
    cwd: opts.cwd ?? opts.runDir,
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    logFile: opts.logFile,
    stateFile: files.state,
    stopSignal: opts.stopSignal,
    maxRestartsPerMinute: 5,
  };
  // The spec may carry secrets in `env` (e.g. serve's API key): owner-only from the first byte.
  await rm(files.spec, { force: true });
  await writeFile(files.spec, JSON.stringify(spec, null, 2), { mode: 0o600 });
  const out = openSync(opts.logFile, 'a');
  // Detached + own session: the service must outlive `pnpm e2e:setup` and its terminal.
  const child = spawn(process.execPath, [SUPERVISOR, files.spec], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  child.unref();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const state = await readSupervisorState(files.state);
    if (state?.childPid) return state;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`supervisor for ${opts.name} did not start its process; see ${opts.logFile}`);
}

/** Stops the supervisor (which stops its child), then any orphan child left by a crashed supervisor. */
export async function stopSupervised(runDir: string, name: string, childMarker: string): Promise<void> {
  const files = supervisedFiles(runDir, name);
  const state = await readSupervisorState(files.state);
  if (state) {
    await terminate(state.supervisorPid, files.spec, 'SIGTERM', 25_000);
    if (state.childPid) await terminate(state.childPid, childMarker, 'SIGKILL', 5_000);
  }
  await rm(files.state, { force: true });
}
