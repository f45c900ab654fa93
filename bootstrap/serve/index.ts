/**
 * Starts (or reuses) the real `boxlite serve` under the host supervisor for the `serve` target
 * and returns its stack-file record. The binary comes from bootstrap/cli-binary (the same
 * cached build the CLI cases use); the key is the stack's ADMIN_API_KEY; the home, config and
 * logs live in the state dir. A running serve is reused only when it is alive, answers
 * `GET /v1/config`, and was started from the same binary, registry and key.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { request } from 'undici';
import { SetupError } from '../../kernel/errors.ts';
import { waitHealthy } from '../../kernel/health.ts';
import type { StatePaths } from '../../kernel/paths.ts';
import { choosePort } from '../../kernel/ports.ts';
import { inspectSupervised, launchSupervised, stopSupervised } from '../../kernel/process/supervised.ts';
import type { ComponentRecord } from '../../kernel/stack-file.ts';
import type { CliBinary } from '../cli-binary/spec.ts';
import { SERVE_NAME, serveArgv, serveEnv, serveIdentity, servePaths, serveRuntimeConfig } from './spec.ts';

export interface ServeOptions {
  paths: StatePaths;
  binary: CliBinary;
  apiKey: string;
  /** host:port of the stack registry (null: no registry, pulls go to the defaults). */
  registryHost: string | null;
  previous: ComponentRecord | undefined;
  /** The port serve had last time (the stack's port book), taken again when free. */
  portHint?: number | undefined;
}

/** GET /v1/config must answer 200 with a capabilities object (it needs no key). */
async function probeServe(base: string): Promise<string> {
  const res = await request(`${base}/v1/config`, { headersTimeout: 2000, bodyTimeout: 2000 });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET /v1/config answered ${res.statusCode}`);
  const body = JSON.parse(text) as { capabilities?: unknown };
  if (typeof body.capabilities !== 'object') throw new Error('GET /v1/config has no capabilities');
  return 'ok';
}

async function identityOf(o: ServeOptions): Promise<string> {
  const st = await stat(o.binary.path);
  return serveIdentity({
    binary: o.binary.path,
    cliVersion: o.binary.cliVersion,
    binaryStamp: `${st.size}:${Math.round(st.mtimeMs)}`,
    registryHost: o.registryHost,
    apiKey: o.apiKey,
  });
}

export async function ensureServe(o: ServeOptions): Promise<ComponentRecord> {
  const version = await identityOf(o);
  const prev = o.previous;
  if (prev?.version === version && (await inspectSupervised(o.paths.runDir, SERVE_NAME)).alive) {
    const base = `http://${prev.endpoint.host}:${prev.endpoint.port}`;
    if (
      await probeServe(base).then(
        () => true,
        () => false,
      )
    )
      return prev;
  }
  await stopServe(o.paths, o.binary.path);
  const files = servePaths(o.paths);
  await mkdir(files.home, { recursive: true });
  await writeFile(files.config, `${JSON.stringify(serveRuntimeConfig(o.registryHost), null, 2)}\n`);
  const port = await choosePort('boxlite serve', undefined, prev?.endpoint.port ?? o.portHint);
  const launch = { binary: o.binary.path, port, apiKey: o.apiKey, files };
  const state = await launchSupervised({
    name: SERVE_NAME,
    runDir: o.paths.runDir,
    argv: serveArgv(launch),
    env: serveEnv(launch),
    logFile: files.log,
    stopSignal: 'SIGINT',
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy('boxlite serve', () => probeServe(base), {
      timeoutMs: 30_000,
      logHint: files.log,
      isAlive: async () => (await inspectSupervised(o.paths.runDir, SERVE_NAME)).alive,
    });
  } catch (err) {
    await stopServe(o.paths, o.binary.path);
    throw new SetupError((err as Error).message);
  }
  return {
    url: base,
    endpoint: { host: '127.0.0.1', port },
    credentials: { apiKey: 'ADMIN_API_KEY' },
    process: { kind: 'supervised', supervisorPid: state.supervisorPid, pid: state.childPid },
    log: { kind: 'file', path: files.log },
    journal: { kind: 'file', path: files.journal },
    version,
    startedAt: new Date().toISOString(),
    bugs: [],
  };
}

/** Stops serve's supervisor, then an orphaned serve (matched by its binary and `serve` argv). */
export function stopServe(paths: StatePaths, binaryPath?: string): Promise<void> {
  return stopSupervised(paths.runDir, SERVE_NAME, `${binaryPath ?? 'boxlite'} serve --home`);
}
