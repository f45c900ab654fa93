/**
 * `pnpm e2e:sdk-shim` — make sure the C and Go SDK drivers are built and cached (warm: a hash
 * and a record read; cold: the shim's cargo build, then cc and go), then print their paths.
 * `pnpm e2e` runs the same step by itself when SDK C/Go or cross-driver cases are selected.
 *
 *   --sdk-checkout DIR    build against a BoxLite checkout (env BOXLITE_E2E_SDK_CHECKOUT)
 *   --cache-dir DIR       machine-wide cache (default ~/.cache/boxlite-e2e, env BOXLITE_E2E_CACHE_DIR)
 *   --rebuild             build even if the drivers are recorded
 *   --check               report only: exit 1 when nothing is cached, never build
 */
import { BOOTSTRAP_OPTIONS } from '../../kernel/config.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { runMain, SetupError } from '../../kernel/errors.ts';
import { type OptionTable, resolveOptions } from '../../kernel/options.ts';
import { createProgress } from '../../kernel/progress.ts';
import { ensureSdkDrivers, findSdkDrivers } from './index.ts';
import { SDK_SHIM_OPTIONS, sdkShimSpec } from './options.ts';

export const SDK_SHIM_STEP_OPTIONS = {
  ...SDK_SHIM_OPTIONS,
  rebuild: { flag: 'rebuild', type: 'bool', doc: 'build even if the drivers are recorded' },
  check: { flag: 'check', type: 'bool', doc: 'report only; never build' },
  searchPath: BOOTSTRAP_OPTIONS.searchPath,
} as const satisfies OptionTable;

async function main(argv: readonly string[], env: Env): Promise<void> {
  const { values } = resolveOptions(SDK_SHIM_STEP_OPTIONS, argv, env);
  const spec = sdkShimSpec(values);
  const t0 = performance.now();
  const drivers = values.check
    ? await findSdkDrivers(spec)
    : await ensureSdkDrivers(spec, {
        progress: createProgress(),
        searchPath: values.searchPath,
        rebuild: values.rebuild,
      });
  if (!drivers)
    throw new SetupError(
      'no C/Go SDK drivers are cached for these sources; run `pnpm e2e:sdk-shim` to build them',
    );
  process.stdout.write(
    `SDK drivers (${drivers.sourceRef}): c ${drivers.c}, go ${drivers.go} [${((performance.now() - t0) / 1000).toFixed(2)} s]\n`,
  );
}

if (import.meta.main) await runMain('e2e:sdk-shim', () => main(process.argv.slice(2), process.env));
