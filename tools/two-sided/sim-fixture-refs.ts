/**
 * Refs that differ only in a sim bug, for proving two-sided mode on the sim target: a shared
 * clone of this harness repo with three tagged commits — `good` (its HEAD), `buggy` (the sim
 * answers a malformed bearer token with 500: ledger bug bad-token-500, on by default) and
 * `fixed` (the fix, back to good behaviour). good→buggy must show `regressed`, buggy→fixed
 * `fixed`, for the cases that claim bad-token-500. A fourth, `broken`, has a setup that
 * fails: a side that cannot come up (an infrastructure failure, exit 3).
 *
 *   node tools/two-sided/sim-fixture-refs.ts DIR    makes the clone in DIR and prints it
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../../kernel/paths.ts';

export const FIXTURE_BUG = 'bad-token-500';
const FILE = 'sim/api/auth.ts';
const SWITCH = "if (bugs.has('bad-token-500'))";

export interface SimFixtureRefs {
  repo: string;
  good: string;
  buggy: string;
  fixed: string;
  broken: string;
  bug: typeof FIXTURE_BUG;
}

/** A commit's edits: path → new text, or a function of the current text. */
export type FixtureEdits = Record<string, string | ((text: string) => string)>;

/** The sim's auth with the bug switched on for good (`on`) or as shipped. */
export const authWithBug = (on: boolean) => (text: string) => {
  if (!text.includes(SWITCH)) throw new Error(`${FILE} no longer has ${SWITCH}; update the fixture`);
  return on ? text.replace(SWITCH, 'if (true)') : text;
};
export const AUTH_FILE = FILE;
export const SETUP_FILE = 'stack/commands/setup.ts';
export const BROKEN_SETUP = "process.stderr.write('setup broken on purpose\\n');\nprocess.exit(1);\n";

/**
 * A shared clone of `source` in `dir` and a way to commit edits to it (each from the clean
 * source text, so an edit can also restore); answers `commit` and `tag`.
 */
export async function fixtureClone(dir: string, source = REPO_ROOT) {
  await execa('git', ['clone', '--quiet', '--shared', source, dir]);
  const git = (...args: string[]) =>
    execa('git', [
      '-C',
      dir,
      '-c',
      'user.name=two-sided fixture',
      '-c',
      'user.email=fixture@localhost',
      ...args,
    ]);
  const original = new Map<string, string>();
  const commit = async (message: string, edits: FixtureEdits) => {
    for (const [rel, edit] of Object.entries(edits)) {
      const path = join(dir, rel);
      if (!original.has(rel)) original.set(rel, await readFile(path, 'utf8'));
      await writeFile(path, typeof edit === 'string' ? edit : edit(original.get(rel)!));
    }
    await git('commit', '--quiet', '--allow-empty', '-am', message);
    return String((await git('rev-parse', 'HEAD')).stdout).trim();
  };
  const tag = (name: string) => git('tag', name).then(() => undefined);
  return { commit, tag };
}

export async function makeSimFixtureRefs(dir: string, source = REPO_ROOT): Promise<SimFixtureRefs> {
  const { commit, tag } = await fixtureClone(dir, source);
  await tag('good');
  await commit('sim: a malformed bearer token answers 500 (introduces bad-token-500)', {
    [FILE]: authWithBug(true),
  });
  await tag('buggy');
  await commit('sim: a malformed bearer token answers 401 again (fixes bad-token-500)', {
    [FILE]: authWithBug(false),
  });
  await tag('fixed');
  await commit('stack: setup fails (a side that cannot come up)', { [SETUP_FILE]: BROKEN_SETUP });
  await tag('broken');
  return { repo: dir, good: 'good', buggy: 'buggy', fixed: 'fixed', broken: 'broken', bug: FIXTURE_BUG };
}

if (import.meta.main) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node tools/two-sided/sim-fixture-refs.ts DIR\n');
    process.exitCode = 2;
  } else {
    const refs = await makeSimFixtureRefs(dir);
    process.stdout.write(`${refs.repo}: refs ${refs.good} → ${refs.buggy} → ${refs.fixed} (${refs.bug})\n`);
  }
}
