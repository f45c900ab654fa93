/**
 * `pnpm e2e:teardown` — stops the stack. Same modes as upstream's teardown.sh:
 *   (none)       stop services; keep data and secrets
 *   --wipe-data  also drop data (database, registry blobs, boxes); keep secrets
 *   --full       also drop secrets (the next setup mints new ones)
 */
import { parseCli } from '../../kernel/cli.ts';
import { runMain, UsageError } from '../../kernel/errors.ts';
import { teardownStack } from '../down.ts';

export function parseTeardownArgs(argv: string[]): { wipeData: boolean; full: boolean } {
  try {
    const { values } = parseCli(argv, {
      'wipe-data': { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
    });
    return { wipeData: values['wipe-data'] || values.full, full: values.full };
  } catch (err) {
    throw new UsageError(`${(err as Error).message} (flags: --wipe-data, --full)`);
  }
}

if (import.meta.main) {
  await runMain('e2e:teardown', async () => {
    const mode = parseTeardownArgs(process.argv.slice(2));
    process.stdout.write(`${await teardownStack(mode)}\n`);
  });
}
