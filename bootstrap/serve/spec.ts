/**
 * How the real `boxlite serve` is run for the `serve` target, as pure data (unit-tested): its
 * files under the state dir, its argv and environment, and the runtime config that makes the
 * stack's plain-HTTP registry pullable. 0.11 has no insecure-registry flag (`--registry` is
 * always https); the `--config` JSON's `image_registries[]` entries take `transport: "http"`
 * (boxlite-cli src/cli.rs `resolve_runtime_options`, boxlite src/runtime/options.rs
 * `ImageRegistry`), and `search: true` resolves unqualified references such as
 * `boxlite-e2e/busybox:1` there first.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { StatePaths } from '../../kernel/paths.ts';

/** Supervised process name (run/<name>.*, logs/<name>.log). */
export const SERVE_NAME = 'boxlite-serve';

export function servePaths(paths: StatePaths) {
  const dir = join(paths.dataDir, 'serve');
  return {
    /** `--home`: serve's database, image store and box dirs. */
    home: join(dir, 'home'),
    /** `--config`: the runtime options (image registries). */
    config: join(dir, 'config.json'),
    /** stdout/stderr of the process (start-up banner, warnings). */
    log: join(paths.logDir, `${SERVE_NAME}.log`),
    /**
     * The JSON tracing log (`BOXLITE_LOG_FILE`, never rotated). With `boxlite=debug` it names
     * every box the runtime creates ("Created box with Configured status", box_id): the path
     * guard reads it for both hops, since API and runtime are one process here.
     */
    journal: join(paths.logDir, `${SERVE_NAME}.journal.jsonl`),
  };
}
export type ServePaths = ReturnType<typeof servePaths>;

/** `--config` content: the stack registry, plain HTTP, searched for unqualified names. */
export function serveRuntimeConfig(registryHost: string | null): { image_registries: object[] } {
  return {
    image_registries: registryHost ? [{ host: registryHost, transport: 'http', search: true }] : [],
  };
}

export interface ServeLaunch {
  binary: string;
  port: number;
  apiKey: string;
  files: ServePaths;
}

export function serveArgv(l: ServeLaunch): string[] {
  return [
    l.binary,
    'serve',
    '--home',
    l.files.home,
    '--config',
    l.files.config,
    '--host',
    '127.0.0.1',
    '--port',
    String(l.port),
  ];
}

/** The key goes by environment, not argv: /proc/<pid>/cmdline is world-readable. */
export function serveEnv(l: ServeLaunch): Record<string, string> {
  return {
    BOXLITE_SERVE_API_KEY: l.apiKey,
    BOXLITE_LOG_FILE: l.files.journal,
    // info everywhere, debug for the runtime: box ids appear from create on.
    RUST_LOG: 'info,boxlite=debug',
  };
}

/**
 * What a running serve must match to be reused: binary (path, version, size, mtime), registry
 * and key. The key enters only as a hash: the stack file is world-readable.
 */
export function serveIdentity(parts: {
  binary: string;
  cliVersion: string;
  binaryStamp: string;
  registryHost: string | null;
  apiKey: string;
}): string {
  const h = createHash('sha256');
  for (const p of [parts.binary, parts.binaryStamp, parts.registryHost ?? '', parts.apiKey])
    h.update(`${p}\0`);
  return `${parts.cliVersion}+${h.digest('hex').slice(0, 12)}`;
}
