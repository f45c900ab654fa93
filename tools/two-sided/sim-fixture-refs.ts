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

export async function makeSimFixtureRefs(dir: string, source = REPO_ROOT): Promise<SimFixtureRefs> {
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
  const path = join(dir, FILE);
  const original = await readFile(path, 'utf8');
  if (!original.includes(SWITCH)) throw new Error(`${FILE} no longer has ${SWITCH}; update the fixture`);
  await git('tag', 'good');
  await writeFile(path, original.replace(SWITCH, 'if (true)'));
  await git(
    'commit',
    '--quiet',
    '-am',
    'sim: a malformed bearer token answers 500 (introduces bad-token-500)',
  );
  await git('tag', 'buggy');
  await writeFile(path, original);
  await git(
    'commit',
    '--quiet',
    '-am',
    'sim: a malformed bearer token answers 401 again (fixes bad-token-500)',
  );
  await git('tag', 'fixed');
  await writeFile(
    join(dir, 'stack/commands/setup.ts'),
    "process.stderr.write('setup broken on purpose\\n');\nprocess.exit(1);\n",
  );
  await git('commit', '--quiet', '-am', 'stack: setup fails (a side that cannot come up)');
  await git('tag', 'broken');
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
