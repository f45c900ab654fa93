/**
 * The files a driver build compiles, and one hash over them: the cache key changes exactly
 * when one of them does (cargo and go then rebuild incrementally).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../kernel/paths.ts';

export const SHIM_DIR = join(REPO_ROOT, 'bootstrap', 'sdk-shim');
export const C_DRIVER_DIR = join(REPO_ROOT, 'drivers', 'c');
export const GO_DRIVER_DIR = join(REPO_ROOT, 'drivers', 'go');

async function filesUnder(dir: string, keep: RegExp): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && keep.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Every input of a build from `source` (the shim's own files only when it is the shim). */
export async function buildInputs(kind: 'shim' | 'checkout'): Promise<string[]> {
  const drivers = [
    // The recipe too: a changed compiler flag is a new build. plan.ts holds every command and
    // flag; build.ts only runs them, so it is not an input.
    join(SHIM_DIR, 'plan.ts'),
    ...(await filesUnder(C_DRIVER_DIR, /\.[ch]$/)),
    ...(await filesUnder(GO_DRIVER_DIR, /\.go$|^go\.mod$/)),
  ];
  if (kind === 'checkout') return drivers;
  return [
    ...drivers,
    ...(await filesUnder(join(SHIM_DIR, 'rust'), /\.rs$|^Cargo\.(toml|lock)$/)).filter(
      (f) => !f.includes(`${join('rust', 'target')}`),
    ),
    ...(await filesUnder(join(SHIM_DIR, 'include'), /\.h$/)),
    ...(await filesUnder(join(SHIM_DIR, 'go'), /\.go$|^go\.mod$/)),
  ];
}

/** sha256 over (path, content) of every input; `extra` folds in e.g. a checkout's commit. */
export async function contentHash(files: readonly string[], extra = ''): Promise<string> {
  const h = createHash('sha256').update(extra);
  for (const f of files)
    h.update(relative(REPO_ROOT, f))
      .update('\0')
      .update(await readFile(f))
      .update('\0');
  return h.digest('hex');
}
