/**
 * `pnpm e2e:setup` — provisions the stack and writes the stack file.
 * Idempotent: healthy services are reused, dead or stale ones repaired, none duplicated.
 *
 *   --provider host|containers   (env BOXLITE_E2E_PROVIDER, default host)
 *   --target sim|boxlite|serve   (env BOXLITE_E2E_TARGET; services only when unset)
 *   --cli-bin / --cli-version    target serve: the `boxlite` binary it runs (bootstrap/cli-binary)
 *   --checkout PATH [--ref REF]  target boxlite: build and run that BoxLite checkout's API and runner
 *   --native-deps source|stub    libboxlite's native deps (default: stub when a submodule is absent)
 *   --oidc-issuer URL            the API's OIDC issuer (default: a local discovery document)
 *   --plan [--plan-json]         print the recipe's steps and commands for --checkout; run nothing
 *   --bugs a,b                   sim bug switches (env BOXLITE_SIM_BUGS); any switch implies the sim
 *   --quiet                      only the summary line
 */
import { planBoxliteStack } from '../../bootstrap/boxlite-recipe/index.ts';
import { hostTools } from '../../bootstrap/boxlite-recipe/lifecycle.ts';
import { BOXLITE_STACK_OPTIONS, boxliteChoice } from '../../bootstrap/boxlite-recipe/options.ts';
import { CLI_BINARY_OPTIONS, cliBinarySpec } from '../../bootstrap/cli-binary/options.ts';
import { BOOTSTRAP_OPTIONS, bootstrapConfig } from '../../kernel/config.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { runMain, UsageError } from '../../kernel/errors.ts';
import { type OptionTable, resolveOptions } from '../../kernel/options.ts';
import { statePaths } from '../../kernel/paths.ts';
import { readStackFile } from '../../kernel/stack-file.ts';
import { SIM_BUGS_OPTION } from '../../sim/bugs.ts';
import { type SetupOptions, setupStack } from '../up.ts';

export const SETUP_OPTIONS = {
  ...BOOTSTRAP_OPTIONS,
  ...CLI_BINARY_OPTIONS,
  ...BOXLITE_STACK_OPTIONS,
  bugs: SIM_BUGS_OPTION,
  quiet: { flag: 'quiet', type: 'bool', doc: 'only the summary line' },
} as const satisfies OptionTable;

export interface ParsedSetup extends SetupOptions {
  /** `--plan` / `--plan-json`: print the recipe instead of running it. */
  plan: 'text' | 'json' | null;
}

export function parseSetupArgs(argv: readonly string[], env: Env): ParsedSetup {
  const { values } = resolveOptions(SETUP_OPTIONS, argv, env);
  const config = bootstrapConfig(values);
  const plan = values.planJson ? 'json' : values.plan ? 'text' : null;
  if ((plan || values.ref) && !values.checkout) throw new UsageError('--plan and --ref need --checkout PATH');
  if (values.checkout && config.target !== 'boxlite')
    throw new UsageError('--checkout builds target boxlite: add --target boxlite');
  return {
    config,
    bugs: values.bugs,
    quiet: values.quiet,
    cli: cliBinarySpec(values),
    plan,
    ...(values.checkout ? { boxlite: boxliteChoice(values, env)! } : {}),
  };
}

if (import.meta.main) {
  await runMain('e2e:setup', async () => {
    const parsed = parseSetupArgs(process.argv.slice(2), process.env);
    if (parsed.plan && parsed.boxlite) {
      const paths = statePaths(parsed.config.stateDir);
      const previous = await readStackFile(paths.stackFile).catch(() => null);
      const { toolEnv, ...choices } = parsed.boxlite;
      const text = await planBoxliteStack({
        ...choices,
        host: hostTools(parsed.config.searchPath, toolEnv),
        paths,
        previous,
        json: parsed.plan === 'json',
      });
      process.stdout.write(`${text}\n`);
      return;
    }
    const summary = await setupStack(parsed);
    process.stdout.write(`${summary}\n`);
  });
}
