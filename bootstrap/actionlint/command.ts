/**
 * `pnpm e2e:actionlint [files]` — lint the GitHub workflows in .github/ with actionlint (and
 * shellcheck for `run:` scripts when it is installed). Builds the pinned actionlint once with
 * `go install` into the machine-wide cache; warm runs only stat it. Exit 1 on any finding.
 *
 *   --cache-dir DIR   machine-wide cache (default ~/.cache/boxlite-e2e, env BOXLITE_E2E_CACHE_DIR)
 *   --check           only say whether the pinned actionlint is cached (exit 1 when not); never build
 */

import { BOOTSTRAP_OPTIONS } from '../../kernel/config.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { runMain, SetupError } from '../../kernel/errors.ts';
import { type OptionTable, resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { CLI_BINARY_OPTIONS } from '../cli-binary/options.ts';
import { ACTIONLINT_VERSION, ensureActionlint, findActionlint, runActionlint } from './index.ts';

export const ACTIONLINT_STEP_OPTIONS = {
  cacheDir: CLI_BINARY_OPTIONS.cacheDir,
  check: { flag: 'check', type: 'bool', doc: 'report whether actionlint is cached; never build' },
  searchPath: BOOTSTRAP_OPTIONS.searchPath,
} as const satisfies OptionTable;

async function main(argv: readonly string[], env: Env): Promise<void> {
  const { values, positionals } = resolveOptions(ACTIONLINT_STEP_OPTIONS, argv, env, { positionals: true });
  const spec = { cacheRoot: values.cacheDir, version: ACTIONLINT_VERSION };
  const t0 = performance.now();
  if (values.check) {
    const found = await findActionlint(spec);
    if (!found) throw new SetupError(`actionlint ${spec.version} is not cached; run \`pnpm e2e:actionlint\``);
    process.stdout.write(`actionlint ${found.version}: ${found.path}\n`);
    return;
  }
  const lint = await ensureActionlint(spec, { searchPath: values.searchPath });
  const ready = (performance.now() - t0) / 1000;
  const res = await runActionlint(lint.path, {
    cwd: REPO_ROOT,
    searchPath: values.searchPath,
    files: positionals,
  });
  process.stdout.write(res.output);
  const total = (performance.now() - t0) / 1000;
  const how = `${lint.built ? 'built' : 'cached'} in ${ready.toFixed(2)} s, ${total.toFixed(2)} s in all`;
  const sc = res.shellcheck ? 'with shellcheck' : 'without shellcheck (not installed)';
  if (res.exitCode === 0) {
    process.stdout.write(`actionlint ${lint.version}: .github clean, ${sc} [${how}]\n`);
    return;
  }
  const why = res.exitCode === 1 ? 'found problems (above)' : `failed with exit ${res.exitCode}`;
  throw new SetupError(`actionlint ${lint.version} ${why} [${how}]`);
}

if (import.meta.main) await runMain('e2e:actionlint', () => main(process.argv.slice(2), process.env));
