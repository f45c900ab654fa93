/**
 * The CLI binary's settings, as an option table entry points spread into their own (`pnpm
 * e2e:cli`, `pnpm e2e`, the cases' global setup) so all of them read the same variables the
 * same way. Precedence: a named binary, then a checkout, then crates.io at the pinned version.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { OptionTable, Resolved } from '../../kernel/options.ts';
import { BOXLITE_CLI_VERSION, type CliBinarySpec } from './spec.ts';

export const CLI_BINARY_OPTIONS = {
  cliBin: {
    flag: 'cli-bin',
    env: 'BOXLITE_E2E_CLI_BIN',
    type: 'path',
    doc: 'use this boxlite CLI binary as is (no build)',
  },
  cliCheckout: {
    flag: 'cli-checkout',
    env: 'BOXLITE_E2E_CLI_CHECKOUT',
    type: 'path',
    doc: 'build the CLI from this BoxLite checkout (cargo build -p boxlite-cli, real native deps)',
  },
  cliVersion: {
    flag: 'cli-version',
    env: 'BOXLITE_E2E_CLI_VERSION',
    type: 'string',
    default: BOXLITE_CLI_VERSION,
    doc: 'boxlite-cli version to install from crates.io when no checkout is given',
  },
  cacheDir: {
    flag: 'cache-dir',
    env: 'BOXLITE_E2E_CACHE_DIR',
    type: 'path',
    default: join(homedir(), '.cache', 'boxlite-e2e'),
    doc: 'machine-wide cache shared by every clone (CLI builds, cargo target dir)',
  },
} as const satisfies OptionTable;

export type CliBinaryOptions = Resolved<typeof CLI_BINARY_OPTIONS>;

export function cliBinarySpec(o: CliBinaryOptions): CliBinarySpec {
  const source: CliBinarySpec['source'] = o.cliBin
    ? { kind: 'binary', path: o.cliBin }
    : o.cliCheckout
      ? { kind: 'checkout', dir: o.cliCheckout }
      : { kind: 'crates', version: o.cliVersion };
  return { cacheRoot: o.cacheDir, source };
}

/** The same choice as environment, for a child process that resolves these options itself. */
export function cliBinaryEnv(o: CliBinaryOptions): Record<string, string> {
  const env: Record<string, string> = { BOXLITE_E2E_CACHE_DIR: o.cacheDir };
  if (o.cliBin) env.BOXLITE_E2E_CLI_BIN = o.cliBin;
  else if (o.cliCheckout) env.BOXLITE_E2E_CLI_CHECKOUT = o.cliCheckout;
  else env.BOXLITE_E2E_CLI_VERSION = o.cliVersion;
  return env;
}
