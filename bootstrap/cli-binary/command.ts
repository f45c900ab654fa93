/**
 * `pnpm e2e:cli` — make sure the real `boxlite` CLI is built and cached (warm: a file read;
 * cold: ~16 min of cargo on 2 cores), then print its path and version. `pnpm e2e` runs the
 * same step by itself when CLI cases are selected.
 *
 *   --cli-bin PATH        use this binary as is           (env BOXLITE_E2E_CLI_BIN)
 *   --cli-checkout DIR    build from a BoxLite checkout   (env BOXLITE_E2E_CLI_CHECKOUT)
 *   --cli-version V       crates.io version (default 0.11.0, env BOXLITE_E2E_CLI_VERSION)
 *   --cache-dir DIR       machine-wide cache (default ~/.cache/boxlite-e2e, env BOXLITE_E2E_CACHE_DIR)
 *   --rebuild             build even if a cached binary is recorded
 *   --check               report only: exit 1 when nothing is cached, never build
 */
import { BOOTSTRAP_OPTIONS } from '../../kernel/config.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { runMain, SetupError } from '../../kernel/errors.ts';
import { type OptionTable, resolveOptions } from '../../kernel/options.ts';
import { createProgress } from '../../kernel/progress.ts';
import { ensureCliBinary, findCargo, findCliBinary } from './index.ts';
import { CLI_BINARY_OPTIONS, cliBinarySpec } from './options.ts';

export const CLI_STEP_OPTIONS = {
  ...CLI_BINARY_OPTIONS,
  rebuild: { flag: 'rebuild', type: 'bool', doc: 'build even if a cached binary is recorded' },
  check: { flag: 'check', type: 'bool', doc: 'report only; never build' },
  searchPath: BOOTSTRAP_OPTIONS.searchPath,
} as const satisfies OptionTable;

async function main(argv: readonly string[], env: Env): Promise<void> {
  const { values } = resolveOptions(CLI_STEP_OPTIONS, argv, env);
  const spec = cliBinarySpec(values);
  const t0 = performance.now();
  const cli = values.check
    ? await findCliBinary(spec)
    : await ensureCliBinary(spec, {
        progress: createProgress(),
        cargo: await findCargo(values.searchPath),
        searchPath: values.searchPath,
        rebuild: values.rebuild,
      });
  if (!cli)
    throw new SetupError('no boxlite CLI is cached for this configuration; run `pnpm e2e:cli` to build it');
  process.stdout.write(
    `boxlite CLI ${cli.cliVersion} (${cli.source} ${cli.sourceRef}): ${cli.path} [${((performance.now() - t0) / 1000).toFixed(2)} s]\n`,
  );
}

if (import.meta.main) await runMain('e2e:cli', () => main(process.argv.slice(2), process.env));
