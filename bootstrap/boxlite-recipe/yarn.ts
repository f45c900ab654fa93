/**
 * Which yarn runs `yarn install` in apps/: the one `apps/package.json` pins with
 * `packageManager` (upstream pins yarn 4), installed with npm into the cache — never corepack,
 * whose first use downloads the release from repo.yarnpkg.com. Yarn ≥ 2 ships on npm as
 * `@yarnpkg/cli-dist`, classic as `yarn`. No pin: classic 1.22.22, as upstream's bootstrap
 * got from `corepack enable` before the pin existed.
 */
import { join } from 'node:path';
import { SetupError } from '../../kernel/errors.ts';

export interface YarnChoice {
  version: string;
  /** The npm package that provides it. */
  pkg: 'yarn' | '@yarnpkg/cli-dist';
  /** Where it is installed (`npm install --prefix`), one dir per version. */
  prefix: string;
  binDir: string;
  /** Where the version came from, for the plan. */
  source: string;
}

export const UNPINNED_YARN = '1.22.22';

/** The `yarn@x.y.z` pin of a package.json (a `+sha…` hash suffix is dropped). */
export function pinnedYarn(packageJson: string): string | null {
  let pm: unknown;
  try {
    pm = (JSON.parse(packageJson) as { packageManager?: unknown }).packageManager;
  } catch {
    return null;
  }
  if (typeof pm !== 'string') return null;
  const m = /^yarn@(\d+\.\d+\.\d+[\w.-]*?)(?:\+.*)?$/.exec(pm);
  if (!m) {
    if (pm.startsWith('yarn@'))
      throw new SetupError(`apps/package.json packageManager "${pm}" is not yarn@x.y.z`);
    throw new SetupError(`apps/package.json pins "${pm}"; the API workspace is installed with yarn`);
  }
  return m[1] as string;
}

export function yarnChoice(packageJson: string, cacheDir: string): YarnChoice {
  const pin = pinnedYarn(packageJson);
  const version = pin ?? UNPINNED_YARN;
  const prefix = join(cacheDir, 'boxlite-stack', 'yarn', version);
  return {
    version,
    pkg: Number(version.split('.')[0]) >= 2 ? '@yarnpkg/cli-dist' : 'yarn',
    prefix,
    binDir: join(prefix, 'node_modules', '.bin'),
    source: pin ? 'apps/package.json packageManager' : 'no packageManager pin',
  };
}

/** The npm command that installs it (run once per version; the plan shows it). */
export const yarnInstallArgv = (y: YarnChoice): string[] => [
  'npm',
  'install',
  '--prefix',
  y.prefix,
  '--no-audit',
  '--no-fund',
  '--no-save',
  `${y.pkg}@${y.version}`,
];

/** `yarn install` for that yarn: no classic-only flags (yarn ≥ 2 exits 1 on --non-interactive). */
export function yarnInstallEnv(): Record<string, string> {
  // HUSKY=0: apps/package.json's postinstall runs husky unless CI or HUSKY=0.
  return { HUSKY: '0' };
}
