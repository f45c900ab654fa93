/**
 * Runs the `cases` project as a child vitest process (shared by `pnpm e2e`, `pnpm e2e:teeth`
 * and two-sided mode), or replays shards' blob reports through the configured reporters
 * (`pnpm e2e:merge`).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../../kernel/paths.ts';
import type { Shard } from '../shard/plan.ts';

const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

export interface VitestRun {
  files?: string[];
  grep?: string;
  /** Only this shard of the files (vitest's `--shard`). */
  shard?: Shard;
  /** Added to this process's environment, which the child inherits. */
  env: Record<string, string>;
  /** Replace the configured reporters (teeth wants machine-readable JSON only). */
  jsonOutput?: string;
  quiet?: boolean;
  /** `env` is the child's whole environment (two-sided mode: no stray stack variables). */
  replaceEnv?: boolean;
  /** Aborting kills the child (two-sided mode on SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

export async function runCases(run: VitestRun): Promise<number> {
  const args = [vitestBin, 'run', '--project', 'cases'];
  if (run.grep) args.push('-t', run.grep);
  if (run.shard) args.push(`--shard=${run.shard.index}/${run.shard.count}`);
  if (run.jsonOutput) args.push('--reporter=json', `--outputFile=${run.jsonOutput}`);
  args.push(...(run.files ?? []));
  const res = await execa(process.execPath, args, {
    cwd: REPO_ROOT,
    env: run.env,
    extendEnv: !run.replaceEnv,
    cancelSignal: run.signal,
    stdio: run.quiet ? 'ignore' : 'inherit',
    reject: false,
  });
  return res.exitCode ?? 1;
}

/** `vitest --merge-reports`: the blobs in `blobDir` through every configured reporter, as one run. */
export async function mergeBlobs(blobDir: string, env: Record<string, string>): Promise<number> {
  const res = await execa(process.execPath, [vitestBin, 'run', `--merge-reports=${blobDir}`], {
    cwd: REPO_ROOT,
    env,
    stdio: 'inherit',
    reject: false,
  });
  return res.exitCode ?? 1;
}
