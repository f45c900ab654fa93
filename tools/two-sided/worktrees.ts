/**
 * Git worktrees for the two sides. `git worktree add --detach` checks a commit out in a new
 * directory and leaves the user's working tree (and index, and HEAD) alone; removal is forced
 * (a side may leave build output behind) and followed by a prune, so no registration lingers.
 */
import { execa } from 'execa';
import { SetupError, UsageError } from '../../kernel/errors.ts';

export interface SideCheckout {
  /** The ref as the user wrote it. */
  ref: string;
  sha: string;
  path: string;
}

const git = (checkout: string, args: string[], signal?: AbortSignal) =>
  execa('git', ['-C', checkout, ...args], { reject: false, cancelSignal: signal });

/** The commit a ref names in `checkout`; an unknown ref or a non-repository is a usage error. */
export async function resolveRef(checkout: string, ref: string): Promise<string> {
  const top = await git(checkout, ['rev-parse', '--show-toplevel']);
  if (top.exitCode !== 0) throw new UsageError(`--checkout ${checkout} is not a git checkout`);
  const res = await git(checkout, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (res.exitCode !== 0) throw new UsageError(`ref ${JSON.stringify(ref)} is not a commit in ${checkout}`);
  return String(res.stdout).trim();
}

export async function addWorktree(checkout: string, sha: string, path: string, signal?: AbortSignal) {
  const res = await git(checkout, ['worktree', 'add', '--detach', path, sha], signal);
  if (res.exitCode !== 0)
    throw new SetupError(`git worktree add ${path} ${sha} failed: ${String(res.stderr).trim()}`);
}

/** Idempotent: a worktree that is already gone only gets pruned. */
export async function removeWorktree(checkout: string, path: string): Promise<void> {
  await git(checkout, ['worktree', 'remove', '--force', '--force', path]);
  await git(checkout, ['worktree', 'prune']);
}

/** Paths of the checkout's registered worktrees (the main one first). */
export async function listWorktrees(checkout: string): Promise<string[]> {
  const res = await git(checkout, ['worktree', 'list', '--porcelain']);
  return String(res.stdout)
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length));
}
