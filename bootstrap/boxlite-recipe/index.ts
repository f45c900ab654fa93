/**
 * Target boxlite from a checkout: runs the recipe (steps.ts) over the stack's services and
 * returns the API and runner records for the stack file. Each step prints its time; build
 * steps whose input key is cached print "cached". Teardown stops both components, removes
 * the env files (and units), and keeps secrets unless `full`.
 */
import { lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SetupError } from '../../kernel/errors.ts';
import type { StatePaths } from '../../kernel/paths.ts';
import { choosePort } from '../../kernel/ports.ts';
import { inspectSupervised } from '../../kernel/process/supervised.ts';
import type { Progress } from '../../kernel/progress.ts';
import type { Secrets } from '../../kernel/secrets.ts';
import type { ComponentRecord, StackFile } from '../../kernel/stack-file.ts';
import { PG_DATABASE, PG_USER } from '../services/postgres.ts';
import { registryHost } from '../services/registry.ts';
import { ensureComponent, stopComponent } from './components.ts';
import {
  apiEnv,
  type EnvInputs,
  formatEnvFile,
  loadOrMintRecipeSecrets,
  runnerEnv,
  writeSecretFile,
} from './env-file.ts';
import { apiArgv, type LaunchMode, type RecipeLayout } from './layout.ts';
import { cacheSlot, formatPlan, type PreparedRecipe, planJson, prepareRecipe } from './plan.ts';
import { probeApiHealth, probeRunnerRegistered, probeRunnerRoot, smokeMe } from './probes.ts';
import { defaultSeed, type SeedHook } from './seed.ts';
import { runCommand } from './shell.ts';
import { StepCache } from './step-cache.ts';
import { ensureRunnerHome, prepareYarnWorkspace, type StepId } from './steps.ts';
import { ensureToolchains } from './toolchains.ts';
import { systemdIsPid1 } from './units.ts';

/** Where a fake checkout's components find this harness's sim (see fake-checkout/). */
export interface SimBridge {
  node: string;
  simApi: string;
  simRunner: string;
  dockerHost: string;
}

export interface BoxliteStackOptions {
  checkout: string;
  ref?: string;
  paths: StatePaths;
  /** Services (postgres, redis, registry) and images already up. */
  stack: StackFile;
  secrets: Secrets;
  searchPath: string;
  /** The harness's Node (the API and yarn run on it). */
  nodeBinDir: string;
  /** HOME (where rustup put cargo) and USER (the units' User=), from the entry point; build
   * tools otherwise inherit this process's environment with PATH replaced. */
  toolEnv: Record<string, string>;
  bridge: SimBridge;
  progress: Progress;
  seed?: SeedHook;
  /** Default: systemd when it is PID 1, else the supervisor. */
  mode?: LaunchMode;
}

export interface StepTiming {
  id: StepId;
  seconds: number;
  outcome: 'ran' | 'cached' | 'reused';
}

export interface BoxliteStackResult {
  api: ComponentRecord;
  runner: ComponentRecord;
  pathPrefix: string;
  timings: StepTiming[];
  recipe: NonNullable<StackFile['boxlite']>;
}

export const launchMode = async (m?: LaunchMode): Promise<LaunchMode> =>
  m ?? ((await systemdIsPid1()) ? 'systemd' : 'supervisor');

const API_DEFAULT_PORT = 3000;
const RUNNER_DEFAULT_PORT = 8080;

/** Keeps a running component's port (it holds it); else the previous or upstream's default, when free. */
async function portFor(
  what: string,
  prev: ComponentRecord | undefined,
  runDir: string,
  name: string,
  dflt: number,
) {
  if (prev && (await inspectSupervised(runDir, name)).alive) return prev.endpoint.port;
  return choosePort(what, undefined, prev?.endpoint.port ?? dflt);
}

export async function planPorts(stack: StackFile | null, paths: StatePaths) {
  return {
    apiPort: await portFor(
      'boxlite api',
      stack?.boxlite ? stack.api : undefined,
      paths.runDir,
      'boxlite-api',
      API_DEFAULT_PORT,
    ),
    runnerPort: await portFor(
      'boxlite runner',
      stack?.boxlite ? stack.runner : undefined,
      paths.runDir,
      'boxlite-runner',
      RUNNER_DEFAULT_PORT,
    ),
  };
}

/** The recipe for a checkout on this host: launch mode, ports (the stack's, else defaults), steps. */
async function recipeFor(
  o: { checkout: string; ref?: string; paths: StatePaths; mode?: LaunchMode },
  previous: StackFile | null,
  materialize: boolean,
) {
  const mode = await launchMode(o.mode);
  const ports = await planPorts(previous, o.paths);
  return prepareRecipe({
    checkout: o.checkout,
    ref: o.ref,
    paths: o.paths,
    mode,
    ...ports,
    materialize,
  });
}

export async function setupBoxliteStack(o: BoxliteStackOptions): Promise<BoxliteStackResult> {
  const p = await recipeFor(o, o.stack, true);
  const mode = p.layout.mode;
  const l = p.layout;
  await mkdir(l.dir, { recursive: true });
  const cache = await StepCache.open(o.paths.cacheDir);
  const timings: StepTiming[] = [];
  const step = async <T>(
    id: StepId,
    fn: () => Promise<{ outcome: StepTiming['outcome']; value: T; note?: string }>,
  ) => {
    const t0 = performance.now();
    const r = await o.progress.step(`${id}`, fn);
    const seconds = (performance.now() - t0) / 1000;
    timings.push({ id, seconds, outcome: r.outcome });
    if (r.outcome !== 'ran' || r.note) o.progress.info(`${id}: ${r.outcome}${r.note ? ` — ${r.note}` : ''}`);
    return r.value;
  };
  const stepOf = (id: StepId) => p.steps.find((s) => s.id === id)!;

  const tools = await step('toolchains', async () => {
    await mkdir(o.paths.cacheDir, { recursive: true });
    const t = await ensureToolchains({
      root: l.checkout.root,
      searchPath: o.searchPath,
      cacheDir: o.paths.cacheDir,
      nodeBinDir: o.nodeBinDir,
      home: o.toolEnv.HOME ?? homedir(),
    });
    return { outcome: 'ran' as const, value: t, note: Object.values(t.versions).join(', ') };
  });
  const run = (c: Parameters<typeof runCommand>[0]) => runCommand(c, tools.searchPath, l.buildLog);
  const cachedBuild = (id: StepId, count: number, before?: () => Promise<void>) =>
    step(id, async () => {
      const s = stepOf(id);
      const key = p.keys[id]!;
      if (before) await before();
      if (await cache.hit(cacheSlot(l.checkout, id), key))
        return { outcome: 'cached' as const, value: key, note: key };
      const t0 = performance.now();
      for (const c of s.commands.slice(0, count)) await run(c);
      await cache.put(cacheSlot(l.checkout, id), {
        key,
        outputs: s.outputs,
        builtAt: new Date().toISOString(),
        seconds: (performance.now() - t0) / 1000,
      });
      return { outcome: 'ran' as const, value: key, note: key };
    });
  await cachedBuild('libboxlite', 2);
  const runnerKey = await cachedBuild('runner-binary', 1);
  await ensureRunnerHome(l);
  await run(stepOf('runner-binary').commands[1]!); // install, always (teardown may have removed it)
  const depsKey = await cachedBuild('api-deps', 1, () => prepareYarnWorkspace(l.apps));

  const secrets = await step('secrets', async () => {
    const own = await loadOrMintRecipeSecrets(l.secretsFile);
    return {
      outcome: 'ran' as const,
      value: {
        ENCRYPTION_KEY: o.secrets.ENCRYPTION_KEY,
        ADMIN_API_KEY: o.secrets.ADMIN_API_KEY,
        DEFAULT_RUNNER_API_KEY: o.secrets.RUNNER_TOKEN,
        ...own,
      },
    };
  });
  const env = envInputs(o, l, p, secrets);
  await step('env-file', async () => {
    await writeSecretFile(l.envFile, formatEnvFile(apiEnv(env)));
    await writeSecretFile(l.runnerEnvFile, formatEnvFile(runnerEnv(env)));
    return { outcome: 'ran' as const, value: null };
  });

  const prev = o.stack.boxlite ? { api: o.stack.api, runner: o.stack.runner } : {};
  const apiUrl = `http://127.0.0.1:${p.apiPort}/api`;
  const runnerUrl = `http://127.0.0.1:${p.runnerPort}`;
  const pathEnv = { PATH: tools.searchPath };
  const api = await step('api', async () => {
    const r = await ensureComponent(
      mode,
      o.paths,
      {
        unit: {
          name: 'boxlite-api',
          description: 'BoxLite API (boxlite-e2e)',
          user: o.toolEnv.USER ?? 'root',
          workingDirectory: l.apps,
          environmentFiles: [l.envFile],
          environment: pathEnv,
          execStart: apiArgv(l),
          restart: 'on-failure',
          after: ['network.target'],
          logFile: l.apiLog,
        },
        identityExtra: `${depsKey}:${l.checkout.head}`,
        marker: 'api/src/main.ts',
        probe: () => probeApiHealth(apiUrl),
        timeoutMs: 90_000,
      },
      prev.api?.version ?? null,
    );
    return { outcome: r.reused ? ('reused' as const) : ('ran' as const), value: r };
  });
  const runner = await step('runner', async () => {
    const r = await ensureComponent(
      mode,
      o.paths,
      {
        unit: {
          name: 'boxlite-runner',
          description: 'BoxLite runner (boxlite-e2e)',
          user: o.toolEnv.USER ?? 'root',
          workingDirectory: l.dir,
          environmentFiles: [l.envFile, l.runnerEnvFile],
          environment: pathEnv,
          execStart: [l.runnerBin],
          restart: 'always',
          after: ['network.target', 'boxlite-api.service'],
          ...(mode === 'supervisor' ? { logFile: l.runnerLog } : {}),
          timeoutStopSec: 60,
        },
        identityExtra: runnerKey,
        marker: l.runnerBin,
        probe: async () => {
          await probeRunnerRoot(runnerUrl);
          return probeRunnerRegistered(apiUrl, o.secrets.ADMIN_API_KEY, 'default');
        },
        timeoutMs: 60_000,
      },
      prev.runner?.version ?? null,
    );
    return { outcome: r.reused ? ('reused' as const) : ('ran' as const), value: r };
  });
  const me = await step('smoke', async () => {
    const m = await smokeMe(apiUrl, o.secrets.ADMIN_API_KEY);
    return { outcome: 'ran' as const, value: m, note: `sub ${m.sub}, path_prefix "${m.pathPrefix}"` };
  });
  await step('seed', async () => {
    const hook = o.seed ?? defaultSeed;
    const note = await hook({
      apiUrl,
      adminKey: o.secrets.ADMIN_API_KEY,
      images: (o.stack.images ?? []).map((i) => i.reference),
    });
    return { outcome: 'ran' as const, value: null, note };
  });

  const now = new Date().toISOString();
  const record = (
    url: string,
    port: number,
    started: typeof api,
    credentials: Record<string, string>,
  ): ComponentRecord => ({
    url,
    endpoint: { host: '127.0.0.1', port },
    credentials,
    process: started.process,
    log: started.log,
    // Upstream's path guard reads the runner's journald unit and the API's log file: the
    // fake checkout's sim components write their box-id journals into those same logs.
    journal: started.log,
    version: started.identity,
    startedAt: now,
    bugs: [],
  });
  const recipe = {
    checkout: l.checkout.repo,
    ref: l.checkout.rev,
    head: l.checkout.head,
    root: l.checkout.root,
    mode,
    envFile: l.envFile,
    pathPrefix: me.pathPrefix,
  };
  await writeFile(l.stateFile, `${JSON.stringify(recipe, null, 2)}\n`);
  return {
    api: record(apiUrl, p.apiPort, api, { apiKey: 'ADMIN_API_KEY' }),
    runner: record(runnerUrl, p.runnerPort, runner, { token: 'RUNNER_TOKEN' }),
    pathPrefix: me.pathPrefix,
    timings,
    recipe,
  };
}

function envInputs(
  o: BoxliteStackOptions,
  l: RecipeLayout,
  p: PreparedRecipe,
  secrets: EnvInputs['secrets'],
): EnvInputs {
  const { postgres, redis, registry } = o.stack.services;
  if (!postgres || !redis || !registry)
    throw new SetupError('target boxlite needs postgres, redis and registry in the stack');
  return {
    apiPort: p.apiPort,
    runnerPort: p.runnerPort,
    runnerDomain: '127.0.0.1',
    db: {
      host: postgres.endpoint.host,
      port: postgres.endpoint.port,
      user: PG_USER,
      password: o.secrets.DB_PASSWORD,
      database: PG_DATABASE,
    },
    redis: redis.endpoint,
    registry: registryHost(registry.endpoint),
    secrets,
    homeDir: l.homeDir,
    fake: {
      BOXLITE_FAKE_NODE: o.bridge.node,
      BOXLITE_FAKE_SIM_API: o.bridge.simApi,
      BOXLITE_FAKE_SIM_RUNNER: o.bridge.simRunner,
      BOXLITE_FAKE_DOCKER_HOST: o.bridge.dockerHost,
      BOXLITE_FAKE_STACK_FILE: o.paths.stackFile,
      BOXLITE_FAKE_API_ACCESS_LOG: l.apiLog,
      BOXLITE_FAKE_RUNNER_JOURNAL: l.runnerLog,
    },
  };
}

/** Stops the API and runner (units removed), drops the env files and the apps/apps link. */
export async function stopBoxliteStack(paths: StatePaths, full: boolean): Promise<boolean> {
  const dir = join(paths.stateDir, 'boxlite-stack');
  const state = await readFile(join(dir, 'recipe.json'), 'utf8').then(
    (t) => JSON.parse(t) as { mode: LaunchMode; root: string; checkout: string },
    () => null,
  );
  if (!state) return false;
  await stopComponent(state.mode, paths, 'boxlite-runner', join(dir, 'bin', 'boxlite-runner'));
  await stopComponent(state.mode, paths, 'boxlite-api', 'api/src/main.ts');
  for (const f of ['boxlite-api.env', 'boxlite-runner.env', 'recipe.json'])
    await rm(join(dir, f), { force: true });
  await rm(join(dir, 'bin'), { recursive: true, force: true });
  const link = join(state.root, 'apps', 'apps');
  if (
    await lstat(link).then(
      () => true,
      () => false,
    )
  )
    await rm(link, { force: true });
  if (full) await rm(join(dir, 'boxlite-secrets.env'), { force: true });
  return true;
}

/** `--plan`: the steps for `checkout` on this host, nothing run (ports: the stack's, else upstream's defaults when free). */
export async function planBoxliteStack(o: {
  checkout: string;
  ref?: string;
  paths: StatePaths;
  previous: StackFile | null;
  json: boolean;
  mode?: LaunchMode;
}): Promise<string> {
  const p = await recipeFor(o, o.previous, false);
  return o.json ? JSON.stringify(planJson(p), null, 2) : formatPlan(p);
}
