/**
 * The builds a case run waits for, as one file in the report dir: `pnpm e2e` (the only writer)
 * records each build's state as it changes — building, ready with its product, or unavailable
 * with the reason and the command that builds it — and the case workers read it before a file
 * that needs one runs.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliBinary } from '../../bootstrap/cli-binary/spec.ts';
import type { SdkDrivers } from '../../bootstrap/sdk-shim/spec.ts';

/** The builds case files need: the boxlite CLI, and the C and Go SDK drivers. */
export type BuildName = 'cli' | 'sdk-drivers';

export type BuildState =
  | { state: 'building'; since: string }
  | { state: 'ready'; at: string; cli?: CliBinary; drivers?: SdkDrivers }
  | { state: 'unavailable'; why: string };

export type Builds = Partial<Record<BuildName, BuildState>>;

/** The command that builds each, for a reason to name. */
export const BUILD_COMMAND: Record<BuildName, string> = {
  cli: 'pnpm e2e:cli',
  'sdk-drivers': 'pnpm e2e:sdk-shim',
};

export const buildsFile = (reportDir: string) => join(reportDir, 'builds.json');

/** Null when the run keeps no such file (a bare vitest run: the global setup's lookup stands). */
export function readBuilds(file: string): Builds | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Builds;
  } catch {
    return null;
  }
}

/** The whole state, replaced atomically (readers never see half a file). */
export function writeBuilds(file: string, builds: Builds): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(builds, null, 2)}\n`);
  renameSync(tmp, file);
}

export const pending = (b: Builds | null, names: readonly BuildName[]) =>
  names.some((n) => b?.[n]?.state === 'building');

/** Waits until none of `names` is building; answers the states then (null: no builds file). */
export async function waitForBuilds(file: string, names: readonly BuildName[], pollMs = 1000) {
  for (;;) {
    const b = readBuilds(file);
    if (!pending(b, names)) return b;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
