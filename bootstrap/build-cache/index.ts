/**
 * The one cache for everything built once per machine (the boxlite CLI, the SDK drivers,
 * tools): every entry lives under the machine-wide cache root, outside any clone, keyed by what
 * is built and checked against the identity of its inputs. `findBuilt` is the warm lookup (a
 * record read and a stat per output, never a build); `ensureBuilt` builds on a miss under the
 * one machine-wide build lock, with the build's whole output in a log file that every failure
 * line names.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SetupError } from '../../kernel/errors.ts';
import type { Progress } from '../../kernel/progress.ts';
import { type LoggedCommand, runLogged } from '../logged-command.ts';
import { acquireBuildLock } from './lock.ts';
import { type BuildRecord, outputsIntact, parseRecord, type Stamp, stampOf } from './record.ts';

export type { BuildRecord, Stamp } from './record.ts';

export interface CacheEntry {
  /** Machine-wide cache root, e.g. ~/.cache/boxlite-e2e. */
  root: string;
  /** The folder grouping one kind of build, e.g. "cli", "sdk-drivers", "tools". */
  area: string;
  /** What is built (name, version, source, features), safe as a directory name. */
  key: string;
  /** Identity of every input (a content hash, a version, a commit); another value is a miss. */
  inputs: string;
}

export function entryPaths(e: Pick<CacheEntry, 'root' | 'area' | 'key'>) {
  const dir = join(e.root, e.area, e.key);
  return {
    dir,
    record: join(dir, 'record.json'),
    log: join(e.root, e.area, `${e.key}.build.log`),
  };
}

/** The one lock every build takes: builds share the cargo target dir and two cores. */
export const buildLockPath = (root: string) => join(root, 'build.lock');

/** A cold build may take ~30 min on 2 cores; another process's build may be running first. */
const LOCK_WAIT_MS = 60 * 60_000;

/** Warm lookup only; null means "not built from these inputs" (or an output was replaced). */
export async function findBuilt(e: CacheEntry): Promise<BuildRecord | null> {
  const text = await readFile(entryPaths(e).record, 'utf8').catch(() => null);
  const record = text === null ? null : parseRecord(text, e.key, e.inputs);
  return record && (await outputsIntact(record)) ? record : null;
}

/** What a build function gets: its entry dir, the log, and a runner that writes to it. */
export interface BuildContext {
  dir: string;
  log: WriteStream;
  logPath: string;
  progress: Progress;
  /** Runs one command with its output in the log (one failure line naming it). */
  run(c: Omit<LoggedCommand, 'log' | 'logPath' | 'progress'>): Promise<void>;
}

/** Copies a product out of a shared build dir into the entry's bin/ (builds there keep changing). */
export async function keepProduct(ctx: BuildContext, product: string, name: string): Promise<string> {
  const kept = join(ctx.dir, 'bin', name);
  await mkdir(join(ctx.dir, 'bin'), { recursive: true });
  await copyFile(product, kept).catch((e: Error) => {
    throw new SetupError(`the build finished but ${product} is missing (${e.message}); see ${ctx.logPath}`);
  });
  return kept;
}

export interface BuildOutcome {
  /** Output name → file; each is stamped into the record. */
  outputs: Record<string, string>;
  facts?: Record<string, string>;
}

export interface EnsureBuiltOptions {
  /** The progress step, e.g. "build boxlite-cli 0.11.0 from crates.io". */
  label: string;
  progress: Progress;
  /** Build even when the record answers. */
  rebuild?: boolean;
  build: (ctx: BuildContext) => Promise<BuildOutcome>;
}

async function stampAll(outputs: Record<string, string>, log: string): Promise<Record<string, Stamp>> {
  const stamps: Record<string, Stamp> = {};
  for (const [name, path] of Object.entries(outputs)) {
    const s = await stampOf(path);
    if (!s) throw new SetupError(`the build finished but ${path} is missing; see ${log}`);
    stamps[name] = s;
  }
  return stamps;
}

/** Records outputs built outside `ensureBuilt` (a caller that runs its own commands); written atomically. */
export async function recordBuilt(e: CacheEntry, done: BuildOutcome, buildMs: number): Promise<BuildRecord> {
  const paths = entryPaths(e);
  const record: BuildRecord = {
    schema: 'boxlite-e2e/build',
    version: 1,
    key: e.key,
    inputs: e.inputs,
    outputs: await stampAll(done.outputs, paths.log),
    facts: done.facts ?? {},
    builtAt: new Date().toISOString(),
    buildMs: Math.round(buildMs),
  };
  await mkdir(paths.dir, { recursive: true });
  const tmp = `${paths.record}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
  await rename(tmp, paths.record);
  return record;
}

async function buildLogged(e: CacheEntry, o: EnsureBuiltOptions): Promise<BuildRecord> {
  const paths = entryPaths(e);
  // A failed rebuild must not leave the old record answering for half-replaced outputs.
  await rm(paths.record, { force: true });
  await mkdir(paths.dir, { recursive: true });
  const log = createWriteStream(paths.log, { flags: 'w' });
  const t0 = performance.now();
  try {
    const ctx: BuildContext = {
      dir: paths.dir,
      log,
      logPath: paths.log,
      progress: o.progress,
      run: (c) => runLogged({ ...c, log, logPath: paths.log, progress: o.progress }),
    };
    const done = await o.progress.step(o.label, () => o.build(ctx));
    return await recordBuilt(e, done, performance.now() - t0);
  } finally {
    await new Promise((r) => log.end(r));
  }
}

/** The recorded build, or a new one under the machine-wide lock. */
export async function ensureBuilt(e: CacheEntry, o: EnsureBuiltOptions): Promise<BuildRecord> {
  if (!o.rebuild) {
    const warm = await findBuilt(e);
    if (warm) return warm;
  }
  const release = await acquireBuildLock(buildLockPath(e.root), {
    waitMs: LOCK_WAIT_MS,
    waiting: (pid) => o.progress.info(`waiting for another build (pid ${pid ?? '?'}) to finish`),
  });
  try {
    // Whoever held the lock may just have built this very entry.
    if (!o.rebuild) {
      const warm = await findBuilt(e);
      if (warm) return warm;
    }
    return await buildLogged(e, o);
  } finally {
    await release();
  }
}
