/**
 * libboxlite's native dependencies (libkrun, libkrunfw, e2fsprogs, bubblewrap) are git
 * submodules under src/deps/*-sys/vendor. Built from source when they are there; `stub`
 * (BOXLITE_DEPS_STUB=1, src/boxlite/build.rs DepsMode::Stub) when any is absent, as in a
 * `git archive` export or a clone without `--recurse-submodules`: the library then links but
 * no VM can start from it. An explicit choice: shown in the plan and part of the build key.
 */
import { SetupError } from '../../kernel/errors.ts';

export type NativeDeps = 'source' | 'stub';

export interface NativeDepsChoice {
  mode: NativeDeps;
  /** Submodule paths the checkout lacks (empty or missing directories). */
  missing: string[];
  reason: string;
}

/** Submodule paths named in a `.gitmodules` text. */
export function submodulePaths(gitmodules: string): string[] {
  return [...gitmodules.matchAll(/^\s*path\s*=\s*(.+?)\s*$/gm)].map((m) => m[1] as string);
}

export function chooseNativeDeps(
  gitmodules: string,
  present: (path: string) => boolean,
  wanted?: NativeDeps,
): NativeDepsChoice {
  const paths = submodulePaths(gitmodules);
  const missing = paths.filter((p) => !present(p));
  if (wanted === 'source' && missing.length)
    throw new SetupError(
      `--native-deps source: the checkout lacks ${missing.join(', ')}; run \`git submodule update --init\` in it`,
    );
  if (wanted) return { mode: wanted, missing, reason: `--native-deps ${wanted}` };
  if (missing.length)
    return { mode: 'stub', missing, reason: `${missing.length} of ${paths.length} submodules absent` };
  return { mode: 'source', missing, reason: `all ${paths.length} submodules present` };
}

/** The build's environment for a mode. */
export const nativeDepsEnv = (mode: NativeDeps): Record<string, string> =>
  mode === 'stub' ? { BOXLITE_DEPS_STUB: '1' } : {};
