/**
 * Writes the BoxLite-shaped fake checkout (files.ts) into a directory and commits it
 * in a fresh git repo, so the recipe sees what it sees on a real clone: a work tree, HEAD, and
 * tree hashes per path. Test helper: nothing in the recipe imports it.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { $ } from 'zx';
import { fakeCheckoutFiles } from './files.ts';

export interface FakeCheckout {
  root: string;
  head: string;
}

/** The `go` line for the fixture modules: the installed Go's major.minor, so no download is needed. */
export async function localGoLine(): Promise<string> {
  const out = (await $({ quiet: true, cwd: '/tmp' })`env GOTOOLCHAIN=local go version`).stdout;
  const m = /go(\d+)\.(\d+)/.exec(out);
  if (!m) throw new Error(`cannot read the Go version from ${JSON.stringify(out.trim())}`);
  return `${m[1]}.${m[2]}`;
}

export async function writeFakeCheckout(root: string): Promise<FakeCheckout> {
  const files = fakeCheckoutFiles(await localGoLine());
  for (const [rel, { text, mode }] of Object.entries(files)) {
    const path = join(root, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    if (mode) await chmod(path, mode);
  }
  const git = $({ quiet: true, cwd: root });
  await git`git init -q -b main`;
  await git`git add -A`;
  await git`git -c user.name=fixture -c user.email=fixture@example.invalid commit -q -m fixture`;
  const head = (await git`git rev-parse HEAD`).stdout.trim();
  return { root, head };
}

/** Commits a change to one file (tests of cache invalidation). */
export async function commitFakeChange(root: string, rel: string, text: string): Promise<string> {
  await writeFile(join(root, rel), text);
  const git = $({ quiet: true, cwd: root });
  await git`git add -A`;
  await git`git -c user.name=fixture -c user.email=fixture@example.invalid commit -q -m change`;
  return (await git`git rev-parse HEAD`).stdout.trim();
}
