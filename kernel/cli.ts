/** Shared CLI argument parsing: strict, one-line usage errors, tolerant of pnpm's `--`. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCli<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  // `pnpm run x -- --flag` hands the script a literal `--` first.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
