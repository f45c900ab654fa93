/**
 * What upstream's suite reads to find the stack: its variables (apps/e2e/README.md "Running
 * against a remote API"), the `p1` credentials profile `fixture_setup.py` would write, the CLI
 * binary, and the path check's journal. Upstream counts box ids in `journalctl -u UNIT`; a
 * runner journal that is a file is served by our `journalctl` shim under that unit name.
 */
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LogSource } from '../../kernel/stack-file.ts';

export const PROFILE = 'p1';
/** The unit name the shim answers for (upstream's default is `boxlite-runner`). */
export const SHIM_UNIT = 'boxlite-e2e-runner';
const SHIM = join(import.meta.dirname, 'journalctl.py');

export interface SuiteTarget {
  apiUrl: string;
  apiKey: string;
  pathPrefix: string;
  image: string;
  journals: { runner: LogSource | null; api: LogSource | null };
}

export interface SuiteEnvInputs {
  target: SuiteTarget;
  /** Per-run scratch: the credentials home and the shim's bin dir go here. */
  runDir: string;
  venvBin: string;
  cli: string | null;
  /** The C/Go library dir when the drivers link ours (go build reads CGO_LDFLAGS). */
  sdkLibDir: string | null;
  /** The caller's PATH. */
  searchPath: string;
}

export interface SuiteEnv {
  env: Record<string, string>;
  /** How upstream's path check is served, for the report. */
  pathCheck: string;
}

/** The credentials file `fixture_setup.py` writes: `p1` and `default` with the same entry. */
export function credentialsToml(t: SuiteTarget): string {
  const entry = [
    `url = ${JSON.stringify(t.apiUrl)}`,
    `api_key = ${JSON.stringify(t.apiKey)}`,
    'auth_method = "api_key"',
    `path_prefix = ${JSON.stringify(t.pathPrefix)}`,
  ].join('\n');
  return `[profiles.${PROFILE}]\n${entry}\n\n[profiles.default]\n${entry}\n`;
}

function pathCheck(
  journals: SuiteTarget['journals'],
  bin: string,
): { env: Record<string, string>; how: string } {
  const { runner, api } = journals;
  const apiLog: Record<string, string> = api?.kind === 'file' ? { BOXLITE_E2E_API_LOG: api.path } : {};
  if (runner?.kind === 'file')
    return {
      env: {
        BOXLITE_E2E_RUNNER_UNIT: SHIM_UNIT,
        BOXLITE_E2E_RUNNER_JOURNAL: `file:${runner.path}`,
        ...apiLog,
      },
      how: `runner journal ${runner.path} served as journalctl -u ${SHIM_UNIT} (${join(bin, 'journalctl')})`,
    };
  if (runner?.kind === 'journald')
    return { env: { BOXLITE_E2E_RUNNER_UNIT: runner.unit, ...apiLog }, how: `journalctl -u ${runner.unit}` };
  const why = runner ? `the runner journal is a ${runner.kind} source` : 'no runner journal is known';
  return { env: { BOXLITE_E2E_SKIP_PATH_VERIFY: '1' }, how: `off (BOXLITE_E2E_SKIP_PATH_VERIFY=1): ${why}` };
}

export async function suiteEnv(i: SuiteEnvInputs): Promise<SuiteEnv> {
  const home = join(i.runDir, 'home');
  const bin = join(i.runDir, 'bin');
  await mkdir(home, { recursive: true, mode: 0o700 });
  await mkdir(bin, { recursive: true });
  await writeFile(join(home, 'credentials.toml'), credentialsToml(i.target), { mode: 0o600 });
  await chmod(SHIM, 0o755);
  await symlink(SHIM, join(bin, 'journalctl'));
  const check = pathCheck(i.target.journals, bin);
  const env: Record<string, string> = {
    PATH: [bin, i.venvBin, i.searchPath].join(':'),
    BOXLITE_HOME: home,
    BOXLITE_E2E_PROFILE: PROFILE,
    BOXLITE_E2E_AUTH: 'api-key',
    BOXLITE_E2E_API_URL: i.target.apiUrl,
    BOXLITE_E2E_API_KEY: i.target.apiKey,
    BOXLITE_E2E_PREFIX: i.target.pathPrefix,
    BOXLITE_E2E_IMAGE: i.target.image,
    // The suite is staged fresh each run; nothing of it is cached between runs.
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONPATH: dirname(SHIM),
    ...check.env,
  };
  if (i.cli) env.BOXLITE_E2E_CLI = i.cli;
  if (i.sdkLibDir) env.CGO_LDFLAGS = `-L${i.sdkLibDir}`;
  return { env, pathCheck: check.how };
}
