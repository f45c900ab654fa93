/**
 * History of this harness repo for a bisect with real stack steps (target sim): a shared
 * clone with, after its HEAD (`good`),
 *   1 docs · 2 setup fails (a step that cannot come up) · 3 setup mended · 4 docs ·
 *   5 the sim answers a malformed bearer token with 500 (ledger bug bad-token-500)
 * A search of good..5 tests 2 first (git's midpoint): it is skipped, and 5 is still found.
 */
import { REPO_ROOT } from '../../kernel/paths.ts';
import {
  AUTH_FILE,
  authWithBug,
  BROKEN_SETUP,
  FIXTURE_BUG,
  fixtureClone,
  SETUP_FILE,
} from '../two-sided/sim-fixture-refs.ts';

export interface SimHistory {
  repo: string;
  /** The commits after `good`, in order (1..5 above at 0..4). */
  commits: string[];
  bug: typeof FIXTURE_BUG;
}

export async function makeSimHistory(dir: string, source = REPO_ROOT): Promise<SimHistory> {
  const { commit, tag } = await fixtureClone(dir, source);
  await tag('good');
  const docs = (n: number) => ({ 'README.md': (t: string) => `${t}\n<!-- fixture ${n} -->\n` });
  const commits = [
    await commit('docs: one', docs(1)),
    await commit('stack: setup fails', { [SETUP_FILE]: BROKEN_SETUP }),
    await commit('stack: setup mended', { [SETUP_FILE]: (t: string) => t }),
    await commit('docs: two', docs(2)),
    await commit('sim: a malformed bearer token answers 500', { [AUTH_FILE]: authWithBug(true) }),
  ];
  return { repo: dir, commits, bug: FIXTURE_BUG };
}
