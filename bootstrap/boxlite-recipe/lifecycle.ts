/**
 * What surrounds a recipe run: the launch mode and ports it uses, the `--plan` entry, and
 * teardown. Setup records what it is about to start (recipe.json) before starting anything,
 * so teardown — or a failed setup — stops it even when setup never finished.
 */
import { lstat, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { StatePaths } from '../../kernel/paths.ts';
import { choosePort } from '../../kernel/ports.ts';
import { inspectSupervised } from '../../kernel/process/supervised.ts';
import type { ComponentRecord, StackFile } from '../../kernel/stack-file.ts';
import { stopComponent } from './components.ts';
import type { LaunchMode } from './layout.ts';
import type { NativeDeps } from './native-deps.ts';
import { localIssuer, OIDC_NAME, stopOidc, userIssuer } from './oidc.ts';
import { formatPlan, type PreparedRecipe, planJson, prepareRecipe } from './plan.ts';
import type { HostTools } from './toolchains.ts';
import { systemdIsPid1 } from './units.ts';

export const launchMode = async (m?: LaunchMode): Promise<LaunchMode> =>
  m ?? ((await systemdIsPid1()) ? 'systemd' : 'supervisor');

const API_DEFAULT_PORT = 3000;
const RUNNER_DEFAULT_PORT = 8080;
const OIDC_DEFAULT_PORT = 3099;

/** Keeps a running component's port (it holds it); else the previous or upstream's default, when free. */
async function portFor(what: string, prev: number | undefined, runDir: string, name: string, dflt: number) {
  if (prev && (await inspectSupervised(runDir, name)).alive) return prev;
  return choosePort(what, undefined, prev ?? dflt);
}

const recordPort = (c: ComponentRecord | undefined) => c?.endpoint.port;

export async function planPorts(stack: StackFile | null, paths: StatePaths) {
  const own = stack?.boxlite;
  const oidcPort = own?.oidcIssuer ? Number(new URL(own.oidcIssuer).port) || undefined : undefined;
  return {
    apiPort: await portFor(
      'boxlite api',
      own ? recordPort(stack.api) : undefined,
      paths.runDir,
      'boxlite-api',
      API_DEFAULT_PORT,
    ),
    runnerPort: await portFor(
      'boxlite runner',
      own ? recordPort(stack.runner) : undefined,
      paths.runDir,
      'boxlite-runner',
      RUNNER_DEFAULT_PORT,
    ),
    oidcPort: await portFor('oidc discovery', oidcPort, paths.runDir, OIDC_NAME, OIDC_DEFAULT_PORT),
  };
}

export interface RecipeChoices {
  checkout: string;
  ref?: string;
  paths: StatePaths;
  mode?: LaunchMode;
  nativeDeps?: NativeDeps;
  /** The user's OIDC issuer; else the harness serves a local discovery document. */
  oidcIssuer?: string;
  host: HostTools;
}

/** The recipe for a checkout on this host: launch mode, ports (the stack's, else defaults), steps. */
export async function recipeFor(o: RecipeChoices, previous: StackFile | null, materialize: boolean) {
  const mode = await launchMode(o.mode);
  const { oidcPort, ...ports } = await planPorts(previous, o.paths);
  return prepareRecipe({
    checkout: o.checkout,
    ...(o.ref ? { ref: o.ref } : {}),
    paths: o.paths,
    mode,
    ...ports,
    host: o.host,
    ...(o.nativeDeps ? { nativeDeps: o.nativeDeps } : {}),
    oidc: o.oidcIssuer ? userIssuer(o.oidcIssuer) : localIssuer(oidcPort),
    materialize,
  });
}

/** The host tools of the entry point's environment. */
export const hostTools = (searchPath: string, toolEnv: Record<string, string>): HostTools => ({
  searchPath,
  home: toolEnv.HOME ?? homedir(),
  nodeBinDir: dirname(process.execPath),
});

interface RecipeState {
  mode: LaunchMode;
  root: string;
  checkout: string;
  runnerBin: string;
}

const stateFileOf = (paths: StatePaths) => join(paths.stateDir, 'boxlite-stack', 'recipe.json');

/** Written before anything starts: what teardown must stop. */
export async function recordRecipeState(p: PreparedRecipe): Promise<void> {
  const s: RecipeState = {
    mode: p.layout.mode,
    root: p.checkout.root,
    checkout: p.checkout.repo,
    runnerBin: p.layout.runnerBin,
  };
  await writeFile(p.layout.stateFile, `${JSON.stringify(s, null, 2)}\n`);
}

/** Stops the runner, the API and the OIDC server this state dir started (whether setup finished or not). */
export async function stopRecipeComponents(paths: StatePaths): Promise<RecipeState | null> {
  const state = await readFile(stateFileOf(paths), 'utf8').then(
    (t) => JSON.parse(t) as RecipeState,
    () => null,
  );
  if (!state) return null;
  await stopComponent(state.mode, paths, 'boxlite-runner', state.runnerBin);
  await stopComponent(state.mode, paths, 'boxlite-api', 'api/src/main.ts');
  await stopOidc(paths);
  return state;
}

/** Teardown: stops the components, drops the env files, the runner's bin dir and the apps/apps link. */
export async function stopBoxliteStack(paths: StatePaths, full: boolean): Promise<boolean> {
  const state = await stopRecipeComponents(paths);
  if (!state) return false;
  const dir = dirname(stateFileOf(paths));
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
export async function planBoxliteStack(
  o: RecipeChoices & { previous: StackFile | null; json: boolean },
): Promise<string> {
  const p = await recipeFor(o, o.previous, false);
  return o.json ? JSON.stringify(planJson(p), null, 2) : formatPlan(p);
}
