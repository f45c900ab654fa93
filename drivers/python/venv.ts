/**
 * Private virtualenvs holding pinned PyPI packages: the `boxlite` SDK for the Python driver
 * (`<stateDir>/cache/python-sdk-venv`), and any other pinned set a tool asks for (upstream's
 * pytest suite). Built once; a marker naming the pinned requirements makes later calls a file
 * read. Concurrent callers (vitest workers) serialise on a lock directory, so a venv is only
 * ever built by one of them.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

/** A venv: where it lives, what pip installs into it, and the boxlite version it must import. */
export interface VenvSpec {
  dir: string;
  /** pip requirement specifiers, e.g. `boxlite==0.10.8`, `pytest==9.2.0`. */
  requirements: readonly string[];
  boxliteVersion: string;
}

interface Marker {
  requirements: string[];
}

const LOCK_WAIT_MS = 10 * 60_000;
const LOCK_STALE_MS = 15 * 60_000;

export function pythonSdkPaths(cacheDir: string) {
  return venvPaths(join(cacheDir, 'python-sdk-venv'));
}

function venvPaths(venvDir: string) {
  return {
    venvDir,
    python: join(venvDir, 'bin', 'python'),
    marker: join(venvDir, '.boxlite-e2e-sdk.json'),
    lock: `${venvDir}.lock`,
  };
}

async function markerMatches(paths: ReturnType<typeof venvPaths>, spec: VenvSpec): Promise<boolean> {
  if (!existsSync(paths.python)) return false;
  try {
    const m = JSON.parse(await readFile(paths.marker, 'utf8')) as Partial<Marker>;
    return JSON.stringify(m.requirements) === JSON.stringify(spec.requirements);
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

async function build(paths: ReturnType<typeof venvPaths>, python: string, spec: VenvSpec): Promise<void> {
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
  const wanted = spec.requirements.join(' ');
  const pip = await execa(
    paths.python,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', ...spec.requirements],
    { reject: false, all: true, env: { PIP_NO_INPUT: '1' } },
  );
  if (pip.failed)
    throw new SetupError(
      `pip install ${wanted} into ${paths.venvDir} failed: ${lastLine(pip.all ?? pip.message)}`,
    );
  const check = await execa(
    paths.python,
    ['-c', 'import boxlite, importlib.metadata as m; boxlite.Boxlite.rest; print(m.version("boxlite"))'],
    { reject: false, all: true },
  );
  if (check.failed)
    throw new SetupError(
      `${wanted} installed but boxlite does not import: ${lastLine(check.all ?? check.message)}`,
    );
  if (check.stdout.trim() !== spec.boxliteVersion) {
    throw new SetupError(`pip installed boxlite ${check.stdout.trim()}, expected ${spec.boxliteVersion}`);
  }
  const marker: Marker = { requirements: [...spec.requirements] };
  await writeFile(paths.marker, `${JSON.stringify(marker)}\n`);
}

/** Makes sure the venv with `boxlite==<version>` exists and returns its python. */
export async function ensurePythonSdk(opts: EnsurePythonSdkOptions): Promise<string> {
  const version = opts.version ?? BOXLITE_PY_VERSION;
  const spec = {
    dir: pythonSdkPaths(opts.cacheDir).venvDir,
    requirements: [`boxlite==${version}`],
    boxliteVersion: version,
  };
  return ensureVenv(spec, { progress: opts.progress, python: opts.python, label: 'python SDK venv' });
}

/**
 * Makes sure the venv of `spec` exists with exactly its requirements and returns its python.
 * Idempotent: when the marker names the same requirements this is one small file read.
 */
export async function ensureVenv(
  spec: VenvSpec,
  opts: { progress?: Progress; python?: string; label: string },
): Promise<string> {
  const paths = venvPaths(spec.dir);
  if (await markerMatches(paths, spec)) return paths.python;
  await mkdir(dirname(spec.dir), { recursive: true });
  const release = await acquireLock(paths.lock);
  try {
    // Another worker may have finished while we waited for the lock.
    if (await markerMatches(paths, spec)) return paths.python;
    const run = () => build(paths, opts.python ?? 'python3', spec);
    const label = `${opts.label} (${spec.requirements.join(' ')})`;
    await (opts.progress ? opts.progress.step(label, run) : run());
    return paths.python;
  } finally {
    await release();
  }
}
