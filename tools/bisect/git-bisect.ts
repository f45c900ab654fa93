/**
 * `git bisect` driven one step at a time in a worktree of its own: start with the terms of
 * the search (a regression: good/bad; a fix: broken/fixed), mark each tested commit, read
 * where git stands. Bisect state lives in the worktree's own git dir, so the user's checkout,
 * its HEAD and any bisect of its own are untouched.
 */
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';

export interface Terms {
  /** The term of the commits before the change (git's `--term-old`). */
  old: string;
  /** The term of the commits from the change on (`--term-new`). */
  new: string;
}

/** Where the search stands after a start or a mark. */
export type BisectState =
  | { kind: 'testing'; sha: string }
  | { kind: 'found'; sha: string }
  /** Only skipped commits are left: the change is one of these. */
  | { kind: 'ambiguous'; candidates: string[] };

export type Mark = 'old' | 'new' | 'skip';

const SHA = /\b[0-9a-f]{40}\b/g;

async function git(worktree: string, args: string[]) {
  const res = await execa('git', ['-C', worktree, ...args], { reject: false, all: true });
  return { code: res.exitCode ?? 1, out: String(res.all ?? '') };
}

/** git's words after a start or a mark → the state; anything else is git failing. */
export function parseBisectOutput(out: string, terms: Terms): BisectState | null {
  const found = new RegExp(`^([0-9a-f]{40}) is the first ${terms.new} commit`, 'm').exec(out);
  if (found) return { kind: 'found', sha: found[1]! };
  if (/only 'skip'ped commits left to test/.test(out)) {
    const list = out.slice(out.indexOf('could be any of'));
    return { kind: 'ambiguous', candidates: [...new Set(list.match(SHA) ?? [])] };
  }
  return null;
}

export class GitBisect {
  readonly worktree: string;
  readonly terms: Terms;

  constructor(worktree: string, terms: Terms) {
    this.worktree = worktree;
    this.terms = terms;
  }

  /** Built-in terms stay built-in (git refuses `good` as a custom new term and the like). */
  private termArgs(): string[] {
    if (this.terms.old === 'good' && this.terms.new === 'bad') return [];
    return [`--term-old=${this.terms.old}`, `--term-new=${this.terms.new}`];
  }

  async start(newSha: string, oldSha: string, paths: readonly string[]): Promise<BisectState> {
    // --no-checkout: git names the next commit (BISECT_HEAD) and the step checks it out with
    // --force, so a file a step left untracked never blocks the next checkout.
    const args = ['bisect', 'start', '--no-checkout', ...this.termArgs(), newSha, oldSha];
    return this.after(await git(this.worktree, paths.length ? [...args, '--', ...paths] : args), 'start');
  }

  async mark(sha: string, mark: Mark): Promise<BisectState> {
    const word = mark === 'skip' ? 'skip' : this.terms[mark];
    return this.after(await git(this.worktree, ['bisect', word, sha]), word);
  }

  /** Bisect state off. */
  async reset(): Promise<void> {
    await git(this.worktree, ['bisect', 'reset']);
  }

  private async after(res: { code: number; out: string }, what: string): Promise<BisectState> {
    const parsed = parseBisectOutput(res.out, this.terms);
    if (parsed) return parsed;
    if (res.code !== 0)
      throw new SetupError(`git bisect ${what} failed: ${res.out.trim().split('\n').slice(-2).join(' | ')}`);
    const next = await git(this.worktree, ['rev-parse', 'BISECT_HEAD']);
    return { kind: 'testing', sha: next.out.trim() };
  }
}

/** One line about a commit: its subject. */
export async function subjectOf(repo: string, sha: string): Promise<string> {
  return (await git(repo, ['log', '-1', '--format=%s', sha])).out.trim();
}

export async function isAncestor(repo: string, a: string, b: string): Promise<boolean> {
  return (await git(repo, ['merge-base', '--is-ancestor', a, b])).code === 0;
}
