/**
 * Starts (or reuses) the sim runner and sim API under the host supervisor and records them
 * in the stack file. Runner first: the API forwards to it. Bug switches, the Docker endpoint
 * and the sim's code are part of a component's identity: a running sim that differs in any
 * is restarted, not reused. A restart keeps the previous port when it is free, so URLs stay
 * stable across repairs. `launchComponent` is also how the sim self-tests start theirs.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { request } from 'undici';
import { dockerClient } from '../kernel/docker.ts';
import { SetupError } from '../kernel/errors.ts';
import { waitHealthy } from '../kernel/health.ts';
import type { StatePaths } from '../kernel/paths.ts';
import { choosePort } from '../kernel/ports.ts';
import { inspectSupervised, launchSupervised, stopSupervised } from '../kernel/process/supervised.ts';
import type { Progress } from '../kernel/progress.ts';
import type { ComponentRecord, StackFile } from '../kernel/stack-file.ts';
import { LABEL_RUNNER } from './runner/box-spec.ts';
import { runnerIdFor } from './runner/config.ts';

/** Entry points of the sim components (a fixture checkout's components delegate to them). */
export const MAINS = {
  runner: fileURLToPath(new URL('./runner/main.ts', import.meta.url)),
  api: fileURLToPath(new URL('./api/main.ts', import.meta.url)),
} as const;
export type SimComponent = keyof typeof MAINS;

export interface SimLaunchOptions {
  stack: StackFile;
  paths: StatePaths;
  /** Validated by the entry point (SIM_BUGS_OPTION). */
  bugs: readonly string[];
  progress: Progress;
  /** The engine the runner's boxes live in: the same one setup and teardown talk to. */
  dockerHost: string;
  /** The runner's bound on one Docker call (unset: its default). */
  dockerTimeoutMs?: number | undefined;
  /** Ports to take again when free and no previous record names one (the stack's port book). */
  portHints?: { api?: number | undefined; runner?: number | undefined };
}

/** One sim process to run under the supervisor. */
export interface ComponentSpec {
  which: SimComponent;
  /** Supervised process name, unique in the run dir (setup's are sim-runner and sim-api). */
  name: string;
  paths: StatePaths;
  stackFile: string;
  bugs: readonly string[];
  /** Runner only. */
  dockerHost?: string;
  /** Runner only: bound on one Docker call (self-tests shorten it against a wedged engine). */
  dockerTimeoutMs?: number;
  /** API only: where it forwards box calls. */
  runnerUrl?: string;
  /** API only: a private database (self-tests keep their rows apart from the stack's). */
  dbName?: string;
  /** Taken again when free, so a restarted component keeps its URL. */
  preferredPort?: number;
  codeHash: string;
}

async function probeHttp(url: string): Promise<string> {
  const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
  const body = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}`);
  return (JSON.parse(body) as { version?: string }).version ?? 'sim';
}

const healthUrl = (which: SimComponent, base: string) => `${base}${which === 'runner' ? '/' : '/api/health'}`;

/**
 * Hash of the sim's own source: a running sim built from other code is restarted, not reused
 * (after a `git pull` or while developing the sim, a stale process would test old behaviour).
 */
export async function simCodeHash(): Promise<string> {
  const root = fileURLToPath(new URL('.', import.meta.url));
  const hash = createHash('sha256');
  const files = (await readdir(root, { recursive: true }))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('testkit'))
    .sort();
  for (const f of files) hash.update(f).update(await readFile(join(root, f)));
  return hash.digest('hex').slice(0, 12);
}

function componentArgv(spec: ComponentSpec, port: number, journalFile: string): string[] {
  const common = ['--port', String(port), '--stack', spec.stackFile];
  const bugs = spec.bugs.length ? ['--bugs', spec.bugs.join(',')] : [];
  if (spec.which === 'runner') {
    if (!spec.dockerHost) throw new Error('a sim runner needs a Docker endpoint');
    const bound = spec.dockerTimeoutMs ? ['--docker-timeout-ms', String(spec.dockerTimeoutMs)] : [];
    return [...common, '--journal', journalFile, '--docker-host', spec.dockerHost, ...bound, ...bugs];
  }
  if (!spec.runnerUrl) throw new Error('a sim API needs a runner URL');
  const db = spec.dbName ? ['--db-name', spec.dbName] : [];
  return [...common, '--runner-url', spec.runnerUrl, '--access-log', journalFile, ...db, ...bugs];
}

/** Starts one component under a fresh supervisor and waits until it answers its health URL. */
export async function launchComponent(spec: ComponentSpec): Promise<ComponentRecord> {
  const { paths, which, name } = spec;
  const port = await choosePort(`sim ${which}`, undefined, spec.preferredPort);
  const logFile = join(paths.logDir, `${name}.log`);
  const journalFile = join(
    paths.logDir,
    which === 'runner' ? `${name}.journal.jsonl` : `${name}.access.jsonl`,
  );
  const state = await launchSupervised({
    name,
    runDir: paths.runDir,
    argv: [process.execPath, MAINS[which], ...componentArgv(spec, port, journalFile)],
    env: { NODE_ENV: 'production' },
    logFile,
    stopSignal: 'SIGTERM',
  });
  const base = `http://127.0.0.1:${port}`;
  let version: string;
  try {
    version = await waitHealthy(`sim ${which}`, () => probeHttp(healthUrl(which, base)), {
      timeoutMs: 30_000,
      logHint: logFile,
      isAlive: async () => (await inspectSupervised(paths.runDir, name)).alive,
    });
  } catch (err) {
    await stopComponent(paths, name, which);
    throw new SetupError((err as Error).message);
  }
  return {
    url: which === 'api' ? `${base}/api` : base,
    endpoint: { host: '127.0.0.1', port },
    credentials: which === 'api' ? { apiKey: 'ADMIN_API_KEY' } : { token: 'RUNNER_TOKEN' },
    process: { kind: 'supervised', supervisorPid: state.supervisorPid, pid: state.childPid },
    log: { kind: 'file', path: logFile },
    journal: { kind: 'file', path: journalFile },
    version: `${version}+${spec.codeHash}`,
    startedAt: new Date().toISOString(),
    bugs: [...spec.bugs],
    ...(spec.dockerHost ? { dockerHost: spec.dockerHost } : {}),
    ...(spec.dockerTimeoutMs ? { dockerTimeoutMs: spec.dockerTimeoutMs } : {}),
  };
}

/** Stops a component's supervisor, and its child should the supervisor be gone already. */
export function stopComponent(paths: StatePaths, name: string, which: SimComponent): Promise<void> {
  return stopSupervised(paths.runDir, name, MAINS[which]);
}

/** The previous record when its process is alive, healthy and identical to `spec`; else null. */
async function reusable(spec: ComponentSpec, previous: ComponentRecord | undefined) {
  if (!previous) return null;
  const same =
    previous.bugs.join(',') === spec.bugs.join(',') &&
    previous.version?.endsWith(`+${spec.codeHash}`) &&
    (previous.dockerHost ?? null) === (spec.dockerHost ?? null) &&
    (previous.dockerTimeoutMs ?? null) === (spec.dockerTimeoutMs ?? null);
  if (!same || !(await inspectSupervised(spec.paths.runDir, spec.name)).alive) return null;
  const base = `http://${previous.endpoint.host}:${previous.endpoint.port}`;
  return probeHttp(healthUrl(spec.which, base)).then(
    () => previous,
    () => null,
  );
}

/** Reuses `previous` when it can; otherwise (re)launches on `portHint` when that is free. */
async function ensureComponent(
  spec: ComponentSpec,
  previous: ComponentRecord | undefined,
  portHint = previous?.endpoint.port,
): Promise<ComponentRecord> {
  const kept = await reusable(spec, previous);
  if (kept) return kept;
  await stopComponent(spec.paths, spec.name, spec.which);
  return launchComponent({ ...spec, preferredPort: portHint });
}

export async function startSim(opts: SimLaunchOptions): Promise<void> {
  const { stack, paths } = opts;
  const bugs = [...opts.bugs].sort();
  const common = { paths, stackFile: paths.stackFile, bugs, codeHash: await simCodeHash() };
  const previousRunner = stack.runner;
  stack.runner = await ensureComponent(
    {
      ...common,
      which: 'runner',
      name: 'sim-runner',
      dockerHost: opts.dockerHost,
      ...(opts.dockerTimeoutMs ? { dockerTimeoutMs: opts.dockerTimeoutMs } : {}),
    },
    previousRunner,
    previousRunner?.endpoint.port ?? opts.portHints?.runner,
  );
  const runnerUrl = stack.runner.url;
  // An API forwarding to another runner URL is restarted, still on its old port when free.
  const previousApi = previousRunner?.url === runnerUrl ? stack.api : undefined;
  stack.api = await ensureComponent(
    { ...common, which: 'api', name: 'sim-api', runnerUrl },
    previousApi,
    stack.api?.endpoint.port ?? opts.portHints?.api,
  );
}

/**
 * Removes the boxes (containers) the stack's runner made: they are data, so they go with
 * `--wipe-data`, and stay (re-adopted by the next runner) otherwise.
 */
export async function removeSimBoxes(stateDir: string, dockerHost: string): Promise<number> {
  return removeRunnerBoxes(dockerClient(dockerHost, 10_000), runnerIdFor(stateDir)).catch(() => 0);
}

/**
 * Force-removes every container labelled with runner `runnerId`; answers how many there were.
 * Only listing can fail (a failed removal is ignored).
 */
export async function removeRunnerBoxes(docker: Docker, runnerId: string): Promise<number> {
  const boxes = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${LABEL_RUNNER}=${runnerId}`] }),
  });
  await Promise.all(
    boxes.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
  return boxes.length;
}

export async function stopSim(stack: StackFile, paths: StatePaths): Promise<void> {
  await stopComponent(paths, 'sim-api', 'api');
  await stopComponent(paths, 'sim-runner', 'runner');
  delete stack.api;
  delete stack.runner;
}
