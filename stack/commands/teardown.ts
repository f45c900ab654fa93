/**
 * `pnpm e2e:teardown` — stops the stack. Same modes as upstream's teardown.sh:
 *   (none)       stop services; keep data and secrets
 *   --wipe-data  also drop data (database, registry blobs, boxes); keep secrets
 *   --full       also drop secrets (the next setup mints new ones)
 */
import { BOOTSTRAP_OPTIONS, bootstrapConfig } from '../../kernel/config.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { runMain } from '../../kernel/errors.ts';
import { envOnly, type OptionTable, resolveOptions } from '../../kernel/options.ts';
import { type TeardownOptions, teardownStack } from '../down.ts';

export const TEARDOWN_OPTIONS = {
  ...envOnly(BOOTSTRAP_OPTIONS),
  wipeData: { flag: 'wipe-data', type: 'bool', doc: 'also drop data (database, registry blobs, boxes)' },
  full: { flag: 'full', type: 'bool', doc: 'also drop secrets' },
} as const satisfies OptionTable;

export function parseTeardownArgs(argv: readonly string[], env: Env): TeardownOptions {
  const { values } = resolveOptions(TEARDOWN_OPTIONS, argv, env);
  return { config: bootstrapConfig(values), wipeData: values.wipeData || values.full, full: values.full };
}

if (import.meta.main) {
  await runMain('e2e:teardown', async () => {
    process.stdout.write(`${await teardownStack(parseTeardownArgs(process.argv.slice(2), process.env))}\n`);
  });
}
