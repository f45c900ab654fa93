/**
 * `pnpm e2e:two-sided --target boxlite` for real: two refs of the BoxLite-shaped fixture
 * checkout (bootstrap/boxlite-recipe/fake-checkout) where one ref's API build has a bug (its
 * `BUGS` list names a sim switch) and the next fixes it. Each side is built and brought up by
 * the boxlite recipe (`e2e:setup --target boxlite --checkout <worktree>`) in its own state dir,
 * the same cases run against both, and the fix shows as `fixed` with the claim honoured.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { commitFakeChange, writeFakeCheckout } from '../../bootstrap/boxlite-recipe/fake-checkout/write.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { selfTestContext } from '../../kernel/self-test.ts';
import type { TwoSidedRecord } from './record.ts';
import { listWorktrees } from './worktrees.ts';

const BUG = 'bad-token-500';
const API_MAIN = 'apps/api/src/main.ts';
const BEARER = 'cases/errors.test.ts > errors: auth > invalid bearer token';

let tmp: string;
let repo: string;
const refs = { buggy: '', fixed: '' };

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'e2e-two-sided-boxlite-'));
  repo = join(tmp, 'boxlite');
  await writeFakeCheckout(repo);
  const clean = await readFile(join(repo, API_MAIN), 'utf8');
  const buggy = clean.replace('const BUGS: string[] = [];', `const BUGS: string[] = ['${BUG}'];`);
  expect(buggy).not.toBe(clean);
  refs.buggy = await commitFakeChange(repo, API_MAIN, buggy);
  refs.fixed = await commitFakeChange(repo, API_MAIN, clean);
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('two-sided on the boxlite target, fake checkout refs that introduce and fix a bug', () => {
  test('buggy → fixed claiming the fix: fixed, claim shown, exit 0, nothing left', async () => {
    const { config } = selfTestContext();
    const res = await execa(
      process.execPath,
      [
        'tools/two-sided/command.ts',
        ...['--target', 'boxlite', '--checkout', repo, '--base', refs.buggy, '--head', refs.fixed],
        ...['--cases', 'cases/errors.test.ts', '--grep', 'invalid bearer token', '--claims', BUG],
      ],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: config.searchPath,
          HOME: homedir(),
          DOCKER_HOST: config.dockerHost,
          BOXLITE_E2E_STATE_DIR: join(tmp, 'user-state-never-created'),
        },
        extendEnv: false,
        reject: false,
        all: true,
      },
    );
    const out = String(res.all);
    expect(res.exitCode, out).toBe(0);
    const dir = /^reports: (\S+)\//m.exec(out)?.[1];
    const record = JSON.parse(
      await readFile(join(REPO_ROOT, dir!, 'verdicts.json'), 'utf8'),
    ) as TwoSidedRecord;
    expect(record.verdicts.find((v) => v.id.startsWith(BEARER))?.verdict, out).toBe('fixed');
    expect(record.claimChecks).toMatchObject([{ bug: BUG, shown: true }]);
    expect(record.restoreFailures).toEqual([]);
    expect(await listWorktrees(repo)).toEqual([repo]);
  }, 900_000);
});
