/**
 * The real npm SDK (`@boxlite-ai/boxlite`) in REST mode — the contract the sim must honour.
 * `createTrackedRuntime` wraps `create` so every box made through it is reported; the rest
 * of the runtime is the SDK untouched.
 */
import { ApiKeyCredential, type Boxlite, BoxliteRestOptions, JsBoxlite } from '@boxlite-ai/boxlite';
import type { BoxCreatedHook, ExecOutcome, ExecRequest } from '../protocol.ts';
import { emptyOutcome } from '../protocol.ts';

export type SdkBox = Awaited<ReturnType<Boxlite['create']>>;
export type SdkExecution = Awaited<ReturnType<SdkBox['exec']>>;

export interface SdkTarget {
  apiUrl: string;
  apiKey: string;
  pathPrefix: string;
}

export function createRuntime(t: SdkTarget, apiKey: string | null = t.apiKey): Boxlite {
  return JsBoxlite.rest(
    new BoxliteRestOptions({
      url: t.apiUrl,
      ...(apiKey !== null ? { credential: new ApiKeyCredential(apiKey) } : {}),
      ...(t.pathPrefix ? { pathPrefix: t.pathPrefix } : {}),
    }),
  );
}

/** A runtime whose creates (create / getOrCreate) are reported to `onBoxCreated`. */
export function createTrackedRuntime(t: SdkTarget, onBoxCreated: BoxCreatedHook): Boxlite {
  const rt = createRuntime(t);
  const create = rt.create.bind(rt);
  const getOrCreate = rt.getOrCreate.bind(rt);
  return Object.assign(rt, {
    create: async (...args: Parameters<Boxlite['create']>) => {
      const box = await create(...args);
      onBoxCreated(box.id, 'node-sdk');
      return box;
    },
    getOrCreate: async (...args: Parameters<Boxlite['getOrCreate']>) => {
      const res = await getOrCreate(...args);
      if (res.created) onBoxCreated(res.box.id, 'node-sdk');
      return res;
    },
  });
}

/** `rt` with its managed volumes told to `onVolume` as they are made (the rest untouched). */
export function trackVolumes(rt: Boxlite, onVolume: (id: string) => void): Boxlite {
  const volumes = rt.volumes;
  const tracked: Boxlite['volumes'] = {
    create: async (name) => {
      const volume = await volumes.create(name);
      onVolume(volume.id);
      return volume;
    },
    list: () => volumes.list(),
    get: (id) => volumes.get(id),
    remove: (id, force) => volumes.remove(id, force),
  };
  Object.defineProperty(rt, 'volumes', { value: tracked });
  return rt;
}

/** `box` with the uri of each tunnel it prepares told to `onTunnel` (the rest untouched). */
export function trackTunnels(box: SdkBox, onTunnel: (uri: string) => void): SdkBox {
  const network = box.network;
  const tracked: SdkBox['network'] = {
    tunnel: async (port) => {
      const tunnel = await network.tunnel(port);
      const uri = tunnel.uri();
      if (uri) onTunnel(uri);
      return tunnel;
    },
  };
  Object.defineProperty(box, 'network', { value: tracked });
  return box;
}

/** Reads a stream to its end (each `next()` is one frame's lossy-UTF-8 string). */
export async function drain(stream: { next(): Promise<string | null> }): Promise<string> {
  let out = '';
  for (let chunk = await stream.next(); chunk !== null; chunk = await stream.next()) out += chunk;
  return out;
}

/** Reads `stream` until `needle` has been seen; returns everything read so far. */
export async function readUntil(stream: { next(): Promise<string | null> }, needle: string): Promise<string> {
  let seen = '';
  while (!seen.includes(needle)) {
    const chunk = await stream.next();
    if (chunk === null)
      throw new Error(`stream ended before ${JSON.stringify(needle)} (got ${JSON.stringify(seen)})`);
    seen += chunk;
  }
  return seen;
}

/** Starts an exec with the SDK's positional signature from our protocol's request. */
export function sdkExec(box: SdkBox, req: ExecRequest): Promise<SdkExecution> {
  const env = req.env ? Object.entries(req.env) : null;
  return box.exec(
    req.command,
    req.args ?? null,
    env,
    req.tty ?? false,
    req.user ?? null,
    req.timeoutSecs ?? null,
    req.workingDir ?? null,
  );
}

/** exec → (stdin) → drain stdout/stderr concurrently → wait: the SDK exec round trip. */
export async function runSdkExec(box: SdkBox, req: ExecRequest): Promise<ExecOutcome> {
  const t0 = performance.now();
  let ex: SdkExecution;
  try {
    ex = await sdkExec(box, req);
  } catch (err) {
    return emptyOutcome('node-sdk', (err as Error).message, performance.now() - t0);
  }
  if (req.stdin !== undefined) {
    const stdin = await ex.stdin();
    await stdin.writeString(req.stdin);
    await stdin.close();
  }
  const [stdout, stderr, result] = await Promise.all([
    ex.stdout().then(drain),
    ex.stderr().then(drain),
    ex.wait(),
  ]);
  return {
    driver: 'node-sdk',
    stdout,
    stderr,
    exitCode: result.exitCode,
    error: result.errorMessage ?? null,
    ms: performance.now() - t0,
  };
}

/** `sh -c script` through {@link runSdkExec}. */
export function runSdkSh(
  box: SdkBox,
  script: string,
  extra: Omit<ExecRequest, 'command' | 'args'> = {},
): Promise<ExecOutcome> {
  return runSdkExec(box, { command: 'sh', args: ['-c', script], ...extra });
}

/**
 * Starts `sh -c "echo ready; <script>"` and returns once "ready" has been read from stdout
 * (`seen` is everything read so far; `stdout` is the stream, for reading on).
 */
export async function startAfterReady(
  box: SdkBox,
  script: string,
): Promise<{ ex: SdkExecution; stdout: Awaited<ReturnType<SdkExecution['stdout']>>; seen: string }> {
  const ex = await box.exec('sh', ['-c', `echo ready; ${script}`]);
  const stdout = await ex.stdout();
  const seen = await readUntil(stdout, 'ready\n');
  return { ex, stdout, seen };
}

/** Reads a started exec to its end: the rest of `stdout` (after `seen`), all of stderr, the exit code. */
export async function finishSdkExec(
  ex: SdkExecution,
  stdout: { next(): Promise<string | null> },
  seen = '',
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const [rest, stderr, res] = await Promise.all([drain(stdout), ex.stderr().then(drain), ex.wait()]);
  return { stdout: seen + rest, stderr, exitCode: res.exitCode };
}
