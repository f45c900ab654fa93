/**
 * `pnpm e2e:two-sided` for real on the sim target, with refs that differ only in a sim bug
 * (sim-fixture-refs.ts): a fix shows as `fixed` (exit 0), a regression as `regressed` with the
 * claimed fix not shown (exit 1|4 = 5), a side that cannot come up is an infrastructure
 * failure (exit 3), a bad ref a usage error (exit 2), and SIGINT in the middle of side B's
 * cases exits 130 with the user's stack exactly as it was and nothing of the run left over.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dockerClient } from '../../kernel/docker.ts';
import { REPO_ROOT, statePaths } from '../../kernel/paths.ts';
import { pidMatches } from '../../kernel/process/processes.ts';
import { isolatedConfig, selfTestContext } from '../../kernel/self-test.ts';
import { readStackFile } from '../../kernel/stack-file.ts';
import { LABEL_RUNNER } from '../../sim/runner/box-spec.ts';
import { runnerIdFor } from '../../sim/runner/config.ts';
import { teardownStack } from '../../stack/down.ts';
import { setupStack } from '../../stack/up.ts';
import type { TwoSidedRecord } from './record.ts';
import { makeSimFixtureRefs, type SimFixtureRefs } from './sim-fixture-refs.ts';
import { listWorktrees } from './worktrees.ts';

const CASES = ['--cases', 'cases/errors.test.ts', '--grep', 'invalid bearer token|cpus=0'];
const BEARER = 'cases/errors.test.ts > errors: auth > invalid bearer token';
const CPUS0 = 'cases/errors.test.ts > errors: create > cpus=0';

let tmp: string;
let refs: SimFixtureRefs;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'e2e-two-sided-'));
  refs = await makeSimFixtureRefs(join(tmp, 'repo'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  const { config } = selfTestContext();
  return {
    PATH: config.searchPath,
    HOME: homedir(),
    DOCKER_HOST: config.dockerHost,
    BOXLITE_E2E_STATE_DIR: join(tmp, 'user-state-never-created'),
    ...extra,
  };
}

function twoSided(args: string[], extra: Record<string, string> = {}) {
  return execa(process.execPath, ['tools/two-sided/command.ts', '--checkout', refs.repo, ...args], {
    cwd: REPO_ROOT,
    env: env(extra),
    extendEnv: false,
    reject: false,
    all: true,
    // The restore takes longer than execa's 5 s SIGTERM grace: no SIGKILL from the test.
    forceKillAfterDelay: false,
  });
}

async function recordOf(output: string): Promise<TwoSidedRecord> {
  const dir = /^reports: (\S+)\//m.exec(output)?.[1];
  expect(dir, output).toBeTruthy();
  return JSON.parse(await readFile(join(REPO_ROOT, dir!, 'verdicts.json'), 'utf8'));
}

const verdictOf = (r: TwoSidedRecord, prefix: string) =>
  r.verdicts.find((v) => v.id.startsWith(prefix))?.verdict;

/** Resolves `delayMs` after `line` shows in the child's output; rejects if the child ends first. */
function afterLine(child: ReturnType<typeof twoSided>, line: string, delayMs: number): Promise<void> {
  let output = '';
  return new Promise<void>((resolve, reject) => {
    child.all.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(line)) setTimeout(resolve, delayMs);
    });
    child.then(() => reject(new Error(`finished before "${line}":\n${output}`)));
  });
}

/** Processes whose command line names `path` (a side's worktree or state dir). */
async function processesUnder(path: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(path)) found.push(`${pid}: ${cmd.replaceAll('\0', ' ')}`);
  }
  return found;
}

/** Nothing of the run is left: no worktree, no work dir, no side process, no side box. */
async function expectNothingLeft(r: TwoSidedRecord): Promise<void> {
  expect(await listWorktrees(refs.repo)).toEqual([refs.repo]);
  const docker = dockerClient(selfTestContext().config.dockerHost);
  for (const side of Object.values(r.sides)) {
    expect(existsSync(side.worktree), side.worktree).toBe(false);
    expect(existsSync(side.stateDir), side.stateDir).toBe(false);
    expect(await processesUnder(side.stateDir)).toEqual([]);
    expect(await processesUnder(side.worktree)).toEqual([]);
    const boxes = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`${LABEL_RUNNER}=${runnerIdFor(side.stateDir)}`] }),
    });
    expect(boxes).toEqual([]);
  }
  expect(r.restoreFailures).toEqual([]);
}

describe('two-sided on the sim target, refs that differ only in a sim bug', () => {
  test('buggy → fixed claiming the fix: fixed, claim shown, exit 0; all reports written', async () => {
    const summaryFile = join(tmp, 'step-summary.md');
    const res = await twoSided(['--base', refs.buggy, '--head', refs.fixed, ...CASES, '--claims', refs.bug], {
      GITHUB_STEP_SUMMARY: summaryFile,
    });
    const r = await recordOf(String(res.all));
    expect(res.exitCode, String(res.all)).toBe(0);
    expect(verdictOf(r, BEARER)).toBe('fixed');
    expect(verdictOf(r, CPUS0)).toBe('unchanged');
    expect(r.verdicts).toHaveLength(2);
    expect(r.claimChecks).toMatchObject([{ bug: refs.bug, shown: true }]);
    const dir = join(REPO_ROOT, 'reports', `two-sided-${r.runId}`);
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(4); // 2 cases × 2 sides
    expect(junit).toMatch(
      /classname="base" name="cases\/errors.test.ts &gt; errors: auth &gt; invalid bearer token[^"]*"[^>]*><properties><property name="verdict" value="fixed"\/>.*<failure /,
    );
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('Verdict matrix');
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toMatch(
      /\| ✅ fixed \| cases\/errors.test.ts > errors: auth > invalid bearer token/,
    );
    expect(await readFile(summaryFile, 'utf8')).toContain(`Two-sided run ${r.runId}`);
    await expectNothingLeft(r);
  }, 400_000);

  test('good → buggy claiming a fix: regressed and the claim not shown, exit 1|4 = 5', async () => {
    const res = await twoSided(['--base', refs.good, '--head', refs.buggy, ...CASES, '--claims', refs.bug]);
    const r = await recordOf(String(res.all));
    expect(res.exitCode, String(res.all)).toBe(5);
    expect(verdictOf(r, BEARER)).toBe('regressed');
    expect(verdictOf(r, CPUS0)).toBe('unchanged');
    expect(r.claimChecks[0]).toMatchObject({ shown: false, why: expect.stringMatching(/regressed/) });
    await expectNothingLeft(r);
  }, 400_000);

  test('a side that cannot come up: infrastructure failure, exit 3, the other side torn down', async () => {
    const res = await twoSided(['--base', refs.fixed, '--head', refs.broken, ...CASES]);
    const r = await recordOf(String(res.all));
    expect(res.exitCode, String(res.all)).toBe(3);
    expect(r.status).toBe('infrastructure-error');
    expect(r.infrastructureError).toMatch(/side setup --target sim failed.*broken on purpose/);
    await expectNothingLeft(r);
  }, 400_000);

  test('an unknown ref is one usage line, exit 2, before anything is created', async () => {
    const res = await twoSided(['--base', 'no-such-ref', '--head', refs.fixed]);
    expect(res.exitCode).toBe(2);
    expect(String(res.all).trim()).toBe(`e2e:two-sided: ref "no-such-ref" is not a commit in ${refs.repo}`);
  });
});

/** What a verdict report says per case, and about the claims: the whole verdict, run order aside. */
const verdictsOf = (r: TwoSidedRecord) => ({
  verdicts: r.verdicts.map((v) => `${v.id}: ${v.verdict} ${v.statuses.base}/${v.statuses.head}`).sort(),
  claims: r.claimChecks.map((c) => `${c.bug}: ${c.shown}`),
  exitCode: r.exitCode,
});

describe('sides in parallel give the verdicts of the sequential run', () => {
  const args = () => ['--base', refs.buggy, '--head', refs.fixed, ...CASES, '--claims', refs.bug];

  test('--parallel on one host, and --only base / --only head side by side joined by --merge', async () => {
    const sequential = await recordOf(String((await twoSided(args())).all));
    const parallel = await recordOf(String((await twoSided([...args(), '--parallel'])).all));
    const sides = await Promise.all([
      twoSided([...args(), '--only', 'base']),
      twoSided([...args(), '--only', 'head']),
    ]);
    const dirs = sides.map((res) => {
      expect(res.exitCode, String(res.all)).toBe(0);
      return /^side run: (\S+)\/ /m.exec(String(res.all))?.[1] ?? '';
    });
    const merged = await twoSided(['--merge', ...dirs.map((d) => join(REPO_ROOT, d))]);
    const joined = await recordOf(String(merged.all));
    expect(sequential.exitCode).toBe(0);
    expect(verdictsOf(parallel)).toEqual(verdictsOf(sequential));
    expect(verdictsOf(joined)).toEqual(verdictsOf(sequential));
    expect(merged.exitCode).toBe(sequential.exitCode);
    for (const r of [sequential, parallel]) await expectNothingLeft(r);
    for (const d of dirs)
      await expectNothingLeft(JSON.parse(await readFile(join(REPO_ROOT, d, 'run.json'), 'utf8')));
    const ms = (r: TwoSidedRecord) => (r.phases.cases / 1000).toFixed(1);
    process.stderr.write(
      `two-sided case time: sequential ${ms(sequential)} s, parallel ${ms(parallel)} s, split sides ${ms(joined)} s (the longer side)\n`,
    );
  }, 900_000);
});

describe('always restores', () => {
  let userStateDir: string;
  const userState = () => userStateDir;

  beforeAll(async () => {
    // Its own temp dir: Postgres (run as its own user) must be able to reach the state dir.
    userStateDir = await mkdtemp(join(tmpdir(), 'e2e-two-sided-user-'));
    await setupStack({ config: isolatedConfig(userState(), { target: 'sim' }), quiet: true });
  });
  afterAll(async () => {
    await teardownStack({ config: isolatedConfig(userState()), wipeData: true, full: true, quiet: true });
    await rm(userStateDir, { recursive: true, force: true });
  });

  test('SIGINT while side B runs its cases: exit 130, the user stack untouched, nothing left', async () => {
    const paths = statePaths(userState());
    const before = await readFile(paths.stackFile, 'utf8');
    const stack = (await readStackFile(paths.stackFile))!;
    const pids = [...Object.values(stack.services), stack.api!, stack.runner!].map((c) => c.process);
    const child = twoSided(['--base', refs.buggy, '--head', refs.fixed, ...CASES], {
      BOXLITE_E2E_STATE_DIR: userState(),
    });
    // Side B (head) is the second in the schedule: interrupt it mid-run.
    await afterLine(child, 'head: cases, repeat 1/1', 2500);
    child.kill('SIGINT');
    const res = await child;
    expect(res.exitCode, String(res.all)).toBe(130);
    expect(String(res.all)).toMatch(/SIGINT: stopping the run and restoring/);
    const r = await recordOf(String(res.all));
    expect(r.status).toBe('interrupted');
    expect(r.runs.map((x) => x.side)).toEqual(['base']); // B was cut off mid-run
    // The user's stack: same file byte for byte, same processes alive, API answering.
    expect(await readFile(paths.stackFile, 'utf8')).toBe(before);
    for (const p of pids) {
      if (p.kind !== 'supervised') continue;
      expect(pidMatches(p.supervisorPid, paths.runDir), `supervisor ${p.supervisorPid}`).toBe(true);
      expect(pidMatches(p.pid, ''), `child ${p.pid}`).toBe(true);
    }
    const health = await request(`${stack.api!.url}/health`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
    await expectNothingLeft(r);
  }, 400_000);

  test('SIGTERM while the side stacks come up: exit 143, half-started sides torn down, user stack untouched', async () => {
    const paths = statePaths(userState());
    const before = await readFile(paths.stackFile, 'utf8');
    const child = twoSided(['--base', refs.buggy, '--head', refs.fixed, ...CASES], {
      BOXLITE_E2E_STATE_DIR: userState(),
    });
    await afterLine(child, 'head: stack up', 4000);
    child.kill('SIGTERM');
    const res = await child;
    expect(res.exitCode, String(res.all)).toBe(143);
    const r = await recordOf(String(res.all));
    expect(r.status).toBe('interrupted');
    expect(r.runs).toEqual([]);
    expect(await readFile(paths.stackFile, 'utf8')).toBe(before);
    await expectNothingLeft(r);
  }, 400_000);
});
