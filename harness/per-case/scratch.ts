/**
 * Host directories cases write into (an exported box archive, say): one root per run under
 * the system temp dir, one directory per use. The `scratch` fixture removes each after its
 * test; the end-of-run leftovers check names whatever is still under the root.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const scratchRoot = (namePrefix: string) => join(tmpdir(), `boxlite-e2e-scratch-${namePrefix}`);

export async function makeScratch(namePrefix: string): Promise<string> {
  const root = scratchRoot(namePrefix);
  await mkdir(root, { recursive: true });
  return mkdtemp(join(root, 'case-'));
}

/** What is left under the run's root (the root itself goes once empty). */
export async function scratchLeft(namePrefix: string): Promise<string[]> {
  const root = scratchRoot(namePrefix);
  const left = await readdir(root).catch(() => [] as string[]);
  if (left.length === 0) await rm(root, { recursive: true, force: true });
  return left.map((entry) => join(root, entry));
}
