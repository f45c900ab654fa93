/**
 * `pnpm e2e:setup` — provisions the stack and writes the stack file.
 * Idempotent: healthy services are reused, dead or stale ones repaired, none duplicated.
 *
 *   --provider host|containers   (env BOXLITE_E2E_PROVIDER, default host)
 *   --target sim|boxlite         (env BOXLITE_E2E_TARGET; services only when unset)
 *   --bugs a,b                   sim bug switches (env BOXLITE_SIM_BUGS)
 *   --quiet                      only the summary line
 */
import { parseCli } from '../../kernel/cli.ts';
import { runMain } from '../../kernel/errors.ts';
import { setupStack } from '../up.ts';

export function parseSetupArgs(argv: string[]) {
  return parseCli(argv, {
    provider: { type: 'string' },
    target: { type: 'string' },
    bugs: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  }).values;
}

if (import.meta.main) {
  await runMain('e2e:setup', async () => {
    const args = parseSetupArgs(process.argv.slice(2));
    const summary = await setupStack({
      overrides: { provider: args.provider, target: args.target },
      bugs: args.bugs,
      quiet: args.quiet,
    });
    process.stdout.write(`${summary}\n`);
  });
}
