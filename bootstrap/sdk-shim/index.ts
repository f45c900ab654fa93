/**
 * The bootstrap step that provides the C and Go SDK drivers. `findSdkDrivers` is the warm
 * lookup (hash the inputs, read the record, stat two files — never a build);
 * `ensureSdkDrivers` builds on a miss, under the machine-wide cargo lock the CLI build uses.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import type { Progress } from '../../kernel/progress.ts';
import { acquireBuildLock } from '../build-cache/lock.ts';
import { buildDrivers, ensureProtoc, findTools } from './build.ts';
import { checkoutInputs, shimCargoStep, shimLibrary, type Tools } from './plan.ts';
import { buildInputs, contentHash, SHIM_DIR } from './sources.ts';
import {
  driversPaths,
  parseDriversRecord,
  type SdkDrivers,
  type SdkDriversRecord,
  type SdkShimSpec,
} from './spec.ts';

export * from './spec.ts';

const LOCK_WAIT_MS = 60 * 60_000;

async function checkoutHead(dir: string): Promise<string> {
  const head = await execa('git', ['-C', dir, 'rev-parse', 'HEAD'], { reject: false });
  if (head.failed)
    throw new SetupError(`${dir} is not a git checkout of BoxLite (git rev-parse HEAD failed)`);
  // A dirty tree is identified by its diff too: an edit is a new build (cargo makes it incremental).
  const diff = await execa('git', ['-C', dir, 'diff', 'HEAD'], { reject: false, maxBuffer: 1 << 28 });
  const d = diff.stdout.trim();
  return d
    ? `${head.stdout.trim()}+dirty-${createHash('sha256').update(d).digest('hex').slice(0, 12)}`
    : head.stdout.trim();
}

async function identity(spec: SdkShimSpec): Promise<{ hash: string; ref: string }> {
  const files = await buildInputs(spec.source.kind);
  if (spec.source.kind === 'shim') {
    const hash = await contentHash(files);
    return { hash, ref: `boxlite crate (shim) ${hash.slice(0, 12)}` };
  }
  const head = await checkoutHead(spec.source.dir);
  const hash = await contentHash(files, `${spec.source.dir}@${head}`);
  return { hash, ref: `${spec.source.dir}@${head}` };
}

const stamp = async (f: string) => {
  const st = await stat(f).catch(() => null);
  return st ? { size: st.size, mtimeMs: Math.round(st.mtimeMs) } : null;
};

async function readWarm(spec: SdkShimSpec, hash: string): Promise<SdkDriversRecord | null> {
  const paths = driversPaths(spec, hash);
  const text = await readFile(paths.record, 'utf8').catch(() => null);
  const record = text === null ? null : parseDriversRecord(text, paths.key);
  if (!record) return null;
  const now = [await stamp(record.c), await stamp(record.go)];
  return JSON.stringify(now) === JSON.stringify(record.stamps) ? record : null;
}

const toDrivers = (r: SdkDriversRecord): SdkDrivers => ({
  c: r.c,
  go: r.go,
  source: r.source,
  sourceRef: r.sourceRef,
});

/** Warm lookup only; null means "not built for these sources" (run `pnpm e2e:sdk-shim`). */
export async function findSdkDrivers(spec: SdkShimSpec): Promise<SdkDrivers | null> {
  const { hash } = await identity(spec);
  const record = await readWarm(spec, hash);
  return record ? toDrivers(record) : null;
}

export interface EnsureSdkDriversOptions {
  progress: Progress;
  searchPath: string;
  /** Build even when a record says the drivers are there. */
  rebuild?: boolean;
  /** Tools as found by findTools (tests pass stand-ins). */
  tools?: Tools;
}

export async function ensureSdkDrivers(
  spec: SdkShimSpec,
  opts: EnsureSdkDriversOptions,
): Promise<SdkDrivers> {
  const { hash, ref } = await identity(spec);
  if (!opts.rebuild) {
    const warm = await readWarm(spec, hash);
    if (warm) return toDrivers(warm);
  }
  const paths = driversPaths(spec, hash);
  const tools = opts.tools ?? (await findTools(opts.searchPath));
  const release = await acquireBuildLock(paths.lock, {
    waitMs: LOCK_WAIT_MS,
    waiting: (pid) => opts.progress.info(`waiting for another cargo build (pid ${pid ?? '?'}) to finish`),
  });
  try {
    if (!opts.rebuild) {
      const warm = await readWarm(spec, hash);
      if (warm) return toDrivers(warm);
    }
    await ensureProtoc(opts.searchPath, opts.progress);
    const t0 = performance.now();
    const common = { libDir: paths.libDir, outDir: join(paths.dir, 'bin'), goCache: paths.goCache };
    const co =
      spec.source.kind === 'checkout' ? checkoutInputs(spec.source.dir, tools, paths.targetDir) : null;
    const built = await opts.progress.step(`build the C and Go SDK drivers (${ref})`, () =>
      buildDrivers({
        cargo: co ? co.cargo : shimCargoStep(tools, paths.targetDir),
        library: co ? co.library : shimLibrary(paths.targetDir),
        inputs: co
          ? { ...common, includeDir: co.includeDir, goSdkDir: co.goSdkDir }
          : { ...common, includeDir: join(SHIM_DIR, 'include'), goSdkDir: join(SHIM_DIR, 'go') },
        tools,
        log: paths.log,
        progress: opts.progress,
      }),
    );
    const stamps = [await stamp(built.c), await stamp(built.go)];
    if (stamps.some((s) => s === null))
      throw new SetupError(`the build finished but a driver is missing; see ${paths.log}`);
    const record: SdkDriversRecord = {
      schema: 'boxlite-e2e/sdk-drivers',
      version: 1,
      key: paths.key,
      source: spec.source.kind,
      sourceRef: ref,
      c: built.c,
      go: built.go,
      stamps: stamps as SdkDriversRecord['stamps'],
      libBytes: built.libBytes,
      builtAt: new Date().toISOString(),
      buildMs: Math.round(performance.now() - t0),
    };
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.record, `${JSON.stringify(record, null, 2)}\n`);
    return toDrivers(record);
  } finally {
    await release();
  }
}
