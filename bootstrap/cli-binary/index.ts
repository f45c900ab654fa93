/**
 * The bootstrap step that provides the real `boxlite` CLI: from a BoxLite checkout when one is
 * configured, else from crates.io at the pinned version (REST-only stub build, compiled in
 * bootstrap/cargo-workspace together with the SDK shim), else a binary the user names.
 * `findCliBinary` is the warm lookup fixtures use (a record read and a stat, never a build);
 * `ensureCliBinary` builds on a miss, through the machine-wide build cache.
 */
import { stat } from 'node:fs/promises';
import { SetupError } from '../../kernel/errors.ts';
import type { Progress } from '../../kernel/progress.ts';
import { type BuildRecord, type CacheEntry, ensureBuilt, findBuilt } from '../build-cache/index.ts';
import { checkoutRef } from '../build-cache/inputs.ts';
import {
  ensureWorkspaceBuild,
  findWorkspaceBuild,
  targetDirOf,
  type WorkspaceBuild,
} from '../cargo-workspace/index.ts';
import { buildCheckoutCli } from './build.ts';
import { type CliBinary, type CliBinarySpec, checkoutKey } from './spec.ts';
import { versionOf } from './version.ts';

export { findCargo } from '../cargo-workspace/cargo.ts';
export * from './spec.ts';

type Checkout = { kind: 'checkout'; dir: string };

async function checkoutEntry(cacheRoot: string, source: Checkout): Promise<CacheEntry> {
  return {
    root: cacheRoot,
    area: 'cli',
    key: checkoutKey(source.dir),
    inputs: await checkoutRef(source.dir),
  };
}

const fromWorkspace = (b: WorkspaceBuild, version: string): CliBinary => ({
  path: b.cli,
  cliVersion: b.cliVersion,
  source: 'crates',
  sourceRef: version,
});

const fromCheckout = (r: BuildRecord, source: Checkout): CliBinary => ({
  path: r.outputs.cli!.path,
  cliVersion: r.facts.cliVersion!,
  source: 'checkout',
  sourceRef: `${source.dir}@${r.inputs}`,
});

/** A user-named binary: checked and used as is. */
async function namedBinary(path: string): Promise<CliBinary> {
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) throw new SetupError(`the boxlite CLI binary ${path} does not exist`);
  return { path, cliVersion: await versionOf(path), source: 'binary', sourceRef: path };
}

/** Warm lookup only; null means "not built yet" (the reason to run `pnpm e2e:cli`). */
export async function findCliBinary(spec: CliBinarySpec): Promise<CliBinary | null> {
  const source = spec.source;
  if (source.kind === 'binary') return namedBinary(source.path);
  if (source.kind === 'crates') {
    const b = await findWorkspaceBuild({ cacheRoot: spec.cacheRoot, cliVersion: source.version });
    return b && fromWorkspace(b, source.version);
  }
  const r = await findBuilt(await checkoutEntry(spec.cacheRoot, source));
  return r && fromCheckout(r, source);
}

export interface EnsureCliOptions {
  progress: Progress;
  /** cargo executable (default `cargo`). */
  cargo?: string;
  /** Program search path (for protoc). */
  searchPath: string;
  /** Build even when a record says the binary is there. */
  rebuild?: boolean;
}

export async function ensureCliBinary(spec: CliBinarySpec, opts: EnsureCliOptions): Promise<CliBinary> {
  const source = spec.source;
  const cargo = opts.cargo ?? 'cargo';
  const rebuild = opts.rebuild ? { rebuild: true } : {};
  if (source.kind === 'binary') return namedBinary(source.path);
  if (source.kind === 'crates') {
    const ws = { cacheRoot: spec.cacheRoot, cliVersion: source.version };
    const b = await ensureWorkspaceBuild(ws, {
      progress: opts.progress,
      cargo,
      searchPath: opts.searchPath,
      ...rebuild,
    });
    return fromWorkspace(b, source.version);
  }
  const r = await ensureBuilt(await checkoutEntry(spec.cacheRoot, source), {
    label: `build boxlite-cli from the checkout ${source.dir}`,
    progress: opts.progress,
    ...rebuild,
    build: (ctx) =>
      buildCheckoutCli(ctx, {
        cargo,
        searchPath: opts.searchPath,
        dir: source.dir,
        targetDir: targetDirOf(spec.cacheRoot),
      }),
  });
  return fromCheckout(r, source);
}
