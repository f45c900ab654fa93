/**
 * The BoxLite checkout the recipe builds from, and the tree hashes that key its build cache.
 * `--ref` never touches the user's work tree (upstream's two_sided.sh `git checkout`s in place
 * and never restores it): the commit is exported with `git archive` into the cache, and its
 * hashes are `git rev-parse REF:path`. Without `--ref` the work tree is used as it is; a path
 * with uncommitted or untracked changes hashes its diff and new files too, so an edit always
 * invalidates the steps that read it.
 */
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { $ } from 'zx';
import { UsageError } from '../../kernel/errors.ts';

export interface Checkout {
  /** Where the steps run (the work tree, or the exported commit). */
  root: string;
  /** The user's repository. */
  repo: string;
  /** The commit `--ref` named (resolved), or null for the work tree as it is. */
  rev: string | null;
  /** HEAD of the work tree, or `rev`. */
  head: string;
}

/** Entry points the recipe needs; a directory without them is not a BoxLite checkout. */
export const CHECKOUT_ENTRY_POINTS = [
  'rust-toolchain.toml',
  'sdks/c/Cargo.toml',
  'sdks/go',
  'apps/runner/go.mod',
  'apps/runner/cmd/runner',
  'apps/api/src/main.ts',
  'apps/package.json',
] as const;

const git = (cwd: string) => $({ quiet: true, cwd });

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Where `--ref` exports a commit (a plan names it without creating it). */
export const exportDir = (cacheDir: string, rev: string) => join(cacheDir, 'boxlite-stack', 'src', rev);

/** Resolves `path` (+ `ref`) to a checkout; `materialize` false only computes (for `--plan`). */
export async function resolveCheckout(
  path: string,
  ref: string | undefined,
  cacheDir: string,
  materialize = true,
): Promise<Checkout> {
  if (
    !(await stat(path).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    throw new UsageError(`--checkout ${path} is not a directory`);
  const top = await git(path)`git rev-parse --show-toplevel`.then(
    (r) => r.stdout.trim(),
    () => null,
  );
  if (!top) throw new UsageError(`--checkout ${path} is not a git work tree`);
  if (!ref) {
    await requireEntryPoints(top);
    return { root: top, repo: top, rev: null, head: (await git(top)`git rev-parse HEAD`).stdout.trim() };
  }
  const rev = await git(top)`git rev-parse --verify ${`${ref}^{commit}`}`.then(
    (r) => r.stdout.trim(),
    () => null,
  );
  if (!rev) throw new UsageError(`--ref ${ref} is not a commit in ${top}`);
  const root = exportDir(cacheDir, rev);
  if (materialize && !(await exists(join(root, '.boxlite-e2e-export')))) {
    const tmp = `${root}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    await $({ quiet: true, cwd: top })`git archive --format=tar ${rev} | tar -x -C ${tmp}`;
    await $({ quiet: true })`touch ${join(tmp, '.boxlite-e2e-export')}`;
    await rm(root, { recursive: true, force: true });
    await rename(tmp, root);
  }
  if (materialize) await requireEntryPoints(root);
  return { root, repo: top, rev, head: rev };
}

async function requireEntryPoints(root: string): Promise<void> {
  const missing: string[] = [];
  for (const p of CHECKOUT_ENTRY_POINTS) if (!(await exists(join(root, p)))) missing.push(p);
  if (missing.length)
    throw new UsageError(`${root} is not a BoxLite checkout: missing ${missing.join(', ')}`);
}

/**
 * A short hash of `paths` (checkout-relative) as the checkout has them. Clean paths cost one
 * `git rev-parse` each; dirty ones add the diff against HEAD and the untracked files' bytes.
 */
export async function treeHash(c: Checkout, paths: readonly string[]): Promise<string> {
  const h = createHash('sha256');
  const rev = c.rev ?? 'HEAD';
  for (const p of paths) {
    const id = await git(c.repo)`git rev-parse --verify --quiet ${`${rev}:${p}`}`.then(
      (r) => r.stdout.trim(),
      () => 'absent',
    );
    h.update(`${p}\0${id}\0`);
  }
  if (!c.rev && paths.length) {
    const status = (await git(c.repo)`git status --porcelain=v1 --untracked-files=all -- ${paths}`).stdout;
    if (status.trim()) {
      h.update((await git(c.repo)`git diff HEAD --binary -- ${paths}`).stdout);
      for (const line of status.split('\n').filter((l) => l.startsWith('?? '))) {
        const rel = line.slice(3);
        h.update(`${rel}\0`).update(await readFile(join(c.repo, rel)).catch(() => Buffer.alloc(0)));
      }
    }
  }
  return h.digest('hex').slice(0, 16);
}
