/**
 * The bootstrap step that provides the C and Go SDK drivers. `findSdkDrivers` is the warm
 * lookup (hash the inputs, read the record, stat two files — never a build);
 * `ensureSdkDrivers` builds on a miss through the machine-wide build cache: for the shim, the
 * cargo workspace build first (the CLI and the shim in one cargo run), then cc and go.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Progress } from '../../kernel/progress.ts';
import { type BuildRecord, type CacheEntry, ensureBuilt, findBuilt } from '../build-cache/index.ts';
import { checkoutRef, contentHash } from '../build-cache/inputs.ts';
import { ensureProtoc } from '../cargo-workspace/cargo.ts';
import {
  ensureWorkspaceBuild,
  targetDirOf,
  type WorkspaceSpec,
  workspaceEntry,
} from '../cargo-workspace/index.ts';
import { buildDrivers, findTools } from './build.ts';
import { checkoutInputs, type Tools } from './plan.ts';
import { buildInputs, SHIM_DIR } from './sources.ts';
import { driversPaths, type SdkDrivers, type SdkShimSpec, SHIM_BOXLITE_VERSION } from './spec.ts';

export * from './spec.ts';

const workspaceOf = (spec: SdkShimSpec): WorkspaceSpec => ({
  cacheRoot: spec.cacheRoot,
  cliVersion: SHIM_BOXLITE_VERSION,
});

/** The drivers' entry: their own files plus the library's identity (the workspace's, or the checkout's commit). */
async function driversEntry(spec: SdkShimSpec): Promise<CacheEntry & { ref: string }> {
  const files = await buildInputs(spec.source.kind);
  const paths = driversPaths(spec);
  if (spec.source.kind === 'shim') {
    const inputs = await contentHash(files, (await workspaceEntry(workspaceOf(spec))).inputs);
    return { ...paths, inputs, ref: `boxlite crate (shim) ${inputs.slice(0, 12)}` };
  }
  const ref = `${spec.source.dir}@${await checkoutRef(spec.source.dir)}`;
  return { ...paths, inputs: await contentHash(files, ref), ref };
}

/** The library, header and Go module the drivers were built against (other suites link them too). */
function sdkInputs(spec: SdkShimSpec): SdkDrivers['sdk'] {
  const libDir = driversPaths(spec).libDir;
  return spec.source.kind === 'checkout'
    ? {
        libDir,
        includeDir: join(spec.source.dir, 'sdks', 'c', 'include'),
        goSdkDir: join(spec.source.dir, 'sdks', 'go'),
      }
    : { libDir, includeDir: join(SHIM_DIR, 'include'), goSdkDir: join(SHIM_DIR, 'go') };
}

const toDrivers = (r: BuildRecord, spec: SdkShimSpec): SdkDrivers => ({
  c: r.outputs.c!.path,
  go: r.outputs.go!.path,
  source: spec.source.kind,
  sourceRef: r.facts.sourceRef!,
  sdk: sdkInputs(spec),
});

/** Warm lookup only; null means "not built for these sources" (run `pnpm e2e:sdk-shim`). */
export async function findSdkDrivers(spec: SdkShimSpec): Promise<SdkDrivers | null> {
  const record = await findBuilt(await driversEntry(spec));
  return record ? toDrivers(record, spec) : null;
}

export interface EnsureSdkDriversOptions {
  progress: Progress;
  searchPath: string;
  /** Build even when a record says the drivers are there. */
  rebuild?: boolean;
  /** Tools as found by findTools (tests pass stand-ins). */
  tools?: Tools;
}

const exists = (f: string) =>
  access(f).then(
    () => true,
    () => false,
  );

/** The shim's library from the workspace build; rebuilt (incrementally) when the target dir lost it. */
async function shimLibrary(spec: SdkShimSpec, tools: Tools, o: EnsureSdkDriversOptions): Promise<string> {
  const opts = { progress: o.progress, cargo: tools.cargo, searchPath: o.searchPath };
  const ws = await ensureWorkspaceBuild(workspaceOf(spec), {
    ...opts,
    ...(o.rebuild ? { rebuild: true } : {}),
  });
  if (ws.shimLib && (await exists(ws.shimLib))) return ws.shimLib;
  const again = await ensureWorkspaceBuild(workspaceOf(spec), { ...opts, rebuild: true });
  return again.shimLib!;
}

export async function ensureSdkDrivers(spec: SdkShimSpec, o: EnsureSdkDriversOptions): Promise<SdkDrivers> {
  const entry = await driversEntry(spec);
  if (!o.rebuild) {
    const warm = await findBuilt(entry);
    if (warm) return toDrivers(warm, spec);
  }
  const tools = o.tools ?? (await findTools(o.searchPath));
  const paths = driversPaths(spec);
  const common = { libDir: paths.libDir, outDir: paths.outDir, goCache: paths.goCache };
  const co =
    spec.source.kind === 'checkout'
      ? checkoutInputs(spec.source.dir, tools, targetDirOf(spec.cacheRoot))
      : null;
  const library = co ? co.library : await shimLibrary(spec, tools, o);
  const record = await ensureBuilt(entry, {
    label: `build the C and Go SDK drivers (${entry.ref})`,
    progress: o.progress,
    ...(o.rebuild ? { rebuild: true } : {}),
    build: async (ctx) => {
      if (co) await ensureProtoc(o.searchPath, o.progress);
      const built = await buildDrivers(ctx, {
        cargo: co ? co.cargo : null,
        library,
        inputs: co
          ? { ...common, includeDir: co.includeDir, goSdkDir: co.goSdkDir }
          : { ...common, includeDir: join(SHIM_DIR, 'include'), goSdkDir: join(SHIM_DIR, 'go') },
        tools,
      });
      return {
        outputs: { c: built.c, go: built.go },
        facts: { sourceRef: entry.ref, libBytes: String(built.libBytes) },
      };
    },
  });
  return toDrivers(record, spec);
}
