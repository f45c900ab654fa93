/**
 * What CLI binary a run wants and where it lives. The cache sits OUTSIDE any clone (the
 * user's cache dir) so every clone on the machine reuses one build: a cold build is ~16 min
 * on 2 cores, a warm lookup is a file read. Each binary is keyed by version + source +
 * features; the cargo target dir is shared by all keys, so a rebuild is incremental.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** The crates.io release the suite pins when no checkout is configured. */
export const BOXLITE_CLI_VERSION = '0.11.0';

export type CliSource =
  /** `cargo install boxlite-cli --version V` with BOXLITE_DEPS_STUB=1: REST-only, no VM runtime. */
  | { kind: 'crates'; version: string }
  /** `cargo build -p boxlite-cli` in a BoxLite checkout with the real native deps (KVM hosts). */
  | { kind: 'checkout'; dir: string }
  /** A binary the user names; used as is, never built. */
  | { kind: 'binary'; path: string };

export interface CliBinarySpec {
  /** e.g. ~/.cache/boxlite-e2e */
  cacheRoot: string;
  source: CliSource;
}

/** The cache record next to each built binary; fixtures read it instead of building. */
export interface CliBinaryRecord {
  schema: 'boxlite-e2e/cli-binary';
  version: 1;
  key: string;
  /** What `boxlite --version` printed, e.g. "boxlite 0.11.0". */
  cliVersion: string;
  source: CliSource['kind'];
  /** crates version, or checkout dir + commit. */
  sourceRef: string;
  features: string;
  binary: string;
  /** Size and mtime of the binary when recorded: a replaced binary is not trusted. */
  size: number;
  mtimeMs: number;
  builtAt: string;
  buildMs: number;
}

/** What fixtures get: a usable binary. */
export interface CliBinary {
  path: string;
  cliVersion: string;
  source: CliSource['kind'];
  sourceRef: string;
}

const short = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 10);

export function featuresOf(source: CliSource): string {
  return source.kind === 'crates' ? 'deps-stub' : source.kind === 'checkout' ? 'native' : 'prebuilt';
}

/** Cache key: version + source + features, safe as a directory name. */
export function cacheKey(source: CliSource): string {
  if (source.kind === 'crates') return `boxlite-cli-${source.version}-crates-${featuresOf(source)}`;
  if (source.kind === 'checkout') return `boxlite-cli-checkout-${short(source.dir)}-${featuresOf(source)}`;
  return `boxlite-cli-binary-${short(source.path)}`;
}

export function cliPaths(spec: CliBinarySpec) {
  const key = cacheKey(spec.source);
  const dir = join(spec.cacheRoot, 'cli', key);
  return {
    key,
    dir,
    /** `cargo install --root` target: the binary lands in <dir>/bin. */
    binary: join(dir, 'bin', 'boxlite'),
    record: join(dir, 'record.json'),
    log: join(spec.cacheRoot, 'cli', `${key}.build.log`),
    /** One cargo build at a time on the machine (shared target dir, few cores). */
    lock: join(spec.cacheRoot, 'cli', '.build.lock'),
    targetDir: join(spec.cacheRoot, 'cargo-target'),
  };
}

/** The record if it is well-formed and describes `key`; anything else reads as "not built". */
export function parseRecord(text: string, key: string): CliBinaryRecord | null {
  let r: Partial<CliBinaryRecord>;
  try {
    r = JSON.parse(text) as Partial<CliBinaryRecord>;
  } catch {
    return null;
  }
  const ok =
    r.schema === 'boxlite-e2e/cli-binary' &&
    r.version === 1 &&
    r.key === key &&
    typeof r.binary === 'string' &&
    typeof r.cliVersion === 'string' &&
    typeof r.size === 'number' &&
    typeof r.mtimeMs === 'number';
  return ok ? (r as CliBinaryRecord) : null;
}

/** The CLI's own `--version` line → "0.11.0" (null when it does not look like one). */
export function versionFrom(output: string): string | null {
  return /\b(\d+\.\d+\.\d+(?:[-+][\w.]+)?)\b/.exec(output)?.[1] ?? null;
}
