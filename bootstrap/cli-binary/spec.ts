/**
 * What CLI binary a run wants. Builds live in the machine-wide build cache (outside any clone,
 * so every clone reuses one build), keyed by version or checkout; the cargo target dir is
 * shared by all keys, so a rebuild is incremental.
 */
import { shortHash } from '../build-cache/inputs.ts';

/** The crates.io release the suite pins when no checkout is configured. */
export const BOXLITE_CLI_VERSION = '0.11.0';

export type CliSource =
  /** boxlite-cli V from crates.io, built in bootstrap/cargo-workspace with BOXLITE_DEPS_STUB=1: REST-only, no VM runtime. */
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

/** What fixtures get: a usable binary. */
export interface CliBinary {
  path: string;
  cliVersion: string;
  source: CliSource['kind'];
  sourceRef: string;
}

/** A checkout build's cache key: its directory (its commit is the build's input identity). */
export const checkoutKey = (dir: string) => `boxlite-cli-checkout-${shortHash(dir, 10)}-native`;

/** The CLI's own `--version` line → "0.11.0" (null when it does not look like one). */
export function versionFrom(output: string): string | null {
  return /\b(\d+\.\d+\.\d+(?:[-+][\w.]+)?)\b/.exec(output)?.[1] ?? null;
}
