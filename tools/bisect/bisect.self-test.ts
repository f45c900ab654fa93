/**
 * `pnpm e2e:bisect` with real stack steps: target sim over a history of this repo
 * (sim-history.ts) where one commit's setup fails and a later one brings in a sim bug. Each
 * step brings the sim up from the worktree at that commit and runs the one deciding case; the
 * step whose setup fails is skipped with the reason, and the bug's commit is found.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { reportDirOf, runToolAsUser } from '../two-sided/tool-run.ts';
import { listWorktrees } from '../two-sided/worktrees.ts';
import type { BisectRecord } from './record.ts';
import { makeSimHistory, type SimHistory } from './sim-history.ts';

let tmp: string;
let history: SimHistory;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'e2e-bisect-sim-'));
  history = await makeSimHistory(join(tmp, 'repo'));
}, 120_000);
afterAll(() => rm(tmp, { recursive: true, force: true }));

test('sim history: the setup that fails is skipped, the bug commit found, nothing left', async () => {
  const bad = history.commits.at(-1)!;
  const res = await runToolAsUser(
    'tools/bisect/command.ts',
    [
      ...['--target', 'sim', '--checkout', history.repo, '--good', 'good', '--bad', bad, '--trust-ends'],
      ...['--cases', 'cases/errors.test.ts', '--case', 'invalid bearer token'],
    ],
    join(tmp, 'user-state-never-created'),
  );
  const out = String(res.all);
  expect(res.exitCode, out).toBe(0);
  const dir = reportDirOf(out);
  const r = JSON.parse(await readFile(join(REPO_ROOT, dir!, 'bisect.json'), 'utf8')) as BisectRecord;
  // --trust-ends: the bad end itself is not tested; the commit before it is (a pass).
  expect(r.first, out).toMatchObject({ sha: bad, outcome: 'assumed' });
  expect(r.before, out).toMatchObject({ sha: history.commits[3], outcome: 'pass' });
  const skipped = r.steps.filter((s) => s.mark === 'skip');
  expect(
    skipped.map((s) => s.sha),
    out,
  ).toEqual([history.commits[1]]);
  expect(skipped[0]!.result.reason).toContain('setup broken on purpose');
  expect(r.steps.filter((s) => s.result.verdict === 'pass').length, out).toBeGreaterThan(0);
  expect(await listWorktrees(history.repo)).toEqual([history.repo]);
}, 900_000);
