/**
 * Spawns a private sim API (and runner) on free ports for one test file, so tests never
 * depend on processes left running. Children are stopped by their own pid only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, request } from 'undici';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../../kernel/ports.ts';
import { runnerIdFor } from '../../runner/config.ts';
import { type TestStack, testStack } from './stack.ts';

const API_MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const RUNNER_MAIN = fileURLToPath(new URL('../../runner/main.ts', import.meta.url));
/** Tests use their own database so they never touch the stack API's rows. */
export const TEST_DB = 'boxlite_sim_api_test';

export interface Proc {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

export interface Sim {
  stack: TestStack;
  /** Base URL ending in /api, like the real one. */
  apiUrl: string;
  runnerUrl: string;
  adminKey: string;
  accessLog: string;
  api: Proc;
  runner: Proc | null;
  restartApi: (bugs?: string[]) => Promise<void>;
  stop: () => Promise<void>;
}

export interface SimOptions {
  bugs?: string[];
  /** 'spawn' a real runner (default) or point the API at a port nothing listens on. */
  runner?: 'spawn' | 'dead';
  /** Switches for the runner (e.g. host-bind-honored, which both sides implement). */
  runnerBugs?: string[];
  stack?: TestStack;
}

function launch(argv: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 8000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

export async function waitHttp(url: string, proc: Proc, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null)
      throw new Error(`${what} exited ${proc.child.exitCode}:\n${proc.output()}`);
    try {
      const res = await request(url, { headersTimeout: 1000, bodyTimeout: 1000 });
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not healthy within ${timeoutMs} ms:\n${proc.output()}`);
}

export async function startSim(opts: SimOptions = {}): Promise<Sim> {
  const stack = opts.stack ?? (await testStack());
  const runnerPort = await freePort();
  const runnerUrl = `http://127.0.0.1:${runnerPort}`;
  let runner: Proc | null = null;
  if ((opts.runner ?? 'spawn') === 'spawn') {
    runner = launch(
      [
        RUNNER_MAIN,
        '--port',
        String(runnerPort),
        '--stack',
        stack.stackFile,
        '--journal',
        join(stack.stateDir, 'runner.journal.jsonl'),
        ...(opts.runnerBugs?.length ? ['--bugs', opts.runnerBugs.join(',')] : []),
      ],
      { BOXLITE_SIM_BUGS: '' },
    );
    await waitHttp(`${runnerUrl}/`, runner, 'sim runner');
  }
  const accessLog = join(stack.stateDir, 'api.access.jsonl');
  const apiPort = await freePort();
  const apiArgs = (bugs: string[]) => [
    API_MAIN,
    '--port',
    String(apiPort),
    '--stack',
    stack.stackFile,
    '--runner-url',
    runnerUrl,
    '--access-log',
    accessLog,
    '--db-name',
    TEST_DB,
    ...(bugs.length ? ['--bugs', bugs.join(',')] : []),
  ];
  const sim: Sim = {
    stack,
    apiUrl: `http://127.0.0.1:${apiPort}/api`,
    runnerUrl,
    adminKey: stack.secrets.ADMIN_API_KEY,
    accessLog,
    api: launch(apiArgs(opts.bugs ?? []), { BOXLITE_SIM_BUGS: '' }),
    runner,
    restartApi: async (bugs = opts.bugs ?? []) => {
      await sim.api.stop();
      sim.api = launch(apiArgs(bugs), { BOXLITE_SIM_BUGS: '' });
      await waitHttp(`${sim.apiUrl}/health`, sim.api, 'sim api');
    },
    stop: async () => {
      await sim.api.stop();
      await runner?.stop();
      if (runner) await removeRunnerContainers(stack.stateDir);
    },
  };
  try {
    await waitHttp(`${sim.apiUrl}/health`, sim.api, 'sim api');
  } catch (err) {
    await sim.stop();
    throw err;
  }
  return sim;
}

/** Holds the suite's sim; `sim` is set by beforeAll. */
export interface SimSuite {
  sim: Sim;
}

/** The sim suites' hooks: beforeAll starts a sim (with `opts`), afterAll stops it. */
export function useSim(opts: SimOptions = {}): SimSuite {
  const suite = {} as SimSuite;
  beforeAll(async () => {
    suite.sim = await startSim(opts);
  });
  afterAll(async () => {
    await suite.sim?.stop();
  });
  return suite;
}

/**
 * The runner leaves boxes running when it stops, and a test may have killed it, so cleanup
 * goes to Docker directly: every container labelled with this test runner's id.
 */
export async function removeRunnerContainers(stateDir: string): Promise<void> {
  const docker = new Client('http://docker', { socketPath: '/var/run/docker.sock' });
  try {
    const filters = JSON.stringify({ label: [`boxlite-e2e.sim-runner=${runnerIdFor(stateDir)}`] });
    const res = await docker.request({
      method: 'GET',
      path: `/v1.41/containers/json?all=1&filters=${encodeURIComponent(filters)}`,
    });
    const list = (await res.body.json()) as { Id: string }[];
    for (const c of list) {
      const r = await docker.request({
        method: 'DELETE',
        path: `/v1.41/containers/${c.Id}?force=true&v=true`,
      });
      await r.body.dump();
    }
  } catch {
    // Best effort: no Docker means the runner could not have made containers either.
  } finally {
    await docker.close();
  }
}

export interface Reply {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests poke into arbitrary reply JSON.
  json: any;
  headers: Record<string, string | string[] | undefined>;
}

/** Raw HTTP helper for REST tests: `key: null` sends no Authorization header. */
export async function call(
  sim: Pick<Sim, 'apiUrl' | 'adminKey'>,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD',
  path: string,
  opts: { key?: string | null; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const key = opts.key === undefined ? sim.adminKey : opts.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  }
  const res = await request(`${sim.apiUrl}${path}`, {
    method,
    headers,
    body,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
  const text = await res.body.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.statusCode, text, json, headers: res.headers };
}
