/**
 * What the C and Go SDK drivers are built against, and where the build lives. Here: a thin C
 * ABI shim over the `boxlite` crate's REST client (crates.io, BOXLITE_DEPS_STUB=1), plus a cgo
 * package with the Go SDK's API over it. On a KVM host: a BoxLite checkout's own `boxlite-c`
 * (header + libboxlite) and `sdks/go`. The cache sits beside the CLI's (machine-wide, shared
 * cargo target dir); each build is keyed by source + the hash of every file that goes into it,
 * so a warm lookup is a record read and a hash of ~30 small files.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** The crates.io `boxlite` the shim wraps (pinned in rust/Cargo.toml and Cargo.lock). */
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

export interface SdkDriversRecord {
  schema: 'boxlite-e2e/sdk-drivers';
  version: 1;
  key: string;
  source: SdkSource['kind'];
  sourceRef: string;
  c: string;
  go: string;
  /** Size + mtime of each binary when recorded: a replaced binary is not trusted. */
  stamps: { size: number; mtimeMs: number }[];
  /** The shim's static library size in bytes (null for a checkout's libboxlite). */
  libBytes: number | null;
  builtAt: string;
  buildMs: number;
}

const short = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

/** Key: source + content hash of everything compiled, safe as a directory name. */
export function driversKey(source: SdkSource, contentHash: string): string {
  return source.kind === 'shim'
    ? `sdk-drivers-shim-boxlite-${SHIM_BOXLITE_VERSION}-${contentHash.slice(0, 12)}`
    : `sdk-drivers-checkout-${short(source.dir)}-${contentHash.slice(0, 12)}`;
}

export function driversPaths(spec: SdkShimSpec, contentHash: string) {
  const key = driversKey(spec.source, contentHash);
  const dir = join(spec.cacheRoot, 'sdk-drivers', key);
  return {
    key,
    dir,
    /** The shim's static library and header, copied out of the shared target dir. */
    libDir: join(dir, 'lib'),
    cDriver: join(dir, 'bin', 'c-driver'),
    goDriver: join(dir, 'bin', 'go-driver'),
    record: join(dir, 'record.json'),
    log: join(spec.cacheRoot, 'sdk-drivers', `${key}.build.log`),
    /** The CLI's lock: one cargo at a time on the machine, sharing one target dir. */
    lock: join(spec.cacheRoot, 'cli', '.build.lock'),
    targetDir: join(spec.cacheRoot, 'cargo-target'),
    /** Go's module and build caches, kept with the rest (warm `go build` is a cache hit). */
    goCache: join(spec.cacheRoot, 'go'),
  };
}

export function parseDriversRecord(text: string, key: string): SdkDriversRecord | null {
  let r: Partial<SdkDriversRecord>;
  try {
    r = JSON.parse(text) as Partial<SdkDriversRecord>;
  } catch {
    return null;
  }
  const ok =
    r.schema === 'boxlite-e2e/sdk-drivers' &&
    r.version === 1 &&
    r.key === key &&
    typeof r.c === 'string' &&
    typeof r.go === 'string' &&
    Array.isArray(r.stamps) &&
    r.stamps.length === 2;
  return ok ? (r as SdkDriversRecord) : null;
}
