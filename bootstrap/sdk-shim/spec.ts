/**
 * What the C and Go SDK drivers are built against, and where the build lives. Here: a thin C
 * ABI shim over the `boxlite` crate's REST client (crates.io, BOXLITE_DEPS_STUB=1, compiled in
 * bootstrap/cargo-workspace with the CLI), plus a cgo package with the Go SDK's API over it. On
 * a KVM host: a BoxLite checkout's own `boxlite-c` (header + libboxlite) and `sdks/go`. The
 * drivers are one entry of the machine-wide build cache, keyed by source; its inputs are the
 * hash of every file that goes into them, so a warm lookup is a record read and a hash of ~30
 * small files.
 */
import { join } from 'node:path';
import { entryPaths } from '../build-cache/index.ts';
import { shortHash } from '../build-cache/inputs.ts';

/** The crates.io `boxlite` the shim wraps (pinned in rust/Cargo.toml and the workspace lock). */
export const SHIM_BOXLITE_VERSION = '0.11.0';

export type SdkSource =
  /** The REST shim over crates.io `boxlite` (this repo's bootstrap/sdk-shim). */
  | { kind: 'shim' }
  /** A BoxLite checkout: `cargo build -p boxlite-c`, its header, libboxlite and sdks/go. */
  | { kind: 'checkout'; dir: string };

export interface SdkShimSpec {
  /** e.g. ~/.cache/boxlite-e2e (shared with the CLI cache). */
  cacheRoot: string;
  source: SdkSource;
}

/** What cases get: the two driver binaries. */
export interface SdkDrivers {
  c: string;
  go: string;
  source: SdkSource['kind'];
  /** The source hash (and, for a checkout, its dir and commit). */
  sourceRef: string;
  /** What they link: the dir holding libboxlite.a, the dir holding boxlite.h, the Go SDK module. */
  sdk: { libDir: string; includeDir: string; goSdkDir: string };
}

/** Key: the source, safe as a directory name. */
export function driversKey(source: SdkSource): string {
  return source.kind === 'shim'
    ? `sdk-drivers-shim-boxlite-${SHIM_BOXLITE_VERSION}`
    : `sdk-drivers-checkout-${shortHash(source.dir)}`;
}

export function driversPaths(spec: SdkShimSpec) {
  const entry = { root: spec.cacheRoot, area: 'sdk-drivers', key: driversKey(spec.source) };
  const { dir, log } = entryPaths(entry);
  return {
    ...entry,
    log,
    /** Where the library is copied for linking (kept: upstream's own C and Go drivers link it too). */
    libDir: join(dir, 'lib'),
    outDir: join(dir, 'bin'),
    /** Go's module and build caches, kept with the rest (warm `go build` is a cache hit). */
    goCache: join(spec.cacheRoot, 'go'),
  };
}
