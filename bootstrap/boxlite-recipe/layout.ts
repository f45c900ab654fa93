/**
 * Where the recipe keeps things, as pure data (the plan prints it, the steps use it). Upstream
 * writes /etc/boxlite-api.env, /etc/boxlite-secrets.env, /usr/local/bin/boxlite-runner,
 * /var/lib/boxlite and /var/log/boxlite-api.log; here each lives under the state dir, so two
 * stacks on one host never share them and no step needs sudo. Build outputs live in the
 * cache (kept by every teardown mode) keyed by input hash.
 */
import { join } from 'node:path';
import type { StatePaths } from '../../kernel/paths.ts';
import type { Checkout } from './checkout.ts';

export type LaunchMode = 'systemd' | 'supervisor';

/** Host binaries a stub libboxlite needs beside the runner (src/boxlite/src/disk/ext4.rs). */
export const RUNTIME_TOOLS = ['mke2fs', 'debugfs'] as const;

export function recipeLayout(paths: StatePaths, checkout: Checkout, mode: LaunchMode) {
  const dir = join(paths.stateDir, 'boxlite-stack');
  return {
    checkout,
    mode,
    dir,
    apps: join(checkout.root, 'apps'),
    envFile: join(dir, 'boxlite-api.env'),
    runnerEnvFile: join(dir, 'boxlite-runner.env'),
    secretsFile: join(dir, 'boxlite-secrets.env'),
    runnerBin: join(dir, 'bin', 'boxlite-runner'),
    homeDir: join(paths.dataDir, 'boxlite-home'),
    apiLog: join(paths.logDir, 'boxlite-api.log'),
    runnerLog: join(paths.logDir, 'boxlite-runner.log'),
    buildLog: join(paths.logDir, 'boxlite-stack-build.log'),
    oidcLog: join(paths.logDir, 'boxlite-oidc.log'),
    cacheDir: paths.cacheDir,
    /** Built runner binaries, one dir per input key. */
    runnerBuildDir: (key: string) => join(paths.cacheDir, 'boxlite-stack', 'runner', key),
    libboxlite: join(checkout.root, 'sdks', 'go', 'libboxlite.a'),
    /** Recorded so teardown finds what setup touched (units, the apps/apps symlink). */
    stateFile: join(dir, 'recipe.json'),
  };
}
export type RecipeLayout = ReturnType<typeof recipeLayout>;

/** The API's ExecStart, run in apps/ (upstream's unit, ts-node from the yarn install). */
export function apiArgv(l: RecipeLayout): string[] {
  return [
    join(l.apps, 'node_modules', '.bin', 'ts-node'),
    '--transpile-only',
    '--project',
    'api/tsconfig.app.json',
    '-r',
    'tsconfig-paths/register',
    'api/src/main.ts',
  ];
}
