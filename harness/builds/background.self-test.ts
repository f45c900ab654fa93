/**
 * `pnpm e2e` on an empty build cache, for real on the sim: the cases that need no build run
 * while the CLI is built in the background, and the CLI cases run once it is ready, in the same
 * run and report. The build is a stand-in cargo, held until the first case file has its result,
 * that leaves a `boxlite` running the machine's real CLI (`pnpm test` builds it before the
 * self-tests). With
 * `--no-build`, and with a build that fails, the CLI cases are not runnable here, naming why and
 * the command that builds them — never passed. The three runs share one throw-away stack.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeFakeCargo } from '../../bootstrap/cargo-workspace/testkit.ts';
import { findCliBinary } from '../../bootstrap/cli-binary/index.ts';
import { CLI_BINARY_OPTIONS } from '../../bootstrap/cli-binary/options.ts';
import { BOXLITE_CLI_VERSION } from '../../bootstrap/cli-binary/spec.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { isolatedConfig, selfTestContext } from '../../kernel/self-test.ts';
import { removeSimBoxes } from '../../sim/launch.ts';
import { teardownStack } from '../../stack/down.ts';
import type { Builds } from './state.ts';

/** A file that needs no build and runs no command in a box (nothing timing-sensitive under load). */
const NO_BUILD_FILE = 'cases/quota.test.ts';
const CLI_FILE = 'cases/cli-inspect.test.ts';
const tag = `builds-self-test-${Date.now()}`;
let dir = '';
let stateDir = '';
let realCli = '';
/** The stand-in build finishes once this file exists. */
const release = () => join(dir, 'release-the-build');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'e2e-builds-'));
  stateDir = await mkdtemp(join(tmpdir(), 'e2e-builds-stack-'));
  const cached = await findCliBinary({
    cacheRoot: CLI_BINARY_OPTIONS.cacheDir.default,
    source: { kind: 'crates', version: BOXLITE_CLI_VERSION },
  });
  if (!cached) throw new Error('no boxlite CLI in the machine cache: run `pnpm e2e:cli` first');
  realCli = cached.path;
  // The stand-in: the test kit's fake cargo, held until the test releases it, whose `boxlite`
  // runs the real CLI.
  const fake = await writeFakeCargo(dir);
  await mkdir(join(dir, 'slow'));
  await writeFile(
    join(dir, 'slow', 'cargo'),
    `#!/bin/sh\n"${fake}" "$@" || exit $?\n[ "$1" = build ] || exit 0\nwhile [ ! -f "${release()}" ]; do sleep 0.2; done\nprintf '#!/bin/sh\\nexec ${realCli} "$@"\\n' > "$CARGO_TARGET_DIR/e2e/boxlite"\n`,
  );
  await chmod(join(dir, 'slow', 'cargo'), 0o755);
});
afterAll(async () => {
  const config = isolatedConfig(stateDir);
  await teardownStack({ config, wipeData: true, full: true, quiet: true }).catch(() => {});
  await removeSimBoxes(stateDir, config.dockerHost).catch(() => {});
  await rm(stateDir, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
  for (const d of await readdir(join(REPO_ROOT, 'reports')))
    if (d.startsWith(tag)) await rm(join(REPO_ROOT, 'reports', d), { recursive: true, force: true });
}, 300_000);

/** `pnpm e2e` on the shared stack with a cache dir of its own and the stand-in cargo first on PATH. */
function e2e(name: string, args: string[], env: Record<string, string> = {}) {
  const { config } = selfTestContext();
  return execa(process.execPath, ['harness/commands/e2e.ts', ...args, NO_BUILD_FILE, CLI_FILE], {
    cwd: REPO_ROOT,
    env: {
      PATH: `${join(dir, 'slow')}:${join(dir, 'bin')}:${config.searchPath}`,
      DOCKER_HOST: config.dockerHost,
      BOXLITE_E2E_STATE_DIR: stateDir,
      BOXLITE_E2E_CACHE_DIR: join(dir, `cache-${name}`),
      BOXLITE_E2E_RUN_ID: `${tag}-${name}`,
      ...env,
    },
    extendEnv: false,
    all: true,
    reject: false,
  });
}

const report = (name: string, file: string) => join(REPO_ROOT, 'reports', `${tag}-${name}`, file);
const json = async <T>(name: string, file: string): Promise<T> =>
  JSON.parse(await readFile(report(name, file), 'utf8')) as T;

interface Results {
  testResults: Array<{ name: string; startTime: number; endTime: number }>;
}
interface Summary {
  cases: Array<{ id: string; outcome: string; notRunnable?: string }>;
}

const fileOf = (r: Results, f: string) => r.testResults.find((t) => t.name.endsWith(f))!;
const cliCases = (s: Summary) => s.cases.filter((c) => c.id.includes('cli-inspect'));

/** A run whose CLI cases must all be not runnable (the run itself green), for `why`. */
async function expectCliNotRunnable(name: string, args: string[], env: Record<string, string>, why: RegExp) {
  const run = await e2e(name, args, env);
  expect(run.exitCode, run.all?.slice(-3000)).toBe(0);
  const cli = cliCases(await json<Summary>(name, 'summary.json'));
  expect(cli.length).toBeGreaterThan(0);
  for (const c of cli) {
    expect(c.outcome, c.id).toBe('not-runnable');
    expect(c.notRunnable, c.id).toMatch(why);
  }
}

describe('pnpm e2e on an empty build cache', () => {
  test('the cases that need no build finish while the CLI builds; the CLI cases then run in the same report', async () => {
    const started = e2e('background', []);
    // The build goes on until the first file has its result: a run that held every case back
    // for the build would never get here.
    let out = '';
    started.all?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(NO_BUILD_FILE)) void writeFile(release(), '');
    });
    const run = await started;
    expect(run.exitCode, run.all?.slice(-3000)).toBe(0);
    const builds = await json<Builds>('background', 'builds.json');
    expect(builds.cli).toMatchObject({ state: 'ready', cli: { cliVersion: BOXLITE_CLI_VERSION } });
    const readyAt = Date.parse((builds.cli as { at: string }).at);
    const results = await json<Results>('background', 'results.json');
    const first = fileOf(results, NO_BUILD_FILE);
    const cli = fileOf(results, CLI_FILE);
    // Ordered: the first file's results came before the build was there, the CLI file after.
    expect(first.endTime).toBeLessThan(readyAt);
    expect(cli.startTime).toBeGreaterThanOrEqual(readyAt);
    // It ran with the CLI: every case passed, or failed as a known bug claims (a strict xfail),
    // or has a stack need unmet here (never the CLI).
    const ran = cliCases(await json<Summary>('background', 'summary.json'));
    expect(ran.filter((c) => c.outcome === 'pass').length).toBeGreaterThan(0);
    for (const c of ran) {
      expect(['pass', 'xfail', 'not-runnable'], c.id).toContain(c.outcome);
      expect(c.notRunnable ?? '', c.id).not.toContain('the boxlite CLI');
    }
    expect(run.all).toMatch(/\[background build\] ✓ build boxlite-cli/);
  }, 600_000);

  test('--no-build: the CLI cases are not runnable here, naming the command that builds the CLI', async () => {
    await expectCliNotRunnable(
      'no-build',
      ['--no-build'],
      {},
      /^needs the boxlite CLI: not cached and --no-build given; build it with `pnpm e2e:cli`$/,
    );
  }, 300_000);

  test('a build that fails: the CLI cases are not runnable here, naming the build log', async () => {
    await expectCliNotRunnable(
      'failed',
      [],
      { FAKE_CARGO_FAIL: '1' },
      /^needs the boxlite CLI: the build failed: building the boxlite CLI and the SDK shim failed \(cargo exit 101\) after \d+s; see \S+\.build\.log; build it with `pnpm e2e:cli`$/,
    );
  }, 300_000);
});
