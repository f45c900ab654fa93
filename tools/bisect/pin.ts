/**
 * `--pin COMPONENT=REF`: a component built from a fixed ref while another layer is searched.
 * The step's commit gets the pinned paths' trees from the pin ref in a commit of its own
 * (a temporary index: read the step's tree, swap in the pinned subtrees, write, commit with
 * the step as parent). The pinned paths then hash the same at every step, so the recipe's
 * cache builds the pinned component once. The bisect marks the step's own commit.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { SetupError, UsageError } from '../../kernel/errors.ts';

export interface Pin {
  component: string;
  ref: string;
  sha: string;
  /** Checkout-relative paths whose trees come from `sha`. */
  paths: string[];
}

/** `runner=REF` → its parts; anything else is a usage error. */
export function parsePinArg(arg: string): { component: string; ref: string } {
  const m = /^([\w-]+)=(.+)$/.exec(arg);
  if (!m) throw new UsageError(`--pin ${JSON.stringify(arg)}: expected COMPONENT=REF (e.g. runner=main)`);
  return { component: m[1]!, ref: m[2]! };
}

const gitIn =
  (repo: string, env: Record<string, string> = {}) =>
  async (args: string[]) => {
    const res = await execa('git', ['-C', repo, ...args], { reject: false, env });
    if (res.exitCode !== 0)
      throw new SetupError(`git ${args.join(' ')} failed: ${String(res.stderr).trim()}`);
    return String(res.stdout).trim();
  };

/**
 * The commit to test for `sha` with `pins` applied (`sha` itself when there are none), made
 * in `worktree` (the bisect's: a work tree of the repository, whose files the index ops
 * leave alone).
 */
export async function pinnedCommit(worktree: string, sha: string, pins: readonly Pin[]): Promise<string> {
  if (pins.length === 0) return sha;
  const dir = await mkdtemp(join(tmpdir(), 'e2e-bisect-index-'));
  try {
    const git = gitIn(worktree, { GIT_INDEX_FILE: join(dir, 'index') });
    await git(['read-tree', sha]);
    for (const pin of pins)
      for (const path of pin.paths) {
        await git(['rm', '-r', '-q', '-f', '--cached', '--ignore-unmatch', '--', path]);
        const entry = await git(['ls-tree', pin.sha, '--', path]);
        // Absent at the pin ref: absent in the tested tree too.
        const [mode, type, id] = entry.split(/\s+/);
        if (type === 'tree') await git(['read-tree', `--prefix=${path}/`, id!]);
        else if (entry) await git(['update-index', '--add', '--cacheinfo', `${mode},${id},${path}`]);
      }
    const tree = await git(['write-tree']);
    const subject = `bisect: ${sha.slice(0, 10)} with ${pins.map((p) => `${p.component} from ${p.ref}`).join(', ')}`;
    return await gitIn(worktree, {
      GIT_AUTHOR_NAME: 'e2e-bisect',
      GIT_AUTHOR_EMAIL: 'bisect@localhost',
      GIT_COMMITTER_NAME: 'e2e-bisect',
      GIT_COMMITTER_EMAIL: 'bisect@localhost',
    })(['commit-tree', tree, '-p', sha, '-m', subject]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
