/**
 * A generated git history for bisect tests, no stack needed: a file `state` says what a build
 * of each commit does — `ok` (the case passes), `bug` (it fails), `broken` (it does not
 * build) — and `runner/version` stands for a component that can be pinned. Commits in order:
 *   0 ok (v1) · 1 docs · 2 docs · 3 broken · 4 ok again · 5 bug, runner v2 · 6 docs · 7 docs ·
 *   8 ok: the fix, and `api/lock` tracked from here on · 9 docs
 * So the bug came in at 5 and went at 8; commit 3 cannot be built (and is where a search of
 * 0..7 looks first).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { StepProbe, StepResult } from './probe.ts';

type Change = Record<string, string>;

const HISTORY: [string, Change][] = [
  ['start: ok', { state: 'ok', 'runner/version': 'v1', 'docs/notes': '0' }],
  ['docs: one', { 'docs/notes': '1' }],
  ['docs: two', { 'docs/notes': '2' }],
  ['build broken', { state: 'broken' }],
  ['build mended', { state: 'ok' }],
  ['api: the bug, runner v2', { state: 'bug', 'runner/version': 'v2' }],
  ['docs: three', { 'docs/notes': '3' }],
  ['docs: four', { 'docs/notes': '4' }],
  ['api: the fix, a lockfile recorded', { state: 'ok', 'api/lock': 'recorded' }],
  ['docs: five', { 'docs/notes': '5' }],
];

/** Makes the history in `dir`; answers the commits in order. */
export async function writeHistory(dir: string): Promise<string[]> {
  const git = (...args: string[]) =>
    execa('git', ['-C', dir, '-c', 'user.name=fixture', '-c', 'user.email=fixture@localhost', ...args]);
  await mkdir(dir, { recursive: true });
  await git('init', '-q', '-b', 'main');
  const shas: string[] = [];
  for (const [subject, change] of HISTORY) {
    for (const [rel, text] of Object.entries(change)) {
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      await writeFile(join(dir, rel), `${text}\n`);
    }
    await git('add', '-A');
    await git('commit', '-q', '-m', subject);
    shas.push(String((await git('rev-parse', 'HEAD')).stdout).trim());
  }
  return shas;
}

export interface Seen {
  state: string;
  runner: string;
}

/** Tests a step by reading `state`; records what each step saw. `onTest` runs first (a test's hook). */
export function stateProbe(seen: Seen[], onTest?: (n: number) => void): StepProbe & { cleanups: number } {
  const probe = {
    cleanups: 0,
    async cleanup() {
      probe.cleanups++;
    },
    async test(worktree: string): Promise<StepResult> {
      const read = (rel: string) => readFile(join(worktree, rel), 'utf8').then((t) => t.trim());
      const s: Seen = { state: await read('state'), runner: await read('runner/version') };
      seen.push(s);
      onTest?.(seen.length);
      const ms = { up: 0, cases: 0, down: 0 };
      const cases = [{ id: 'fixture > the case', status: s.state === 'ok' ? 'passed' : 'failed' }] as const;
      if (s.state === 'broken')
        return { verdict: 'skip', reason: 'cannot build or start: broken', cases: [], ms };
      return s.state === 'ok'
        ? { verdict: 'pass', reason: 'passed', cases: [cases[0]], ms }
        : { verdict: 'fail', reason: 'failed: fixture > the case', cases: [cases[0]], ms };
    },
  };
  return probe;
}
