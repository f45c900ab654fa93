/**
 * `pnpm e2e:upstream [--checkout PATH] [--target sim|serve|boxlite] [pytest args…]` — runs a
 * BoxLite checkout's own pytest e2e suite, unmodified, against the stack the harness stands up
 * (or a remote one named by BOXLITE_E2E_URL / _API_KEY / _PROFILE), and adds its results to
 * reports/<run>/ (summary section, upstream.md, upstream-junit.xml).
 *
 *   --checkout PATH        the checkout whose suite runs (apps/e2e, or scripts/test/e2e before it)
 *   --target / --provider / --bugs   the stack, as for `pnpm e2e`
 *   --cli-bin / --cli-version / --sdk-checkout / --cache-dir   the CLI and C/Go SDK it gets
 *   everything else        handed to pytest (`cases/test_errors.py`, `-k name`, `-x` …)
 *
 * Exit status: 0 when every case passed or is explained (not runnable here with evidence, an
 * expected failure, an XPASS the ledger explains), 1 otherwise, 2 for bad usage, 3 when the
 * suite could not start.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { boxliteChoice } from '../../bootstrap/boxlite-recipe/options.ts';
import { CLI_BINARY_OPTIONS, cliBinarySpec } from '../../bootstrap/cli-binary/options.ts';
import { SDK_SHIM_OPTIONS, sdkShimSpec } from '../../bootstrap/sdk-shim/options.ts';
import { resolveStackHandle, STACK_HANDLE_OPTIONS, type StackHandle } from '../../harness/handle/handle.ts';
import { describePreflight, runPreflight } from '../../harness/handle/preflight.ts';
import { checkRemote } from '../../harness/handle/remote-check.ts';
import { readRemoteConfig } from '../../harness/handle/remote-config.ts';
import { secretValues } from '../../harness/reporters/redact.ts';
import { scrubDir } from '../../harness/reporters/run-report.ts';
import { RUN_OPTIONS } from '../../harness/run-options.ts';
import { BOOTSTRAP_OPTIONS, bootstrapConfig } from '../../kernel/config.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { runMain } from '../../kernel/errors.ts';
import { type OptionTable, resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT, statePaths } from '../../kernel/paths.ts';
import { createProgress } from '../../kernel/progress.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { SIM_BUGS_OPTION } from '../../sim/bugs.ts';
import { setupStack } from '../../stack/up.ts';
import { splitArgs } from './args.ts';
import { classify, type RunFacts } from './classify.ts';
import { ensureSuiteVenv, SUITE_REQUIREMENTS, suiteCli, suiteSdk } from './prereqs.ts';
import { runPytest } from './pytest-run.ts';
import { countVerdicts, headline, pointLatest, type UpstreamReport, writeUpstreamReport } from './report.ts';
import { npmSdk, stageSuite } from './stage.ts';
import { findSuite } from './suite.ts';
import { boxesBefore, removeSuiteBoxes } from './suite-boxes.ts';
import { suiteEnv } from './suite-env.ts';

export const UPSTREAM_OPTIONS = {
  ...STACK_HANDLE_OPTIONS,
  provider: BOOTSTRAP_OPTIONS.provider,
  target: BOOTSTRAP_OPTIONS.target,
  bugs: SIM_BUGS_OPTION,
  checkout: {
    flag: 'checkout',
    env: 'BOXLITE_E2E_CHECKOUT',
    type: 'path',
    doc: 'the BoxLite checkout whose e2e suite runs (target boxlite: also the stack it builds)',
  },
  runId: RUN_OPTIONS.runId,
  ...CLI_BINARY_OPTIONS,
  ...SDK_SHIM_OPTIONS,
} as const satisfies OptionTable;

export function parseUpstreamArgs(argv: readonly string[], env: Env) {
  const { ours, pytest } = splitArgs(argv, UPSTREAM_OPTIONS);
  return { ...resolveOptions(UPSTREAM_OPTIONS, ours, env).values, pytest };
}

type Args = ReturnType<typeof parseUpstreamArgs>;

/** The stack under test: a remote one when named, else ours (set up or repaired here). */
async function standUp(args: Args, env: Env): Promise<StackHandle> {
  const remote = await readRemoteConfig(args);
  if (remote) await checkRemote(remote);
  else {
    const config = bootstrapConfig(args);
    const target = config.target ?? 'sim';
    const boxlite = target === 'boxlite' ? boxliteChoice(args, env) : undefined;
    const summary = await setupStack({
      config: { ...config, target },
      bugs: args.bugs,
      cli: cliBinarySpec(args),
      ...(boxlite ? { boxlite } : {}),
    });
    process.stderr.write(`${summary}\n`);
  }
  return resolveStackHandle(args);
}

/** Upstream's curated image is boxlite-agent-base; ours of that name carries its tools. */
export const AGENT_IMAGE = 'boxlite-e2e/agent-base';

function suiteImage(stack: StackHandle, explicit: string | undefined): string {
  if (explicit) return explicit;
  const agent = stack.stack?.images?.find((i) => i.name === AGENT_IMAGE);
  return agent ? `${agent.name}:${agent.tag}` : stack.images.default;
}

/** Keeps only this run's scratch dir under <state>/upstream. */
async function scratchDir(stateDir: string, runId: string): Promise<string> {
  const root = join(stateDir, 'upstream');
  await mkdir(root, { recursive: true });
  for (const old of await readdir(root))
    if (old !== runId) await rm(join(root, old), { recursive: true, force: true });
  return join(root, runId);
}

async function main(argv: readonly string[], env: Env): Promise<number> {
  const args = parseUpstreamArgs(argv, env);
  const suite = await findSuite(args.checkout);
  const progress = createProgress();
  const runId = args.runId ?? newRunId();
  const stack = await standUp(args, env);
  const image = suiteImage(stack, args.image);
  const python = await ensureSuiteVenv(args.cacheDir, progress);
  const cli = await suiteCli(cliBinarySpec(args), args.searchPath, progress);
  const sdk = await suiteSdk(suite.checkout, sdkShimSpec(args), args.searchPath, progress);
  const preflight = await progress.step('preflight', () =>
    runPreflight({ ...stack, images: { ...stack.images, default: image } }, `upstream-preflight-${runId}`),
  );
  progress.info(describePreflight(preflight));
  const scratch = await scratchDir(statePaths(bootstrapConfig(args).stateDir).runDir, runId);
  const suiteDir = await stageSuite(join(scratch, 'root'), suite, sdk.value, npmSdk(REPO_ROOT));
  const journals = stack.pathGuard.enabled ? stack.journals : { runner: null, api: null };
  const { env: pyEnv, pathCheck } = await suiteEnv({
    target: { apiUrl: stack.apiUrl, apiKey: stack.apiKey, pathPrefix: stack.pathPrefix, image, journals },
    runDir: scratch,
    venvBin: join(python, '..'),
    cli: cli.value,
    sdkLibDir: sdk.value?.libDir ?? null,
    searchPath: args.searchPath,
  });
  const outDir = join(REPO_ROOT, 'reports', runId);
  await mkdir(outDir, { recursive: true });
  const before = await boxesBefore(stack);
  const run = await runPytest({
    python,
    suiteDir,
    env: { ...callerEnv(env), ...pyEnv },
    args: args.pytest,
    outDir,
  });
  const left = await removeSuiteBoxes(stack, before);
  const facts: RunFacts = {
    bugs: stack.bugs,
    simulated: stack.simulated,
    preflight,
    image,
    pythonSdk: SUITE_REQUIREMENTS[0].split('==')[1] as string,
    missing: { cli: cli.why, sdk: sdk.why },
  };
  const cases = run.records.map((r) => classify(r, facts));
  const report: UpstreamReport = {
    suite: { checkout: suite.checkout, layout: suite.layout, commit: suite.commit },
    target: `${stack.kind} (${stack.origin})`,
    command: run.command,
    setup: {
      image,
      'python venv': `${python} (${SUITE_REQUIREMENTS.join(', ')})`,
      'boxlite CLI': cli.value ?? `missing: ${cli.why}`,
      'C/Go SDK': sdk.value
        ? `${sdk.value.source} (lib ${sdk.value.libDir})`
        : (sdk.why ?? 'the checkout’s own'),
      'Node SDK': npmSdk(REPO_ROOT).packageDir,
      'path check': pathCheck,
      'sim bug switches': stack.simulated ? stack.bugs.join(', ') || 'none' : 'not a sim',
      preflight: describePreflight(preflight),
      'boxes the suite left': leftLine(left),
    },
    exitCode: run.exitCode,
    counts: countVerdicts(cases),
    cases,
  };
  const fresh = await writeUpstreamReport(outDir, report);
  await scrubDir(outDir, await secretValues(stack.stack?.secretsFile ?? null, [stack.apiKey]));
  if (fresh) await pointLatest(join(REPO_ROOT, 'reports'), runId);
  process.stdout.write(
    `\nupstream suite: ${headline(report)}\nreport: ${join('reports', runId, 'summary.md')}\n`,
  );
  if (left.stuck.length)
    process.stderr.write(`e2e:upstream: boxes the suite left that would not go: ${left.stuck.join(', ')}\n`);
  return report.counts.unexpected > 0 || left.stuck.length ? 1 : 0;
}

function leftLine(l: { removed: string[]; stuck: string[] }): string {
  const removed = l.removed.length ? `${l.removed.length} removed: ${l.removed.join(', ')}` : 'none';
  return l.stuck.length ? `${removed}; would not go: ${l.stuck.join(', ')}` : removed;
}

/**
 * The caller's environment minus what would steer the suite elsewhere: its subprocesses (npx,
 * go, gcc) need the machine's own settings (CA bundle, proxies, toolchain paths) as they would
 * in a user's shell, while every BOXLITE_* setting is the one this run chose.
 */
function callerEnv(env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).flatMap(([k, v]) =>
      v === undefined || k.startsWith('BOXLITE_') || k.startsWith('PYTHON') ? [] : [[k, v]],
    ),
  );
}

if (import.meta.main) {
  await runMain('e2e:upstream', async () => {
    process.exitCode = await main(process.argv.slice(2), process.env);
  });
}
