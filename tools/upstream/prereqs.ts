/**
 * What the suite runs with besides the stack: a cached venv with pytest and the suite's
 * requirements, our `boxlite` CLI, and a C/Go SDK to build upstream's drivers against. A CLI
 * or SDK that cannot be had is not fatal: the cases that need it are reported not runnable,
 * with the reason this module returns.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCliBinary, findCargo } from '../../bootstrap/cli-binary/index.ts';
import type { CliBinarySpec } from '../../bootstrap/cli-binary/spec.ts';
import { ensureSdkDrivers, type SdkShimSpec } from '../../bootstrap/sdk-shim/index.ts';
import { BOXLITE_PY_VERSION, ensureVenv } from '../../drivers/python/venv.ts';
import type { Progress } from '../../kernel/progress.ts';
import { checkoutHasSdk, type SuiteSdk } from './stage.ts';

/**
 * Upstream's run.sh installs pytest, pytest-asyncio and boxlite; its README runs with
 * `--timeout`, which is pytest-timeout. Pinned here so every run uses the same set.
 */
const SDK_VERSION = BOXLITE_PY_VERSION;

export const SUITE_REQUIREMENTS = [
  `boxlite==${SDK_VERSION}`,
  'pytest==9.2.0',
  'pytest-asyncio==1.5.0',
  'pytest-timeout==2.4.0',
] as const;

export async function ensureSuiteVenv(cacheDir: string, progress: Progress): Promise<string> {
  return ensureVenv(
    {
      dir: join(cacheDir, 'upstream-suite-venv'),
      requirements: SUITE_REQUIREMENTS,
      boxliteVersion: SDK_VERSION,
    },
    { progress, label: 'upstream suite venv' },
  );
}

export type Got<T> = { value: T; why: null } | { value: null; why: string };

export async function suiteCli(
  spec: CliBinarySpec,
  searchPath: string,
  progress: Progress,
): Promise<Got<string>> {
  try {
    const cargo = await findCargo(searchPath);
    const cli = await ensureCliBinary(spec, { progress, cargo, searchPath });
    return { value: cli.path, why: null };
  } catch (err) {
    return { value: null, why: (err as Error).message.split('\n')[0] ?? 'unknown' };
  }
}

/** The checkout's own libboxlite and sdks/go when it has them (null: the suite uses them), else ours. */
export async function suiteSdk(
  checkout: string,
  spec: SdkShimSpec,
  searchPath: string,
  progress: Progress,
): Promise<Got<SuiteSdk | null>> {
  if (checkoutHasSdk(checkout)) return { value: null, why: null };
  try {
    let d = await ensureSdkDrivers(spec, { progress, searchPath });
    // Builds from before the library was kept have only the drivers: relink once (cargo is warm).
    if (!existsSync(join(d.sdk.libDir, 'libboxlite.a')))
      d = await ensureSdkDrivers(spec, { progress, searchPath, rebuild: true });
    return { value: { ...d.sdk, source: d.sourceRef }, why: null };
  } catch (err) {
    return { value: null, why: (err as Error).message.split('\n')[0] ?? 'unknown' };
  }
}
