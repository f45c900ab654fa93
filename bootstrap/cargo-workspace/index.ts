/**
 * The crates.io build of boxlite-cli together with the SDK shim, as one build-cache entry: the
 * CLI binary is copied out of the target dir into the entry (the target dir keeps changing);
 * the shim's static library stays in the target dir, read once by the SDK driver build.
 */
import { copyFile, cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SetupError } from '../../kernel/errors.ts';
import type { Progress } from '../../kernel/progress.ts';
import {
  type BuildContext,
  type BuildOutcome,
  type BuildRecord,
  type CacheEntry,
  ensureBuilt,
  findBuilt,
  keepProduct,
} from '../build-cache/index.ts';
import { contentHash, filesUnder } from '../build-cache/inputs.ts';
import { versionOf } from '../cli-binary/version.ts';
import { cargoHost, ensureProtoc } from './cargo.ts';
import { fetchCliSource } from './fetch.ts';
import {
  buildArgs,
  buildEnv,
  CLI_PACKAGE,
  COMMITTED_LOCK,
  products,
  rootManifest,
  SHIM_CRATE_DIR,
  withShim,
} from './manifest.ts';

export interface WorkspaceSpec {
  /** Machine-wide cache root. */
  cacheRoot: string;
  /** boxlite-cli's crates.io version. */
  cliVersion: string;
}

export interface WorkspaceBuild {
  /** The CLI binary, in the cache entry. */
  cli: string;
  /** What it prints for --version. */
  cliVersion: string;
  /** The shim's static library in the target dir (null when the shim is not a member). */
  shimLib: string | null;
}

export const targetDirOf = (cacheRoot: string) => join(cacheRoot, 'cargo-target');

const shimSources = () =>
  filesUnder(SHIM_CRATE_DIR, /\.rs$|^Cargo\.toml$/).then((fs) =>
    fs.filter((f) => !f.includes(join(SHIM_CRATE_DIR, 'target'))),
  );

/** Keyed by version; its inputs are our lock, the shim's sources and the exact cargo run. */
export async function workspaceEntry(spec: WorkspaceSpec): Promise<CacheEntry> {
  const v = spec.cliVersion;
  const files = withShim(v) ? [COMMITTED_LOCK, ...(await shimSources())] : [];
  const recipe = JSON.stringify({ v, manifest: rootManifest(v), args: buildArgs(v), env: buildEnv('') });
  return {
    root: spec.cacheRoot,
    area: 'cargo-workspace',
    key: `${CLI_PACKAGE}-${v}-deps-stub`,
    inputs: await contentHash(files, recipe),
  };
}

const toBuild = (r: BuildRecord): WorkspaceBuild => ({
  cli: r.outputs.cli!.path,
  cliVersion: r.facts.cliVersion!,
  shimLib: r.facts.shimLib ?? null,
});

/** Warm lookup only: null means "not built from these inputs". */
export async function findWorkspaceBuild(spec: WorkspaceSpec): Promise<WorkspaceBuild | null> {
  const r = await findBuilt(await workspaceEntry(spec));
  return r ? toBuild(r) : null;
}

/** The members, the root manifest and the lock, written afresh (timestamps kept: cargo's fingerprints). */
async function writeWorkspace(dir: string, v: string, cliSource: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'Cargo.toml'), rootManifest(v));
  await cp(cliSource, join(dir, 'boxlite-cli'), { recursive: true, preserveTimestamps: true });
  if (withShim(v))
    await cp(SHIM_CRATE_DIR, join(dir, 'sdk-shim'), {
      recursive: true,
      preserveTimestamps: true,
      filter: (f) => !f.startsWith(join(SHIM_CRATE_DIR, 'target')) && !f.endsWith('Cargo.lock'),
    });
  await copyFile(withShim(v) ? COMMITTED_LOCK : join(cliSource, 'Cargo.lock'), join(dir, 'Cargo.lock'));
}

export interface EnsureWorkspaceOptions {
  progress: Progress;
  cargo: string;
  /** Program search path (for protoc). */
  searchPath: string;
  rebuild?: boolean;
}

async function build(
  ctx: BuildContext,
  spec: WorkspaceSpec,
  o: EnsureWorkspaceOptions,
): Promise<BuildOutcome> {
  const v = spec.cliVersion;
  const host = await cargoHost(ctx, o.cargo, 'the boxlite CLI');
  await ensureProtoc(o.searchPath, o.progress);
  const lock = withShim(v) ? COMMITTED_LOCK : null;
  const source = await fetchCliSource(ctx, {
    cargo: o.cargo,
    host,
    version: v,
    dir: join(ctx.dir, 'fetch'),
    lock,
  });
  const ws = join(ctx.dir, 'workspace');
  await writeWorkspace(ws, v, source);
  const targetDir = targetDirOf(spec.cacheRoot);
  await ctx.run({
    label: withShim(v) ? 'building the boxlite CLI and the SDK shim' : 'building the boxlite CLI',
    exitWord: 'cargo exit',
    cmd: o.cargo,
    args: buildArgs(v),
    cwd: ws,
    env: buildEnv(targetDir),
    tick: { name: 'cargo', ms: 20_000 },
  });
  const built = products(targetDir);
  const cli = await keepProduct(ctx, built.cli, 'boxlite');
  const cliVersion = await versionOf(cli);
  if (cliVersion !== v) throw new SetupError(`cargo built boxlite ${cliVersion}, expected ${v}`);
  return { outputs: { cli }, facts: { cliVersion, ...(withShim(v) ? { shimLib: built.shimLib } : {}) } };
}

export async function ensureWorkspaceBuild(
  spec: WorkspaceSpec,
  o: EnsureWorkspaceOptions,
): Promise<WorkspaceBuild> {
  const entry = await workspaceEntry(spec);
  const what = withShim(spec.cliVersion) ? ' and the SDK shim' : '';
  const record = await ensureBuilt(entry, {
    label: `build boxlite-cli ${spec.cliVersion}${what} from crates.io (BOXLITE_DEPS_STUB=1)`,
    progress: o.progress,
    ...(o.rebuild ? { rebuild: true } : {}),
    build: (ctx) => build(ctx, spec, o),
  });
  return toBuild(record);
}
