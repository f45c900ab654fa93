/**
 * The identity of a build's inputs, which decides whether a cached build still answers: a hash
 * over the files compiled (path and content), and a checkout's commit plus its uncommitted diff.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';

export const shortHash = (s: string, n = 12) => createHash('sha256').update(s).digest('hex').slice(0, n);

/** Files under `dir` whose name matches `keep`, sorted (none when `dir` is missing). */
export async function filesUnder(dir: string, keep: RegExp): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && keep.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** sha256 over (path, content) of every file; `extra` folds in e.g. a command line or a commit. */
export async function contentHash(files: readonly string[], extra = ''): Promise<string> {
  const h = createHash('sha256').update(extra);
  for (const f of files)
    h.update(relative(REPO_ROOT, f))
      .update('\0')
      .update(await readFile(f))
      .update('\0');
  return h.digest('hex');
}

/** `<commit>`, or `<commit>+dirty-<hash of the diff>`: an edit is a new build (cargo makes it incremental). */
export async function checkoutRef(dir: string): Promise<string> {
  const head = await execa('git', ['-C', dir, 'rev-parse', 'HEAD'], { reject: false });
  if (head.failed)
    throw new SetupError(`${dir} is not a git checkout of BoxLite (git rev-parse HEAD failed)`);
  const diff = await execa('git', ['-C', dir, 'diff', 'HEAD'], { reject: false, maxBuffer: 1 << 28 });
  const d = diff.stdout.trim();
  return d ? `${head.stdout.trim()}+dirty-${shortHash(d)}` : head.stdout.trim();
}
