/**
 * The bootstrap step that provides the real `boxlite` CLI: from a BoxLite checkout when one is
 * configured, else from crates.io at the pinned version (REST-only stub build), else a binary
 * the user names. `findCliBinary` is the warm lookup fixtures use (a record read and a stat,
 * never a build); `ensureCliBinary` builds on a miss, under a machine-wide lock.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import type { Progress } from '../../kernel/progress.ts';
import { buildCli } from './build.ts';
import { acquireBuildLock } from '../build-cache/lock.ts';
import {
  type CliBinary,
  type CliBinaryRecord,
  type CliBinarySpec,
  cliPaths,
  featuresOf,
  parseRecord,
  versionFrom,
} from './spec.ts';

export { findCargo } from './build.ts';
export * from './spec.ts';

/** A cold build takes ~16 min on 2 cores; another process's build may be running first. */
const LOCK_WAIT_MS = 60 * 60_000;

const describe = (spec: CliBinarySpec) =>
  spec.source.kind === 'crates'
    ? `boxlite-cli ${spec.source.version} from crates.io (BOXLITE_DEPS_STUB=1)`
    : spec.source.kind === 'checkout'
      ? `boxlite-cli from the checkout ${spec.source.dir}`
      : `boxlite CLI ${spec.source.path}`;

async function gitHead(dir: string): Promise<string> {
  const head = await execa('git', ['-C', dir, 'rev-parse', 'HEAD'], { reject: false });
  const dirty = await execa('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no'], {
    reject: false,
  });
  if (head.failed)
    throw new SetupError(`${dir} is not a git checkout of BoxLite (git rev-parse HEAD failed)`);
  // A dirty tree has no stable identity: it is rebuilt every time (cargo makes that incremental).
  return dirty.stdout.trim() ? `${head.stdout.trim()}+dirty` : head.stdout.trim();
}

async function sourceRef(spec: CliBinarySpec): Promise<string> {
  if (spec.source.kind === 'crates') return spec.source.version;
  if (spec.source.kind === 'checkout') return `${spec.source.dir}@${await gitHead(spec.source.dir)}`;
  return spec.source.path;
}

async function versionOf(binary: string): Promise<string> {
  const res = await execa(binary, ['--version'], { reject: false, timeout: 10_000 });
  const v = versionFrom(res.stdout);
  if (res.failed || v === null) {
    const why = String(res.stderr || res.stdout || res.shortMessage || 'no output')
      .trim()
      .split('\n')[0];
    throw new SetupError(`${binary} --version did not print a version: ${why}`);
  }
  return v;
}

/** The recorded binary when it is still the one recorded (and, for a checkout, still HEAD). */
async function readWarm(spec: CliBinarySpec): Promise<CliBinary | null> {
  const paths = cliPaths(spec);
  const text = await readFile(paths.record, 'utf8').catch(() => null);
  const record = text === null ? null : parseRecord(text, paths.key);
  if (!record) return null;
  const st = await stat(record.binary).catch(() => null);
  if (!st || st.size !== record.size || Math.round(st.mtimeMs) !== Math.round(record.mtimeMs)) return null;
  if (spec.source.kind === 'checkout' && record.sourceRef !== (await sourceRef(spec))) return null;
  return {
    path: record.binary,
    cliVersion: record.cliVersion,
    source: record.source,
    sourceRef: record.sourceRef,
  };
}

/** A user-named binary: checked and used as is. */
async function namedBinary(path: string): Promise<CliBinary> {
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) throw new SetupError(`the boxlite CLI binary ${path} does not exist`);
  return { path, cliVersion: await versionOf(path), source: 'binary', sourceRef: path };
}

/** Warm lookup only; null means "not built yet" (the reason to run `pnpm e2e:cli`). */
export async function findCliBinary(spec: CliBinarySpec): Promise<CliBinary | null> {
  if (spec.source.kind === 'binary') return namedBinary(spec.source.path);
  return readWarm(spec);
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
  if (spec.source.kind === 'binary') return namedBinary(spec.source.path);
  const source = spec.source;
  if (!opts.rebuild) {
    const warm = await readWarm(spec);
    if (warm) return warm;
  }
  const paths = cliPaths(spec);
  const release = await acquireBuildLock(paths.lock, {
    waitMs: LOCK_WAIT_MS,
    waiting: (pid) => opts.progress.info(`waiting for another CLI build (pid ${pid ?? '?'}) to finish`),
  });
  try {
    // Whoever held the lock may just have built this very key.
    if (!opts.rebuild) {
      const warm = await readWarm(spec);
      if (warm) return warm;
    }
    const ref = await sourceRef(spec);
    const t0 = performance.now();
    await opts.progress.step(`build ${describe(spec)}`, () =>
      buildCli({
        cargo: opts.cargo ?? 'cargo',
        searchPath: opts.searchPath,
        source,
        binary: paths.binary,
        targetDir: paths.targetDir,
        log: paths.log,
        progress: opts.progress,
      }),
    );
    const buildMs = Math.round(performance.now() - t0);
    const st = await stat(paths.binary).catch(() => null);
    if (!st) throw new SetupError(`cargo finished but ${paths.binary} is missing; see ${paths.log}`);
    const record: CliBinaryRecord = {
      schema: 'boxlite-e2e/cli-binary',
      version: 1,
      key: paths.key,
      cliVersion: await versionOf(paths.binary),
      source: source.kind,
      sourceRef: ref,
      features: featuresOf(source),
      binary: paths.binary,
      size: st.size,
      mtimeMs: st.mtimeMs,
      builtAt: new Date().toISOString(),
      buildMs,
    };
    if (source.kind === 'crates' && record.cliVersion !== source.version)
      throw new SetupError(`cargo installed boxlite ${record.cliVersion}, expected ${source.version}`);
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.record, `${JSON.stringify(record, null, 2)}\n`);
    return { path: record.binary, cliVersion: record.cliVersion, source: record.source, sourceRef: ref };
  } finally {
    await release();
  }
}
