/**
 * The suite hooks of the sim self-tests: a runner suite (a test stack, one runner, some
 * boxes) and a sim suite (a runner — or none — plus an API with the test database). Both
 * clean up through `disposeStack`, so no process or box outlives its file.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { freePort } from '../../kernel/ports.ts';
import { type Peer, req } from './client.ts';
import { disposeStack, type SimProc, startApi, startRunner } from './processes.ts';
import { type TestServices, testServices } from './test-services.ts';

export interface RunnerSuite {
  stack: TestServices;
  /** Reassignable: a test that restarts the runner stores the new one here. */
  runner: SimProc;
  /** The current runner with the stack's token. */
  readonly peer: Peer;
}

/** Creates a box on the runner (image defaults to the stack's busybox) and expects 201. */
export async function createBox(
  peer: Peer,
  stack: TestServices,
  body: Record<string, unknown>,
): Promise<void> {
  const r = await req(peer, 'POST', '/boxes', { body: { image: stack.image(), ...body } });
  expect(r.status, r.text).toBe(201);
}

/** beforeAll: a test stack, a runner on it, then `boxes`; afterAll: everything goes. */
export function useRunnerSuite(
  opts: { boxes?: Array<Record<string, unknown>>; timeoutMs?: number } = {},
): RunnerSuite {
  const suite = {
    get peer(): Peer {
      return { url: suite.runner.url, key: suite.stack.token };
    },
  } as RunnerSuite;
  beforeAll(async () => {
    suite.stack = await testServices();
    suite.runner = await startRunner(suite.stack);
    for (const box of opts.boxes ?? []) await createBox(suite.peer, suite.stack, box);
  }, opts.timeoutMs ?? 120_000);
  afterAll(async () => {
    if (suite.stack) await disposeStack(suite.stack);
  }, 60_000);
  return suite;
}

export interface Sim extends Peer {
  stack: TestServices;
  /** Base URL ending in /api, like the real one (= `url`). */
  apiUrl: string;
  adminKey: string;
  accessLog: string;
  api: SimProc;
  runner: SimProc | null;
  /** Restarts the API (same port) with other switches. */
  restartApi(bugs?: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

export interface SimOptions {
  bugs?: readonly string[];
  /** 'spawn' a runner (default) or point the API at a port nothing listens on. */
  runner?: 'spawn' | 'dead';
  /** Switches for the runner (e.g. host-bind-honored, which both sides implement). */
  runnerBugs?: readonly string[];
}

export async function startSim(opts: SimOptions = {}): Promise<Sim> {
  const stack = await testServices();
  try {
    const runner = opts.runner === 'dead' ? null : await startRunner(stack, { bugs: opts.runnerBugs ?? [] });
    const runnerUrl = runner?.url ?? `http://127.0.0.1:${await freePort()}`;
    const api = await startApi(stack, { runnerUrl, bugs: opts.bugs ?? [] });
    const sim: Sim = {
      stack,
      url: api.url,
      key: stack.adminKey,
      prefix: 'default',
      apiUrl: api.url,
      adminKey: stack.adminKey,
      accessLog: api.record.journal.kind === 'file' ? api.record.journal.path : '',
      api,
      runner,
      async restartApi(bugs = opts.bugs ?? []) {
        await sim.api.stop();
        sim.api = await startApi(stack, { runnerUrl, bugs, again: sim.api });
        if (sim.api.url !== sim.url) throw new Error(`the API came back on ${sim.api.url}, not ${sim.url}`);
      },
      stop: () => disposeStack(stack),
    };
    return sim;
  } catch (err) {
    await disposeStack(stack);
    throw err;
  }
}

/** beforeAll starts a sim (with `opts`), afterAll stops it; `sim` is set by beforeAll. */
export function useSim(opts: SimOptions = {}): { sim: Sim } {
  const suite = {} as { sim: Sim };
  beforeAll(async () => {
    suite.sim = await startSim(opts);
  });
  afterAll(async () => {
    await suite.sim?.stop();
  });
  return suite;
}
