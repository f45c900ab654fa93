/**
 * The files a driver build compiles, and one hash over them: the cache key changes exactly
 * when one of them does (cargo and go then rebuild incrementally). The shim's Rust sources are
 * inputs of the cargo workspace build, whose identity the shim drivers fold in.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { filesUnder } from '../build-cache/inputs.ts';

export const SHIM_DIR = join(REPO_ROOT, 'bootstrap', 'sdk-shim');
export const C_DRIVER_DIR = join(REPO_ROOT, 'drivers', 'c');
export const GO_DRIVER_DIR = join(REPO_ROOT, 'drivers', 'go');

/** Every input of a driver build from `source` (the shim's header and cgo package only when it is the shim). */
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
    ...(await filesUnder(join(SHIM_DIR, 'include'), /\.h$/)),
    ...(await filesUnder(join(SHIM_DIR, 'go'), /\.go$|^go\.mod$/)),
  ];
}
