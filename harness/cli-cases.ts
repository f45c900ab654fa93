/**
 * Which case files need the real `boxlite` CLI. `pnpm e2e` provides the binary before vitest
 * starts when one of them is selected: a cold build takes ~16 min, which must happen in the
 * foreground with its progress visible, not inside a test's timeout. Workers only ever look
 * the binary up (fixtures/cli.ts).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../kernel/paths.ts';

/** Case files that drive the CLI: cases/cli*.test.ts and the cross-driver family. */
export const CLI_CASE_FILE = /^(cli[^/]*|cross-driver)\.test\.ts$/;

/**
 * Whether a run with these file filters selects a CLI case. vitest treats a filter as a
 * substring of the file path; no filter means every case file.
 */
export async function selectsCliCases(
  filters: readonly string[],
  casesDir = join(REPO_ROOT, 'cases'),
): Promise<boolean> {
  return selectsCases(filters, CLI_CASE_FILE, casesDir);
}

/** Case files that drive the C and Go SDK drivers (bootstrap/sdk-shim builds them). */
export const SDK_DRIVER_CASE_FILE = /^(sdk-c|sdk-go|cross-driver)\.test\.ts$/;

/** Whether a run with these file filters selects a case file matching `pattern`. */
export async function selectsCases(
  filters: readonly string[],
  pattern: RegExp,
  casesDir = join(REPO_ROOT, 'cases'),
): Promise<boolean> {
  if (filters.length === 0) return true;
  const files = (await readdir(casesDir)).filter((f) => pattern.test(f)).map((f) => join(casesDir, f));
  return files.some((f) => filters.some((p) => f.includes(p.replace(/^\.\//, ''))));
}
