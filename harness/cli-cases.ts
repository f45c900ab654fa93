/**
 * Which case files need a build: the real `boxlite` CLI, or the C and Go SDK drivers. `pnpm e2e`
 * builds what is not cached in the background of the case run (harness/builds/); a file that
 * needs one waits for it before it runs, never inside a test's timeout. Workers only ever look
 * the products up (fixtures/cli.ts).
 */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { REPO_ROOT } from '../kernel/paths.ts';
import type { BuildName } from './builds/state.ts';

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

/** The builds a case file needs, by its name. */
export function buildsFor(file: string): BuildName[] {
  const name = basename(file);
  const out: BuildName[] = [];
  if (CLI_CASE_FILE.test(name)) out.push('cli');
  if (SDK_DRIVER_CASE_FILE.test(name)) out.push('sdk-drivers');
  return out;
}
