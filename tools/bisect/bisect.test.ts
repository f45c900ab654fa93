/**
 * The bisect driver over a generated history (history-fixture.ts): the real `git bisect` in a
 * worktree, the step probe reading what each commit "builds". A regression and a fix are both
 * found, an unbuildable step is skipped with its reason, --paths narrows the candidates,
 * --pin builds every step with the pinned component, wrong ends are refused, and SIGINT
 * restores the checkout.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listWorktrees } from '../two-sided/worktrees.ts';
import { parseBisectOutput } from './git-bisect.ts';
import { type Seen, stateProbe, writeHistory } from './history-fixture.ts';
import { BISECT_EXIT } from './record.ts';
import { renderBisectSummary } from './report.ts';
import { type BisectOptions, runBisect } from './run.ts';

let tmp: string;
let repo: string;
let c: string[];
let runs = 0;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'e2e-bisect-'));
  repo = join(tmp, 'repo');
  c = await writeHistory(repo);
}, 60_000);
afterAll(() => rm(tmp, { recursive: true, force: true }));

function options(seen: Seen[], over: Partial<BisectOptions> = {}): BisectOptions {
  runs++;
  return {
    checkout: repo,
    good: c[0]!,
    bad: c[7]!,
    selection: { cases: [], grep: null, claim: null },
    paths: [],
    pins: [],
    pinPaths: async () => ['runner'],
    stepHook: null,
    checkEnds: true,
    probe: stateProbe(seen),
    target: 'fixture',
    runId: `test-${runs}`,
    workDir: join(tmp, `work-${runs}`),
    log: () => {},
    ...over,
  };
}

const git = async (...args: string[]) => String((await execa('git', ['-C', repo, ...args])).stdout).trim();

/** The user's checkout as it was: same HEAD, clean, no other worktree, no bisect of its own. */
async function expectUntouched(workDir: string) {
  expect(await git('rev-parse', 'HEAD')).toBe(c.at(-1));
  expect(await git('status', '--porcelain')).toBe('');
  expect(await listWorktrees(repo)).toEqual([repo]);
  expect(existsSync(join(repo, '.git', 'BISECT_START'))).toBe(false);
  expect(existsSync(workDir)).toBe(false);
}

// Each test runs a whole bisect: a few dozen git processes, slow on a loaded host.
describe('bisect over a generated history', { timeout: 60_000 }, () => {
  test('a regression: the first bad commit, its subject, both sides; the unbuildable step skipped', async () => {
    const seen: Seen[] = [];
    const o = options(seen);
    const r = await runBisect(o);
    expect(r.exitCode, r.error ?? '').toBe(BISECT_EXIT.found);
    expect(r.direction).toBe('regression');
    expect(r.first).toEqual({ sha: c[5], subject: 'api: the bug, runner v2', outcome: 'fail' });
    expect(r.before).toMatchObject({ sha: c[4], outcome: 'pass' });
    const skipped = r.steps.filter((s) => s.mark === 'skip');
    expect(skipped.map((s) => s.sha)).toEqual([c[3]]);
    expect(skipped[0]!.result.reason).toBe('cannot build or start: broken');
    expect(r.steps.slice(0, 2).map((s) => [s.stage, s.result.verdict])).toEqual([
      ['good end', 'pass'],
      ['bad end', 'fail'],
    ]);
    expect(renderBisectSummary(r)).toContain('first bad commit');
    await expectUntouched(o.workDir);
  });

  test('a fix (good is newer): the first fixed commit, with fix terms', async () => {
    const r = await runBisect(options([], { good: c[9]!, bad: c[5]! }));
    expect(r.exitCode, r.error ?? '').toBe(BISECT_EXIT.found);
    expect(r.direction).toBe('fix');
    expect(r.terms).toEqual({ old: 'broken', new: 'fixed' });
    expect(r.first).toMatchObject({
      sha: c[8],
      subject: 'api: the fix, a lockfile recorded',
      outcome: 'pass',
    });
    expect(r.before).toMatchObject({ outcome: 'fail' });
  });

  test('--paths: only commits touching them are tested', async () => {
    const r = await runBisect(options([], { paths: ['state'], checkEnds: false }));
    expect(r.first?.sha).toBe(c[5]);
    const touching = new Set([c[3], c[4], c[5]]);
    expect(r.steps.length).toBeGreaterThan(0);
    for (const s of r.steps) expect(touching.has(s.sha), s.subject).toBe(true);
  });

  test('--pin: every step builds the pinned component; the step commit is what is marked', async () => {
    const seen: Seen[] = [];
    const r = await runBisect(options(seen, { pins: [{ component: 'runner', ref: c[0]! }] }));
    expect(r.first?.sha).toBe(c[5]);
    expect(seen.map((s) => s.runner)).toEqual(seen.map(() => 'v1'));
    expect(r.pins).toEqual([{ component: 'runner', ref: c[0], sha: c[0], paths: ['runner'] }]);
    const pinnedStep = r.steps.find((s) => s.sha === c[7])!;
    expect(pinnedStep.tested).not.toBe(c[7]);
    expect(await git('rev-parse', `${pinnedStep.tested}^`)).toBe(c[7]);
  });

  test('ends that do not differ: no search, exit 4', async () => {
    const r = await runBisect(options([], { good: c[5]!, bad: c[7]! }));
    expect(r.exitCode).toBe(BISECT_EXIT.endsDisagree);
    expect(r.error).toContain(`--good ${c[5]} is fail`);
    expect(r.steps.every((s) => s.stage !== 'bisect')).toBe(true);
  });

  test('a step hook that fails skips the step with its reason', async () => {
    const hook = 'if grep -q broken state; then echo "lockfile fix does not apply"; exit 1; fi';
    const r = await runBisect(options([], { stepHook: hook, checkEnds: false }));
    expect(r.first?.sha).toBe(c[5]);
    expect(r.steps.find((s) => s.sha === c[3])?.result.reason).toBe(
      'step hook failed (exit 1): lockfile fix does not apply',
    );
  });

  test('a file a step hook leaves untracked does not block a later commit that tracks it', async () => {
    const hook = 'test -f api/lock || { mkdir -p api && echo from-hook > api/lock; }';
    const r = await runBisect(options([], { good: c[9]!, bad: c[5]!, stepHook: hook }));
    expect(r.exitCode, r.error ?? '').toBe(BISECT_EXIT.found);
    expect(r.first?.sha).toBe(c[8]);
  });

  test('SIGINT during a step: exit 130, the stack cleanup ran, the checkout untouched', async () => {
    const signals = new EventEmitter() as unknown as NodeJS.Process;
    const probe = stateProbe([], (n) => n === 3 && signals.emit('SIGINT'));
    const o = options([], { probe, signals });
    const r = await runBisect(o);
    expect(r.exitCode).toBe(BISECT_EXIT.interrupted);
    expect(r.status).toBe('interrupted');
    expect(probe.cleanups).toBe(1);
    await expectUntouched(o.workDir);
  });

  test('refused before anything is created: unrelated or equal ends, unknown ref', async () => {
    await expect(runBisect(options([], { bad: c[0]! }))).rejects.toThrow('the same commit');
    await expect(runBisect(options([], { bad: 'nope' }))).rejects.toThrow('"nope" is not a commit');
  });
});

describe("git bisect's words", () => {
  const terms = { old: 'broken', new: 'fixed' };
  test('found, ambiguous, still testing', async () => {
    const sha = 'a'.repeat(40);
    expect(parseBisectOutput(`${sha} is the first fixed commit\ncommit ${sha}`, terms)).toEqual({
      kind: 'found',
      sha,
    });
    const only = `There are only 'skip'ped commits left to test.\nThe first fixed commit could be any of:\n${sha}\n${'b'.repeat(40)}\nWe cannot bisect more!`;
    expect(parseBisectOutput(only, terms)).toEqual({ kind: 'ambiguous', candidates: [sha, 'b'.repeat(40)] });
    expect(
      parseBisectOutput('Bisecting: 3 revisions left to test after this (roughly 2 steps)', terms),
    ).toBeNull();
    expect(await readFile(new URL(import.meta.url), 'utf8')).toContain('ambiguous');
  });
});
