/**
 * Test helpers for the runner e2e suites: a throw-away stack (stack.json + secrets) per run,
 * a spawned runner process on a free port, raw HTTP (undici) and WebSocket (ws) clients, and
 * cleanup of every container the run created (they carry the run's runner label).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import { request } from 'undici';
import { afterAll, beforeAll, expect } from 'vitest';
import WebSocket from 'ws';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { formatSecrets, mintSecrets } from '../../kernel/secrets.ts';
import { removeRunnerBoxes } from '../launch.ts';
import { runnerIdFor } from './config.ts';

const REAL_STACK = join(REPO_ROOT, '.e2e-state', 'stack.json');

interface StackLike {
  services?: { registry?: { endpoint?: { host: string; port: number } } };
  images?: Array<{ name: string; reference: string }>;
}

function realStack(): StackLike | null {
  if (!existsSync(REAL_STACK)) return null;
  try {
    return JSON.parse(readFileSync(REAL_STACK, 'utf8')) as StackLike;
  } catch {
    return null;
  }
}

/** Registry of the provisioned stack (the e2e project's global setup provisions it). */
export function registryEndpoint(): { host: string; port: number } {
  const endpoint = realStack()?.services?.registry?.endpoint;
  if (!endpoint) throw new Error(`no stack registry in ${REAL_STACK}: run \`pnpm e2e:setup\``);
  return endpoint;
}

/** Guest image reference: the stack's recorded one when present, else the dev-registry tag. */
export function guestImage(kind: 'busybox' | 'debian' = 'busybox'): string {
  const rec = realStack()?.images?.find((i) => i.name.includes(kind) || i.reference.includes(`/${kind}`));
  if (rec) return rec.reference;
  const r = registryEndpoint();
  return `${r.host}:${r.port}/boxlite-e2e/${kind}:1`;
}

export interface TempStack {
  dir: string;
  stackPath: string;
  token: string;
  runnerId: string;
  journalPath: string;
}

export function makeTempStack(): TempStack {
  const dir = mkdtempSync(join(tmpdir(), 'runner-e2e-'));
  const secrets = mintSecrets();
  const secretsFile = join(dir, 'secrets.env');
  writeFileSync(secretsFile, formatSecrets(secrets), { mode: 0o600 });
  const reg = registryEndpoint();
  const now = new Date().toISOString();
  const stack = {
    schema: 'boxlite-e2e/stack',
    version: 1,
    provider: 'host',
    target: 'sim',
    stateDir: dir,
    secretsFile,
    createdAt: now,
    updatedAt: now,
    services: {
      registry: {
        name: 'registry',
        endpoint: reg,
        url: `http://${reg.host}:${reg.port}`,
        credentials: {},
        process: { kind: 'supervised', supervisorPid: process.pid, pid: null },
        log: { kind: 'file', path: join(dir, 'registry.log') },
        dataDir: dir,
        version: null,
        startedAt: now,
      },
    },
  };
  const stackPath = join(dir, 'stack.json');
  writeFileSync(stackPath, JSON.stringify(stack, null, 2));
  return {
    dir,
    stackPath,
    token: secrets.RUNNER_TOKEN,
    runnerId: runnerIdFor(dir),
    journalPath: join(dir, 'journal.log'),
  };
}

export interface RunnerProc {
  url: string;
  port: number;
  proc: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const MAIN = resolve(REPO_ROOT, 'sim/runner/main.ts');

export async function spawnRunner(
  stack: TempStack,
  opts: { bugs?: string[]; env?: Record<string, string> } = {},
): Promise<RunnerProc> {
  const args = [MAIN, '--port', '0', '--stack', stack.stackPath, '--journal', stack.journalPath];
  if (opts.bugs?.length) args.push('--bugs', opts.bugs.join(','));
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, BOXLITE_SIM_BUGS: '', ...opts.env },
    stdio: 'pipe',
  });
  let out = '';
  proc.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const port = await new Promise<number>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`runner did not start:\n${out}`)), 15_000);
    const check = (): void => {
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        res(Number(m[1]));
      }
    };
    proc.stdout?.on('data', check);
    proc.on('exit', (code) => rej(new Error(`runner exited ${code}:\n${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    proc,
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise((res) => {
        if (proc.exitCode !== null) return res(proc.exitCode);
        proc.once('exit', (code) => res(code));
        proc.kill(signal);
      }),
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  // biome-ignore lint/suspicious/noExplicitAny: tests poke at arbitrary JSON replies
  json: () => any;
}

export async function call(
  r: { url: string },
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const h: Record<string, string> = { ...headers };
  if (token !== null) h.authorization = `Bearer ${token}`;
  let payload: string | Buffer | Readable | undefined;
  if (Buffer.isBuffer(body) || body instanceof Readable) payload = body;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    h['content-type'] = 'application/json';
  }
  const res = await request(`${r.url}${path}`, { method: method as 'GET', headers: h, body: payload });
  const buf = Buffer.from(await res.body.arrayBuffer());
  return {
    status: res.statusCode,
    headers: res.headers,
    body: buf,
    json: () => JSON.parse(buf.toString('utf8')),
  };
}

export interface AttachResult {
  stdout: string;
  stderr: string;
  /** What the SDK would see: stdout frames that arrived before the exit frame. */
  stdoutBeforeExit: string;
  exitCode: number | null;
  /** Frame kinds in arrival order: 'out' | 'err' | 'exit' | 'text'. */
  order: string[];
  /** Data frames that arrived after the exit frame (the SDK never reads them). */
  afterExit: number;
  firstPingMs: number | null;
  closeCode: number | null;
}

export interface Attached {
  ws: WebSocket;
  result: Promise<AttachResult>;
}

/** Opens an attach socket and collects frames until it closes (or `untilMs`). */
export function attach(
  r: { url: string },
  token: string | null,
  boxId: string,
  execId: string,
  opts: { untilMs?: number } = {},
): Attached {
  const url = `${r.url.replace('http', 'ws')}/v1/boxes/${boxId}/executions/${execId}/attach`;
  const ws = new WebSocket(url, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    perMessageDeflate: false,
  });
  const t0 = Date.now();
  const res: AttachResult = {
    stdout: '',
    stderr: '',
    stdoutBeforeExit: '',
    exitCode: null,
    order: [],
    afterExit: 0,
    firstPingMs: null,
    closeCode: null,
  };
  const result = new Promise<AttachResult>((resolveRes, reject) => {
    ws.on('ping', () => {
      if (res.firstPingMs === null) res.firstPingMs = Date.now() - t0;
    });
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        if (res.exitCode !== null) res.afterExit++;
        const kind = data[0];
        if (kind === 1) res.stdout += data.subarray(1).toString();
        if (kind === 1 && res.exitCode === null) res.stdoutBeforeExit += data.subarray(1).toString();
        if (kind === 2) res.stderr += data.subarray(1).toString();
        res.order.push(kind === 1 ? 'out' : 'err');
        return;
      }
      const msg = JSON.parse(data.toString());
      if (msg.type === 'exit') {
        res.exitCode = msg.exit_code;
        res.order.push('exit');
      } else res.order.push('text');
    });
    ws.on('unexpected-response', (_req, resp) => {
      let body = '';
      resp.on('data', (c: Buffer) => (body += c));
      resp.on('end', () =>
        reject(
          Object.assign(new Error(`upgrade refused ${resp.statusCode}`), { status: resp.statusCode, body }),
        ),
      );
    });
    ws.on('error', (e) => reject(e));
    ws.on('close', (code) => {
      res.closeCode = code;
      resolveRes(res);
    });
    if (opts.untilMs) setTimeout(() => ws.terminate(), opts.untilMs);
  });
  return { ws, result };
}

/** POST exec + attach + wait: the common "run a command" round trip. */
export async function runExec(
  r: { url: string },
  token: string,
  boxId: string,
  body: Record<string, unknown>,
): Promise<AttachResult> {
  const rep = await call(r, token, 'POST', `/v1/boxes/${boxId}/exec`, { tty: false, ...body });
  if (rep.status !== 201) throw new Error(`exec failed ${rep.status}: ${rep.body.toString()}`);
  return attach(r, token, boxId, rep.json().execution_id).result;
}

// biome-ignore lint/suspicious/noExplicitAny: journal lines are free-form
export function readJournal(stack: TempStack): Array<Record<string, any>> {
  if (!existsSync(stack.journalPath)) return [];
  return readFileSync(stack.journalPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** Removes every container labelled with this run's runner id, and the temp stack dir. */
export async function cleanup(stack: TempStack): Promise<void> {
  await removeRunnerBoxes(new Docker(), stack.runnerId);
  rmSync(stack.dir, { recursive: true, force: true });
}

/** POST …/executions/:id/signal. */
export function signalExec(
  runner: RunnerProc,
  token: string,
  box: string,
  id: string,
  signal: number,
): Promise<Reply> {
  return call(runner, token, 'POST', `/v1/boxes/${box}/executions/${id}/signal`, { signal });
}

/** Creates a box (image defaults to {@link guestImage}) and expects 201. */
export async function createBox(
  runner: RunnerProc,
  token: string,
  body: Record<string, unknown>,
): Promise<void> {
  const r = await call(runner, token, 'POST', '/boxes', { image: guestImage(), ...body });
  expect(r.status, r.body.toString()).toBe(201);
}

export interface RunnerSuite {
  stack: TempStack;
  /** Reassignable: a test that restarts the runner stores the new one here for afterAll. */
  runner: RunnerProc;
}

/**
 * The runner suites' hooks: beforeAll makes a temp stack, spawns a runner on it and creates
 * `boxes` on it; afterAll stops the runner and cleans the stack up. The returned object is
 * filled in by beforeAll.
 */
export function useRunnerSuite(
  opts: { boxes?: Array<Record<string, unknown>>; timeoutMs?: number } = {},
): RunnerSuite {
  const suite = {} as RunnerSuite;
  beforeAll(async () => {
    suite.stack = makeTempStack();
    suite.runner = await spawnRunner(suite.stack);
    for (const box of opts.boxes ?? []) await createBox(suite.runner, suite.stack.token, box);
  }, opts.timeoutMs ?? 120_000);
  afterAll(async () => {
    await suite.runner?.stop();
    if (suite.stack) await cleanup(suite.stack);
  }, 60_000);
  return suite;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
