/**
 * Starts (or reuses) the sim runner and sim API under the host supervisor and records them
 * in the stack file. Runner first: the API forwards to it. Bug switches are part of a
 * component's identity: a running sim with other switches is restarted, not reused.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { request } from 'undici';
import { dockerClient } from '../kernel/docker.ts';
import { SetupError, UsageError } from '../kernel/errors.ts';
import { waitHealthy } from '../kernel/health.ts';
import type { StatePaths } from '../kernel/paths.ts';
import { choosePort } from '../kernel/ports.ts';
import { inspectSupervised, launchSupervised, stopSupervised } from '../kernel/process/supervised.ts';
import type { Progress } from '../kernel/progress.ts';
import type { Secrets } from '../kernel/secrets.ts';
import type { ComponentRecord, StackFile } from '../kernel/stack-file.ts';
import { parseBugs } from './bugs.ts';
import { LABEL_RUNNER } from './runner/box-spec.ts';
import { runnerIdFor } from './runner/config.ts';

const RUNNER_MAIN = fileURLToPath(new URL('./runner/main.ts', import.meta.url));
const API_MAIN = fileURLToPath(new URL('./api/main.ts', import.meta.url));
export const SIM_COMPONENTS = ['runner', 'api'] as const;
export type SimComponent = (typeof SIM_COMPONENTS)[number];

export interface SimLaunchOptions {
  stack: StackFile;
  paths: StatePaths;
  secrets: Secrets;
  bugs: string | undefined;
  progress: Progress;
}

async function probeHttp(url: string): Promise<string> {
  const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
  const body = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}`);
  return (JSON.parse(body) as { version?: string }).version ?? 'sim';
}

const markerOf = (main: string) => main;

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

async function startComponent(
  which: SimComponent,
  opts: SimLaunchOptions,
  previous: ComponentRecord | undefined,
  bugs: string[],
  extraArgs: (port: number) => string[],
  codeHash: string,
): Promise<ComponentRecord> {
  const { paths } = opts;
  const main = which === 'runner' ? RUNNER_MAIN : API_MAIN;
  const name = `sim-${which}`;
  const healthPath = which === 'runner' ? '/' : '/api/health';
  const sameBugs = previous && previous.bugs.join(',') === bugs.join(',');
  const sameCode = previous?.version?.endsWith(`+${codeHash}`);
  const sup = await inspectSupervised(paths.runDir, name);
  if (previous && sameBugs && sameCode && sup.alive) {
    try {
      await probeHttp(`http://${previous.endpoint.host}:${previous.endpoint.port}${healthPath}`);
      return previous;
    } catch {
      // unhealthy: fall through to a restart
    }
  }
  if (sup.state) await stopSupervised(paths.runDir, name, markerOf(main));
  const port = await choosePort(`sim ${which}`, undefined, previous?.endpoint.port);
  const logFile = join(paths.logDir, `${name}.log`);
  const journalFile = join(
    paths.logDir,
    which === 'runner' ? 'sim-runner.journal.jsonl' : 'sim-api.access.jsonl',
  );
  const state = await launchSupervised({
    name,
    runDir: paths.runDir,
    argv: [
      process.execPath,
      main,
      '--port',
      String(port),
      '--stack',
      paths.stackFile,
      ...extraArgs(port),
      ...(which === 'runner' ? ['--journal', journalFile] : ['--access-log', journalFile]),
      ...(bugs.length ? ['--bugs', bugs.join(',')] : []),
    ],
    env: { NODE_ENV: 'production' },
    logFile,
    stopSignal: 'SIGTERM',
  });
  const endpoint = { host: '127.0.0.1', port };
  const base = `http://127.0.0.1:${port}`;
  let version: string;
  try {
    version = await waitHealthy(`sim ${which}`, () => probeHttp(`${base}${healthPath}`), {
      timeoutMs: 30_000,
      logHint: logFile,
      isAlive: async () => (await inspectSupervised(paths.runDir, name)).alive,
    });
  } catch (err) {
    throw new SetupError((err as Error).message);
  }
  return {
    url: which === 'api' ? `${base}/api` : base,
    endpoint,
    credentials: which === 'api' ? { apiKey: 'ADMIN_API_KEY' } : { token: 'RUNNER_TOKEN' },
    process: { kind: 'supervised', supervisorPid: state.supervisorPid, pid: state.childPid },
    log: { kind: 'file', path: logFile },
    journal: { kind: 'file', path: journalFile },
    version: `${version}+${codeHash}`,
    startedAt: new Date().toISOString(),
    bugs,
  };
}

export async function startSim(opts: SimLaunchOptions): Promise<void> {
  let bugs: string[];
  try {
    bugs = [...parseBugs(opts.bugs ?? process.env.BOXLITE_SIM_BUGS)].sort();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { stack } = opts;
  const previousRunner = stack.runner;
  const codeHash = await simCodeHash();
  stack.runner = await startComponent('runner', opts, previousRunner, bugs, () => [], codeHash);
  const runnerUrl = stack.runner.url;
  // A restarted runner may sit on another port: the API must then restart to forward to it.
  const apiPrev = stack.runner === previousRunner ? stack.api : undefined;
  stack.api = await startComponent('api', opts, apiPrev, bugs, () => ['--runner-url', runnerUrl], codeHash);
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
  for (const which of ['api', 'runner'] as const) {
    await stopSupervised(paths.runDir, `sim-${which}`, markerOf(which === 'runner' ? RUNNER_MAIN : API_MAIN));
  }
  delete stack.api;
  delete stack.runner;
}
