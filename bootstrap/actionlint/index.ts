/**
 * actionlint, the GitHub workflow linter `pnpm test` runs over .github/. Pinned, built once
 * with `go install` through the Go module proxy into the machine-wide cache
 * (`<cache>/tools/actionlint-<version>/actionlint`), so every clone and every warm run only
 * stats the file. The build goes into a temporary GOBIN and is renamed into place, so a
 * concurrent or interrupted build never leaves a half-written binary at the cached path.
 */
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import { findExecutable } from '../../kernel/which.ts';

/** The version the Go module proxy serves here (the newest at the time of pinning). */
export const ACTIONLINT_VERSION = 'v1.7.12';
export const ACTIONLINT_MODULE = 'github.com/rhysd/actionlint/cmd/actionlint';

export interface ActionlintSpec {
  /** Machine-wide cache root (`BOXLITE_E2E_CACHE_DIR`, default ~/.cache/boxlite-e2e). */
  cacheRoot: string;
  version: string;
}

export interface Actionlint {
  path: string;
  version: string;
  /** True when this call built it. */
  built: boolean;
}

export function actionlintPaths(spec: ActionlintSpec) {
  const dir = join(spec.cacheRoot, 'tools', `actionlint-${spec.version}`);
  return { dir, binary: join(dir, 'actionlint'), log: join(dir, 'build.log') };
}

/** Go on the search path, else its tarball's usual home (often not on PATH in non-login shells). */
export async function findGo(searchPath: string): Promise<string | null> {
  return findExecutable('go', searchPath, ['/usr/local/go/bin']);
}

/** `actionlint -version` prints the version on its first line (e.g. `v1.7.12`). */
export async function versionOfActionlint(binary: string): Promise<string | null> {
  const res = await execa(binary, ['-version'], { reject: false, timeout: 10_000 });
  const first = res.stdout.split('\n')[0]?.trim() ?? '';
  return res.failed || !/^v?\d+\.\d+\.\d+/.test(first) ? null : first;
}

/** Warm lookup: the cached binary, when it is there and executable. Never builds. */
export async function findActionlint(spec: ActionlintSpec): Promise<Actionlint | null> {
  const { binary } = actionlintPaths(spec);
  const st = await stat(binary).catch(() => null);
  if (!st?.isFile() || (st.mode & 0o111) === 0) return null;
  return { path: binary, version: spec.version, built: false };
}

export interface EnsureActionlintOptions {
  searchPath: string;
  /** go executable; default: found on the search path. */
  go?: string | null;
}

export async function ensureActionlint(
  spec: ActionlintSpec,
  opts: EnsureActionlintOptions,
): Promise<Actionlint> {
  const warm = await findActionlint(spec);
  if (warm) return warm;
  const paths = actionlintPaths(spec);
  const go = opts.go === undefined ? await findGo(opts.searchPath) : opts.go;
  if (!go)
    throw new SetupError(
      `go not found on PATH: it is needed once to build actionlint ${spec.version} into ${paths.dir} (install Go, or place an actionlint ${spec.version} binary at ${paths.binary})`,
    );
  await mkdir(paths.dir, { recursive: true });
  const gobin = await mkdtemp(join(paths.dir, '.build-'));
  try {
    const res = await execa(go, ['install', `${ACTIONLINT_MODULE}@${spec.version}`], {
      env: { GOBIN: gobin, GOFLAGS: '-buildvcs=false' },
      reject: false,
      all: true,
    });
    if (res.failed) {
      await writeFile(paths.log, `${go} install ${ACTIONLINT_MODULE}@${spec.version}\n${res.all ?? ''}\n`);
      const why = String(res.all ?? res.shortMessage ?? '')
        .trim()
        .split('\n')
        .at(-1);
      throw new SetupError(
        `go install ${ACTIONLINT_MODULE}@${spec.version} failed: ${why}; see ${paths.log}`,
      );
    }
    const version = await versionOfActionlint(join(gobin, 'actionlint'));
    if (version !== spec.version)
      throw new SetupError(`go installed actionlint ${version ?? '(no version)'}, expected ${spec.version}`);
    await rename(join(gobin, 'actionlint'), paths.binary);
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
  return { path: paths.binary, version: spec.version, built: true };
}

export interface LintResult {
  /** actionlint's exit code: 0 clean, 1 problems found, 2 bad option, 3 fatal. */
  exitCode: number;
  /** Its report (findings with their source lines), ending in a newline when not empty. */
  output: string;
  /** Whether shellcheck was on the search path (actionlint then checks `run:` scripts with it). */
  shellcheck: boolean;
}

/**
 * Runs actionlint over a repository's .github/ (workflows, and the local actions they use), or
 * over the given files. shellcheck is used when present, never required.
 */
export async function runActionlint(
  binary: string,
  opts: { cwd: string; searchPath: string; files?: readonly string[] },
): Promise<LintResult> {
  const shellcheck = await findExecutable('shellcheck', opts.searchPath);
  const res = await execa(binary, ['-no-color', ...(opts.files ?? [])], {
    cwd: opts.cwd,
    env: { PATH: opts.searchPath },
    reject: false,
    all: true,
  });
  const output = String(res.all ?? '');
  return {
    exitCode: res.exitCode ?? 3,
    output: output && !output.endsWith('\n') ? `${output}\n` : output,
    shellcheck: shellcheck !== null,
  };
}
