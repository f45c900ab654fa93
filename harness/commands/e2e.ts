/**
 * `pnpm e2e` — what a maintainer runs: bring the stack up if needed (default target: sim),
 * run the contract cases, write reports/<run-id>/ (+ reports/latest). Exits non-zero
 * exactly when something unexpected happened (a failure, an XPASS, or a dead stack).
 *
 *   --target sim|boxlite|serve   stack target (remote stacks come from BOXLITE_E2E_URL / _PROFILE)
 *   --checkout PATH [--ref REF]  target boxlite: build and run that checkout's API and runner first
 *   --provider host|containers
 *   --bugs a,b             sim bug switches to turn on (see sim/bugs.ts)
 *   --markers on|off       off = expected-failure markers ignored (teeth mode)
 *   --grep PATTERN         only cases whose name matches
 *   [files...]             only these case files (e.g. cases/errors.test.ts)
 *   --shard i/n            only shard i of n of the files, against a stack of its own (state dir
 *                          `<state dir>-shard-<i>of<n>` unless BOXLITE_E2E_STATE_DIR names one);
 *                          `pnpm e2e:merge` joins the shards' reports
 *   --durations FILE       a previous run's results.json: shards balanced by its file durations
 *   --cli-bin / --cli-checkout / --cli-version / --cache-dir   the boxlite CLI for CLI cases
 *   --sdk-checkout DIR     the C/Go SDK drivers for their cases
 *   --no-build             build nothing: cases whose CLI or drivers are not cached are not
 *                          runnable here, naming the command that builds them
 *
 * The cases start at once: what the selected files need and the cache lacks is built in the
 * background at low priority (harness/builds/), and the files that need it run when it is ready,
 * in the same run and report.
 *
 * Every flag wins over its env variable. The vitest child gets the outcome through the
 * variables the cases' global setup reads: run id, markers, and that setup already ran.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOXLITE_STACK_OPTIONS, boxliteChoice } from '../../bootstrap/boxlite-recipe/options.ts';
import { CLI_BINARY_OPTIONS, cliBinaryEnv, cliBinarySpec } from '../../bootstrap/cli-binary/options.ts';
import { SDK_SHIM_OPTIONS, sdkShimEnv, sdkShimSpec } from '../../bootstrap/sdk-shim/options.ts';
import { BOOTSTRAP_OPTIONS, bootstrapConfig } from '../../kernel/config.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { runMain, UsageError } from '../../kernel/errors.ts';
import { type OptionTable, resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { SIM_BUGS_OPTION } from '../../sim/bugs.ts';
import { setupStack } from '../../stack/up.ts';
import { startBuilds } from '../builds/background.ts';
import type { BuildName } from '../builds/state.ts';
import { SDK_DRIVER_CASE_FILE, selectsCases, selectsCliCases } from '../cli-cases.ts';
import { STACK_HANDLE_OPTIONS } from '../handle/handle.ts';
import { checkRemote } from '../handle/remote-check.ts';
import { readRemoteConfig } from '../handle/remote-config.ts';
import { REPORT_OPTIONS, RUN_OPTIONS } from '../run-options.ts';
import { parseShard, reportRunId, shardStateDir } from '../shard/plan.ts';
import { runCases } from './run-vitest.ts';

const { plan: _plan, planJson: _planJson, ...RECIPE_RUN_OPTIONS } = BOXLITE_STACK_OPTIONS;

export const E2E_OPTIONS = {
  ...STACK_HANDLE_OPTIONS,
  provider: BOOTSTRAP_OPTIONS.provider,
  target: BOOTSTRAP_OPTIONS.target,
  bugs: SIM_BUGS_OPTION,
  markers: RUN_OPTIONS.markers,
  grep: { flag: 'grep', type: 'string', doc: 'only cases whose name matches' },
  runId: RUN_OPTIONS.runId,
  shard: RUN_OPTIONS.shard,
  durations: { ...REPORT_OPTIONS.durations, flag: 'durations' },
  ...CLI_BINARY_OPTIONS,
  ...SDK_SHIM_OPTIONS,
  ...RECIPE_RUN_OPTIONS,
  noBuild: {
    flag: 'no-build',
    type: 'bool',
    doc: 'build nothing: cases needing an uncached build are not runnable',
  },
} as const satisfies OptionTable;

export function parseE2eArgs(argv: readonly string[], env: Env) {
  const { values, positionals } = resolveOptions(E2E_OPTIONS, argv, env, { positionals: true });
  const shard = values.shard ? parseShard(values.shard) : null;
  if (values.durations && !shard) throw new UsageError('--durations balances shards: it needs --shard i/n');
  // A shard brings up and runs against a stack of its own, beside the others on this host.
  const named = !!env.BOXLITE_E2E_STATE_DIR?.trim();
  const stateDir = shard ? shardStateDir(values.stateDir, shard, named) : values.stateDir;
  return { ...values, stateDir, shard, files: positionals, boxlite: boxliteChoice(values, env) };
}

/** What the vitest child needs to know of the shard: which one, and how to balance. */
function shardEnv(args: ReturnType<typeof parseE2eArgs>): Record<string, string> {
  if (!args.shard) return {};
  return {
    BOXLITE_E2E_SHARD: `${args.shard.index}/${args.shard.count}`,
    BOXLITE_E2E_STATE_DIR: args.stateDir,
    ...(args.durations ? { BOXLITE_E2E_SHARD_DURATIONS: args.durations } : {}),
  };
}

/** The builds the selected case files need. */
async function buildsSelected(files: readonly string[]): Promise<BuildName[]> {
  const names: BuildName[] = [];
  if (await selectsCliCases(files)) names.push('cli');
  if (await selectsCases(files, SDK_DRIVER_CASE_FILE)) names.push('sdk-drivers');
  return names;
}

/** After the cases: a build still running (the run stopped early) finishes into the cache. */
async function finishBuilds(done: Promise<void>): Promise<void> {
  const note = setTimeout(
    () => process.stderr.write('e2e: waiting for the background build to finish into the cache\n'),
    1000,
  );
  await done.finally(() => clearTimeout(note));
}

if (import.meta.main) {
  await runMain('e2e', async () => {
    const args = parseE2eArgs(process.argv.slice(2), process.env);
    // BOXLITE_E2E_RUN_ID names the report dir for callers that read it afterwards (tests, CI).
    const runId = reportRunId(args.runId ?? newRunId(), args.shard ?? null);
    const env: Record<string, string> = {
      BOXLITE_E2E_RUN_ID: runId,
      BOXLITE_E2E_NO_SETUP: '1',
      BOXLITE_E2E_MARKERS: args.markers,
      ...shardEnv(args),
    };
    const remote = await readRemoteConfig(args);
    // A wrong URL, key or prefix is one line and exit 2/3 here, not a trace from vitest's setup.
    if (remote) await checkRemote(remote);
    else {
      const t0 = performance.now();
      const config = bootstrapConfig(args);
      const summary = await setupStack({
        config: { ...config, target: config.target ?? 'sim' },
        bugs: args.bugs,
        cli: cliBinarySpec(args),
        ...(args.boxlite ? { boxlite: args.boxlite } : {}),
      });
      process.stderr.write(`${summary}\n`);
      env.BOXLITE_E2E_SETUP_MS = String(Math.round(performance.now() - t0));
    }
    const builds = await startBuilds({
      reportDir: join(REPO_ROOT, 'reports', runId),
      names: await buildsSelected(args.files),
      cli: cliBinarySpec(args),
      sdk: sdkShimSpec(args),
      searchPath: args.searchPath,
      noBuild: args.noBuild,
    });
    // The workers read the builds file; a bare lookup in their global setup uses the same choice.
    Object.assign(env, cliBinaryEnv(args), sdkShimEnv(args));
    const code = await runCases({
      files: args.files,
      grep: args.grep,
      env,
      ...(args.shard ? { shard: args.shard } : {}),
    });
    await finishBuilds(builds.done);
    const infra = join(REPO_ROOT, 'reports', runId, 'infrastructure-error.txt');
    if (existsSync(infra)) {
      process.stderr.write(`e2e: ${readFileSync(infra, 'utf8')}\n`);
      process.exitCode = 3;
      return;
    }
    process.exitCode = code;
  });
}
