/**
 * actionlint, the GitHub workflow linter `pnpm test` runs over .github/. Pinned, built once
 * with `go install` through the Go module proxy into the machine-wide build cache (area
 * `tools`), so every clone and every warm run only reads its record and stats the file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import { createProgress, type Progress } from '../../kernel/progress.ts';
import { findExecutable } from '../../kernel/which.ts';
import {
  type BuildContext,
  type BuildOutcome,
  type CacheEntry,
  ensureBuilt,
  entryPaths,
  findBuilt,
  keepProduct,
} from '../build-cache/index.ts';

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

function actionlintEntry(spec: ActionlintSpec): CacheEntry {
  const inputs = `${ACTIONLINT_MODULE}@${spec.version}`;
  return { root: spec.cacheRoot, area: 'tools', key: `actionlint-${spec.version}`, inputs };
}

export function actionlintPaths(spec: ActionlintSpec) {
  const { dir, log } = entryPaths(actionlintEntry(spec));
  return { dir, binary: join(dir, 'bin', 'actionlint'), log };
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

/** Warm lookup: the recorded binary, while it is the one recorded. Never builds. */
export async function findActionlint(spec: ActionlintSpec): Promise<Actionlint | null> {
  const r = await findBuilt(actionlintEntry(spec));
  return r ? { path: r.outputs.actionlint!.path, version: spec.version, built: false } : null;
}

export interface EnsureActionlintOptions {
  searchPath: string;
  /** go executable; default: found on the search path. */
  go?: string | null;
  /** Where the build step is reported (default: nowhere). */
  progress?: Progress;
}

/** `go install` into a temporary GOBIN, kept once it reports the pinned version. */
async function goInstall(ctx: BuildContext, go: string, version: string): Promise<BuildOutcome> {
  const gobin = await mkdtemp(join(ctx.dir, '.build-'));
  try {
    await ctx.run({
      label: `go install ${ACTIONLINT_MODULE}@${version}`,
      cmd: go,
      args: ['install', `${ACTIONLINT_MODULE}@${version}`],
      env: { GOBIN: gobin, GOFLAGS: '-buildvcs=false' },
    });
    const built = await versionOfActionlint(join(gobin, 'actionlint'));
    if (built !== version)
      throw new SetupError(`go installed actionlint ${built ?? '(no version)'}, expected ${version}`);
    return { outputs: { actionlint: await keepProduct(ctx, join(gobin, 'actionlint'), 'actionlint') } };
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
}

export async function ensureActionlint(
  spec: ActionlintSpec,
  opts: EnsureActionlintOptions,
): Promise<Actionlint> {
  const warm = await findActionlint(spec);
  if (warm) return warm;
  const go = opts.go === undefined ? await findGo(opts.searchPath) : opts.go;
  if (!go)
    throw new SetupError(
      `go not found on PATH: it is needed once to build actionlint ${spec.version} into ${actionlintPaths(spec).dir} (install Go)`,
    );
  const r = await ensureBuilt(actionlintEntry(spec), {
    label: `build actionlint ${spec.version}`,
    progress: opts.progress ?? createProgress(undefined, true),
    build: (ctx) => goInstall(ctx, go, spec.version),
  });
  return { path: r.outputs.actionlint!.path, version: spec.version, built: true };
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
