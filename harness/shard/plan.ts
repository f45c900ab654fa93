/**
 * Which shard runs which case file. vitest shards by file (`--shard i/n`); by default it splits
 * by a hash of the path. Given the file durations a previous run recorded, files are dealt
 * longest first, each to the shard with the least time so far (ties to the lower index) —
 * deterministic, so every shard process computes the same plan and each file lands in exactly
 * one shard. Files with no recorded duration count as the median of those with one. A file that
 * needs the whole stack to itself (per-case/stack-lock.ts) holds all of its shard's workers while
 * it runs, so its time counts that many times. Pure.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export const shardLabel = (s: Shard) => `${s.index}/${s.count}`;

/** "i/n" with 1 ≤ i ≤ n; anything else throws one line saying what is wrong. */
export function parseShard(raw: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  if (!m) throw new Error(`${JSON.stringify(raw)} is not "i/n" (e.g. 2/3)`);
  const [index, count] = [Number(m[1]), Number(m[2])];
  if (count < 1 || index < 1 || index > count)
    throw new Error(`${JSON.stringify(raw)}: the index must be from 1 to the count`);
  return { index, count };
}

/**
 * A shard's own state dir beside the default one, so several shards' stacks run side by side on
 * one host. A state dir the user named is used as named (CI gives each shard a host of its own),
 * and so is the default for a split into one.
 */
export function shardStateDir(stateDir: string, s: Shard, named: boolean): string {
  return named || s.count === 1 ? stateDir : `${stateDir}-shard-${s.index}of${s.count}`;
}

/** A shard's run id: the run's id with the shard named, so the report dirs say which is which. */
export const shardRunId = (runId: string, s: Shard) => `${runId}-shard-${s.index}of${s.count}`;

/**
 * The report dir's id for a run: a shard's id always names the shard (once), so shards run side
 * by side with one explicit id still write one dir each.
 */
export function reportRunId(runId: string, s: Shard | null): string {
  if (!s) return runId;
  return runId.endsWith(shardRunId('', s)) ? runId : shardRunId(runId, s);
}

/** File (relative to the repo) → wall ms, from a previous run's vitest `results.json`. */
export function readDurations(resultsFile: string, root: string): Map<string, number> {
  let json: { testResults?: Array<{ name?: string; startTime?: number; endTime?: number }> };
  try {
    json = JSON.parse(readFileSync(resultsFile, 'utf8'));
  } catch (err) {
    throw new Error(`${resultsFile}: not a readable results.json (${(err as Error).message})`);
  }
  if (!Array.isArray(json.testResults)) throw new Error(`${resultsFile}: no testResults (not vitest JSON)`);
  const out = new Map<string, number>();
  for (const r of json.testResults) {
    if (!r.name || typeof r.startTime !== 'number' || typeof r.endTime !== 'number') continue;
    out.set(relative(root, r.name), Math.max(0, r.endTime - r.startTime));
  }
  return out;
}

function median(xs: number[]): number {
  if (xs.length === 0) return 1;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface PlannedShard {
  files: string[];
  /** Σ of the files' recorded (or estimated) durations. */
  ms: number;
}

export interface WholeStack {
  /** Files that run with no other file at the same time. */
  files: ReadonlySet<string>;
  /** Workers a shard runs files on: what such a file holds while it runs. */
  workers: number;
}

/** Deals `files` over `count` shards by duration; every file in exactly one shard. */
export function planShards(
  files: readonly string[],
  durations: ReadonlyMap<string, number>,
  count: number,
  alone: WholeStack = { files: new Set(), workers: 1 },
): PlannedShard[] {
  const guess = median(files.flatMap((f) => (durations.has(f) ? [durations.get(f)!] : [])));
  const weight = (f: string) => (alone.files.has(f) ? alone.workers : 1);
  const weighed = [...new Set(files)].map((f) => ({ f, ms: (durations.get(f) ?? guess) * weight(f) }));
  weighed.sort((a, b) => b.ms - a.ms || (a.f < b.f ? -1 : 1));
  const shards: PlannedShard[] = Array.from({ length: count }, () => ({ files: [], ms: 0 }));
  for (const { f, ms } of weighed) {
    const least = shards.reduce((best, s, i) => (s.ms < shards[best]!.ms ? i : best), 0);
    shards[least]!.files.push(f);
    shards[least]!.ms += ms;
  }
  return shards;
}
