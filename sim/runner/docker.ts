/**
 * The runner's only door to the Docker engine. Every call goes through `bounded()` so a dead
 * or wedged engine turns into a 503 `engine_unavailable` envelope within a few seconds
 * instead of a hung request.
 */
import type Docker from 'dockerode';
import { dockerClient } from '../../kernel/docker.ts';
import { ApiError } from './errors.ts';

/**
 * Bound for control-plane calls (inspect, create, exec create/start, archive stat). Set once
 * by `connectDocker` from the runner's config (`BOXLITE_SIM_DOCKER_TIMEOUT_MS`; tests use a
 * short one against a wedged engine).
 */
let callMs = 10_000;

/** The runner's engine: the endpoint its config names (`--docker-host`), never an ambient one. */
export function connectDocker(opts: { dockerHost: string; callMs: number }): Docker {
  callMs = opts.callMs;
  return dockerClient(opts.dockerHost);
}

/** Errors whose cause is "the engine is not there / not answering". */
const ENGINE_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

export interface DockerError extends Error {
  statusCode?: number;
  code?: string;
  json?: unknown;
}

export function isEngineDown(err: unknown): boolean {
  const e = err as DockerError;
  return typeof e?.code === 'string' && ENGINE_DOWN_CODES.has(e.code);
}

export function dockerStatus(err: unknown): number | undefined {
  return (err as DockerError)?.statusCode;
}

/** The daemon's own message (dockerode wraps it as "(HTTP code N) reason - message"). */
export function dockerMessage(err: unknown): string {
  const e = err as DockerError;
  const j = e?.json as { message?: unknown } | undefined;
  if (j && typeof j.message === 'string') return j.message;
  if (Buffer.isBuffer(e?.json)) return e.json.toString('utf8').trim();
  return e?.message ?? String(err);
}

/**
 * Runs one Docker call with an AbortSignal and a deadline. A timeout or an unreachable
 * engine becomes ApiError(engine_unavailable); any other error is rethrown for the caller
 * to classify (404/409 mean different things per route).
 */
export async function bounded<T>(
  label: string,
  fn: (signal: AbortSignal) => Promise<T>,
  ms = callMs,
): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new ApiError('engine_unavailable', `docker engine did not answer ${label} within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([fn(ac.signal), deadline]);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (isEngineDown(err)) {
      throw new ApiError(
        'engine_unavailable',
        `docker engine unavailable during ${label}: ${(err as Error).message}`,
      );
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A create or start the engine did not answer in time may still land after the box was
 * refused: the container is removed by name once the engine gets to it, so no container
 * outlives its refused box. A few tries, a while apart (404 = not landed yet, try again).
 */
export function reapLater(docker: Docker, name: string, tries = 6, everyMs = 20_000): void {
  const attempt = (left: number) => {
    docker
      .getContainer(name)
      .remove({ force: true })
      .then(
        () => {},
        () => {
          if (left > 1) setTimeout(() => attempt(left - 1), everyMs).unref();
        },
      );
  };
  setTimeout(() => attempt(tries), everyMs).unref();
}
