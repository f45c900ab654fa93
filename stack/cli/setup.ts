/**
 * `pnpm e2e:setup` — provisions the stack and writes the stack file.
 * Idempotent: healthy services are reused, dead or stale ones repaired, none duplicated.
 *
 *   --provider host|containers   (env BOXLITE_E2E_PROVIDER, default host)
 *   --target sim|boxlite|serve   (env BOXLITE_E2E_TARGET; services only when unset)
 *   --cli-bin / --cli-version    target serve: the `boxlite` binary it runs (bootstrap/cli-binary)
 *   --bugs a,b                   sim bug switches (env BOXLITE_SIM_BUGS); any switch implies the sim
 *   --quiet                      only the summary line
 */
import { CLI_BINARY_OPTIONS, cliBinarySpec } from '../../bootstrap/cli-binary/options.ts';
import { BOOTSTRAP_OPTIONS, bootstrapConfig } from '../../kernel/config.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { runMain } from '../../kernel/errors.ts';
import { type OptionTable, resolveOptions } from '../../kernel/options.ts';
import { SIM_BUGS_OPTION } from '../../sim/bugs.ts';
import { type SetupOptions, setupStack } from '../up.ts';

export const SETUP_OPTIONS = {
  ...BOOTSTRAP_OPTIONS,
  ...CLI_BINARY_OPTIONS,
  bugs: SIM_BUGS_OPTION,
  quiet: { flag: 'quiet', type: 'bool', doc: 'only the summary line' },
} as const satisfies OptionTable;

export function parseSetupArgs(argv: readonly string[], env: Env): SetupOptions {
  const { values } = resolveOptions(SETUP_OPTIONS, argv, env);
  return {
    config: bootstrapConfig(values),
    bugs: values.bugs,
    quiet: values.quiet,
    cli: cliBinarySpec(values),
  };
}

if (import.meta.main) {
  await runMain('e2e:setup', async () => {
    const summary = await setupStack(parseSetupArgs(process.argv.slice(2), process.env));
    process.stdout.write(`${summary}\n`);
  });
}
