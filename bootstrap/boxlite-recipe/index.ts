/**
 * Target boxlite from a checkout: runs the recipe (steps.ts) over the stack's services and
 * returns the API and runner records for the stack file. Each step prints its time; build
 * steps whose input key is cached print "cached". A failed step stops what this run started
 * (the OIDC server, the API, the runner) and says why in one line; teardown (lifecycle.ts)
 * stops them, removes the env files, and keeps secrets unless `full`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SetupError } from '../../kernel/errors.ts';
import type { StatePaths } from '../../kernel/paths.ts';
import type { Progress } from '../../kernel/progress.ts';
import type { Secrets } from '../../kernel/secrets.ts';
import type { ComponentRecord, StackFile } from '../../kernel/stack-file.ts';
import { PG_DATABASE, PG_USER } from '../services/postgres.ts';
import { registryHost } from '../services/registry.ts';
import { ensureComponent, type Started } from './components.ts';
import {
  apiEnv,
  type EnvInputs,
  formatEnvFile,
  loadOrMintRecipeSecrets,
  runnerEnv,
  writeSecretFile,
} from './env-file.ts';
import { apiLaunch, type LaunchFacts, runnerLaunch, withApiCause } from './launch.ts';
import type { RecipeLayout } from './layout.ts';
import {
  hostTools,
  type RecipeChoices,
  recipeFor,
  recordRecipeState,
  stopRecipeComponents,
} from './lifecycle.ts';
import { ensureOidc } from './oidc.ts';
import { cacheSlot, type PreparedRecipe } from './plan.ts';
import { smokeMe } from './probes.ts';
import { defaultSeed, type SeedHook } from './seed.ts';
import { runCommand, type ShellCommand } from './shell.ts';
import { StepCache } from './step-cache.ts';
import { ensureRunnerHome, prepareYarnWorkspace, type StepId, writeRunnerGoWork } from './steps.ts';
import { ensureToolchains, type Toolchains } from './toolchains.ts';

export { planBoxliteStack, stopBoxliteStack } from './lifecycle.ts';

/** Where a fake checkout's components find this harness's sim (see fake-checkout/). */
export interface SimBridge {
  node: string;
  simApi: string;
  simRunner: string;
  dockerHost: string;
}

export interface BoxliteStackOptions extends Omit<RecipeChoices, 'host' | 'paths'> {
  paths: StatePaths;
  /** Services (postgres, redis, registry) and images already up. */
  stack: StackFile;
  secrets: Secrets;
  searchPath: string;
  /** HOME (where rustup put cargo) and USER (the units' User=), from the entry point; build
   * tools otherwise inherit this process's environment with PATH replaced. */
  toolEnv: Record<string, string>;
  bridge: SimBridge;
  progress: Progress;
  seed?: SeedHook;
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

type Outcome<T> = { outcome: StepTiming['outcome']; value: T; note?: string };

export async function setupBoxliteStack(o: BoxliteStackOptions): Promise<BoxliteStackResult> {
  const p = await recipeFor({ ...o, host: hostTools(o.searchPath, o.toolEnv) }, o.stack, true);
  await mkdir(p.layout.dir, { recursive: true });
  const timings: StepTiming[] = [];
  const step = async <T>(id: StepId, fn: () => Promise<Outcome<T>>): Promise<T> => {
    const t0 = performance.now();
    const r = await o.progress.step(`${id}`, fn);
    timings.push({ id, seconds: (performance.now() - t0) / 1000, outcome: r.outcome });
    if (r.outcome !== 'ran' || r.note) o.progress.info(`${id}: ${r.outcome}${r.note ? ` — ${r.note}` : ''}`);
    return r.value;
  };
  await recordRecipeState(p);
  try {
    return await runRecipe(o, p, step, timings);
  } catch (err) {
    // A failed step stops what this run started: no restart-looping API left behind.
    await stopRecipeComponents(o.paths).catch(() => {});
    throw err;
  }
}

type StepFn = <T>(id: StepId, fn: () => Promise<Outcome<T>>) => Promise<T>;

async function runBuilds(o: BoxliteStackOptions, p: PreparedRecipe, step: StepFn) {
  const l = p.layout;
  const cache = await StepCache.open(o.paths.cacheDir);
  const stepOf = (id: StepId) => p.steps.find((s) => s.id === id)!;
  const tools = await step('toolchains', async () => {
    await mkdir(o.paths.cacheDir, { recursive: true });
    const host = hostTools(o.searchPath, o.toolEnv);
    const t = await ensureToolchains({
      root: l.checkout.root,
      host,
      yarn: p.facts.yarn,
      cacheDir: o.paths.cacheDir,
    });
    return { outcome: 'ran' as const, value: t, note: Object.values(t.versions).join(', ') };
  });
  const run = (c: ShellCommand) => runCommand(c, tools.searchPath, l.buildLog);
  const cachedBuild = (id: StepId, before?: () => Promise<void>) =>
    step(id, async () => {
      const s = stepOf(id);
      const key = p.keys[id]!;
      if (before) await before();
      const hit = await cache.hit(cacheSlot(l.checkout, id), key);
      if (!hit) {
        const t0 = performance.now();
        for (const c of s.commands) await run(c);
        await cache.put(cacheSlot(l.checkout, id), {
          key,
          outputs: s.outputs,
          builtAt: new Date().toISOString(),
          seconds: (performance.now() - t0) / 1000,
        });
      }
      for (const c of s.always) await run(c); // teardown may have removed what they install
      return { outcome: hit ? ('cached' as const) : ('ran' as const), value: key, note: key };
    });
  const libKey = await cachedBuild('libboxlite');
  await ensureRunnerHome(l);
  const runnerKey = await cachedBuild('runner-binary', () =>
    writeRunnerGoWork(l, p.facts.runnerBuild, p.facts.tools.go),
  );
  const depsKey = await cachedBuild('api-deps', () => prepareYarnWorkspace(l.apps));
  return { tools, libKey, runnerKey, depsKey };
}

async function runRecipe(
  o: BoxliteStackOptions,
  p: PreparedRecipe,
  step: StepFn,
  timings: StepTiming[],
): Promise<BoxliteStackResult> {
  const l = p.layout;
  const { tools, runnerKey, depsKey } = await runBuilds(o, p, step);
  const secrets = await step('secrets', async () => {
    const own = await loadOrMintRecipeSecrets(l.secretsFile);
    const value = {
      ENCRYPTION_KEY: o.secrets.ENCRYPTION_KEY,
      ADMIN_API_KEY: o.secrets.ADMIN_API_KEY,
      DEFAULT_RUNNER_API_KEY: o.secrets.RUNNER_TOKEN,
      ...own,
    };
    return { outcome: 'ran' as const, value };
  });
  await step('oidc', async () => ({
    outcome: await ensureOidc(p.facts.oidc, o.paths, l.oidcLog),
    value: null,
    note: p.facts.oidc.issuer,
  }));
  await step('env-file', async () => {
    const env = envInputs(o, l, p, secrets);
    await writeSecretFile(l.envFile, formatEnvFile(apiEnv(env)));
    await writeSecretFile(l.runnerEnvFile, formatEnvFile(runnerEnv(env)));
    return { outcome: 'ran' as const, value: null };
  });

  const prev = o.stack.boxlite ? { api: o.stack.api, runner: o.stack.runner } : {};
  const f: LaunchFacts = {
    layout: l,
    user: o.toolEnv.USER ?? 'root',
    searchPath: tools.searchPath,
    apiUrl: `http://127.0.0.1:${p.apiPort}/api`,
    runnerUrl: `http://127.0.0.1:${p.runnerPort}`,
    adminKey: o.secrets.ADMIN_API_KEY,
  };
  const start = (r: Started): Outcome<Started> => ({ outcome: r.reused ? 'reused' : 'ran', value: r });
  const api = await step('api', async () =>
    start(
      await withApiCause(l.apiLog, () =>
        ensureComponent(l.mode, o.paths, apiLaunch(f, depsKey), prev.api?.version ?? null),
      ),
    ),
  );
  const runner = await step('runner', async () =>
    start(await ensureComponent(l.mode, o.paths, runnerLaunch(f, runnerKey), prev.runner?.version ?? null)),
  );
  const me = await step('smoke', async () => {
    const m = await smokeMe(f.apiUrl, o.secrets.ADMIN_API_KEY);
    return { outcome: 'ran' as const, value: m, note: `sub ${m.sub}, path_prefix "${m.pathPrefix}"` };
  });
  await step('seed', async () => {
    const hook = o.seed ?? defaultSeed;
    const images = (o.stack.images ?? []).map((i) => i.reference);
    const note = await hook({ apiUrl: f.apiUrl, adminKey: o.secrets.ADMIN_API_KEY, images });
    return { outcome: 'ran' as const, value: null, note };
  });
  return {
    api: componentRecord(f.apiUrl, p.apiPort, api, { apiKey: 'ADMIN_API_KEY' }),
    runner: componentRecord(f.runnerUrl, p.runnerPort, runner, { token: 'RUNNER_TOKEN' }),
    pathPrefix: me.pathPrefix,
    timings,
    recipe: {
      checkout: l.checkout.repo,
      ref: l.checkout.rev,
      head: l.checkout.head,
      root: l.checkout.root,
      mode: l.mode,
      envFile: l.envFile,
      pathPrefix: me.pathPrefix,
      nativeDeps: p.facts.nativeDeps.mode,
      oidcIssuer: p.facts.oidc.issuer,
    },
  };
}

const componentRecord = (
  url: string,
  port: number,
  started: Started,
  credentials: Record<string, string>,
): ComponentRecord => ({
  url,
  endpoint: { host: '127.0.0.1', port },
  credentials,
  process: started.process,
  log: started.log,
  // The path guard reads the runner's journal and the API's log: the real components' own
  // logs, or on a fake checkout the sim components' box-id journals written into them.
  journal: started.log,
  version: started.identity,
  startedAt: new Date().toISOString(),
  bugs: [],
});

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
    oidcIssuer: p.facts.oidc.issuer,
    // Named as the cases spell them (`name:tag`): the API admits a curated name or its ref.
    systemImages: (o.stack.images ?? []).map((i) => [`${i.name}:${i.tag}`, i.reference]),
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

export type { Toolchains };
export const recipeDir = (paths: StatePaths) => join(paths.stateDir, 'boxlite-stack');
