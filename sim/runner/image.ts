/**
 * Makes sure a box image is present locally, pulling it from its registry when not.
 * Any pull failure is a 422 `image_pull_failed` that names the reference.
 */
import type Docker from 'dockerode';
import { bounded, dockerMessage, dockerStatus } from './docker.ts';
import { ApiError } from './errors.ts';

const PULL_MS = 180_000;

async function present(docker: Docker, ref: string): Promise<boolean> {
  try {
    await bounded('image inspect', () => docker.getImage(ref).inspect());
    return true;
  } catch (err) {
    if (dockerStatus(err) === 404) return false;
    throw err;
  }
}

/** Follows the pull progress stream; errors can arrive as an HTTP error or inside the stream. */
function pull(docker: Docker, ref: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.pull(ref, { abortSignal: signal }, (err: unknown, stream: NodeJS.ReadableStream | undefined) => {
      if (err || !stream) return reject(err ?? new Error('no pull stream'));
      docker.modem.followProgress(
        stream,
        (doneErr: Error | null, events: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
          if (doneErr) return reject(doneErr);
          const bad = events.find((e) => e.error || e.errorDetail);
          if (bad) return reject(new Error(bad.errorDetail?.message ?? bad.error));
          resolve();
        },
      );
    });
  });
}

export async function ensureImage(docker: Docker, ref: string): Promise<'present' | 'pulled'> {
  if (await present(docker, ref)) return 'present';
  try {
    await bounded(`pull ${ref}`, (signal) => pull(docker, ref, signal), PULL_MS);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'engine_unavailable' && !/did not answer/.test(err.message))
      throw err;
    throw new ApiError(
      'image_pull_failed',
      `failed to pull image ${ref}: ${err instanceof ApiError ? err.message : dockerMessage(err)}`,
    );
  }
  // A "successful" pull of a tag that resolves to nothing would otherwise fail later at create.
  if (!(await present(docker, ref)))
    throw new ApiError('image_pull_failed', `image ${ref} is not present after pull`);
  return 'pulled';
}
