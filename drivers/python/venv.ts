/**
 * A private virtualenv holding the pinned PyPI `boxlite` SDK, for the Python driver.
 * Built once under the state dir's cache (`<stateDir>/cache/python-sdk-venv`); a marker
 * naming the pinned version makes later calls a file read. Concurrent callers (vitest
 * workers) serialise on a lock directory, so the venv is only ever built by one of them.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import type { Progress } from '../../kernel/progress.ts';

/** The PyPI SDK version every Python-driven case runs against. */
export const BOXLITE_PY_VERSION = '0.10.8';

export interface EnsurePythonSdkOptions {
  /** Usually `statePaths(stateDir).cacheDir` (cases: the run context's `cacheDir`). */
  cacheDir: string;
  progress?: Progress;
  /** Interpreter that creates the venv (default `python3` on PATH). */
  python?: string;
  /** Package version to pin (default BOXLITE_PY_VERSION). */
  version?: string;
}

interface Marker {
  package: 'boxlite';
  version: string;
}

const LOCK_WAIT_MS = 10 * 60_000;
const LOCK_STALE_MS = 15 * 60_000;

export function pythonSdkPaths(cacheDir: string) {
  const venvDir = join(cacheDir, 'python-sdk-venv');
  return {
    venvDir,
    python: join(venvDir, 'bin', 'python'),
    marker: join(venvDir, '.boxlite-e2e-sdk.json'),
    lock: `${venvDir}.lock`,
  };
}

async function markerMatches(paths: ReturnType<typeof pythonSdkPaths>, version: string): Promise<boolean> {
  if (!existsSync(paths.python)) return false;
  try {
    const m = JSON.parse(await readFile(paths.marker, 'utf8')) as Partial<Marker>;
    return m.package === 'boxlite' && m.version === version;
  } catch {
    return false;
  }
}

/** The last meaningful line of a tool's output: what went wrong, on one line. */
function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (
    lines.findLast((l) => /error|no module|not found|failed|unable/i.test(l)) ?? lines.at(-1) ?? '(no output)'
  );
}

async function acquireLock(lock: string): Promise<() => Promise<void>> {
  const t0 = Date.now();
  for (;;) {
    try {
      await mkdir(lock);
      return () => rm(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const age = await stat(lock).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > LOCK_STALE_MS) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() - t0 > LOCK_WAIT_MS) {
      throw new SetupError(
        `python SDK venv: waited ${LOCK_WAIT_MS / 60_000} min for ${lock}; remove it if no setup is running`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function build(
  paths: ReturnType<typeof pythonSdkPaths>,
  python: string,
  version: string,
): Promise<void> {
  const venv = await execa(python, ['-m', 'venv', '--clear', paths.venvDir], { reject: false, all: true });
  if (venv.failed) {
    if ((venv as { code?: string }).code === 'ENOENT') {
      throw new SetupError(
        `${python} not found on PATH; the Python SDK driver needs Python 3 with the venv module`,
      );
    }
    const hint = /ensurepip|venv/i.test(venv.all ?? '') ? ' (on Debian: apt-get install python3-venv)' : '';
    throw new SetupError(
      `${python} -m venv ${paths.venvDir} failed: ${lastLine(venv.all ?? venv.message)}${hint}`,
    );
  }
  const spec = `boxlite==${version}`;
  const pip = await execa(
    paths.python,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', spec],
    { reject: false, all: true, env: { PIP_NO_INPUT: '1' } },
  );
  if (pip.failed)
    throw new SetupError(
      `pip install ${spec} into ${paths.venvDir} failed: ${lastLine(pip.all ?? pip.message)}`,
    );
  const check = await execa(
    paths.python,
    ['-c', 'import boxlite, importlib.metadata as m; boxlite.Boxlite.rest; print(m.version("boxlite"))'],
    { reject: false, all: true },
  );
  if (check.failed)
    throw new SetupError(`${spec} installed but does not import: ${lastLine(check.all ?? check.message)}`);
  if (check.stdout.trim() !== version) {
    throw new SetupError(`pip installed boxlite ${check.stdout.trim()}, expected ${version}`);
  }
  const marker: Marker = { package: 'boxlite', version };
  await writeFile(paths.marker, `${JSON.stringify(marker)}\n`);
}

/**
 * Makes sure the venv with `boxlite==<version>` exists and returns its python. Idempotent:
 * when the marker names the pinned version this is one small file read.
 */
export async function ensurePythonSdk(opts: EnsurePythonSdkOptions): Promise<string> {
  const version = opts.version ?? BOXLITE_PY_VERSION;
  const paths = pythonSdkPaths(opts.cacheDir);
  if (await markerMatches(paths, version)) return paths.python;
  await mkdir(opts.cacheDir, { recursive: true });
  const release = await acquireLock(paths.lock);
  try {
    // Another worker may have finished while we waited for the lock.
    if (await markerMatches(paths, version)) return paths.python;
    const run = () => build(paths, opts.python ?? 'python3', version);
    await (opts.progress ? opts.progress.step(`python SDK venv (boxlite==${version})`, run) : run());
    return paths.python;
  } finally {
    await release();
  }
}
