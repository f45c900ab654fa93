/**
 * What a shard left in its report dir, read for the merge: its facts (`run.json`, which names
 * the shard), vitest's blob, its results.json (which files it ran), an infrastructure death,
 * its leftovers and created boxes, its wall time. A shard killed before its end left no blob:
 * it is read as having no results, with what it did leave as the reason.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { type InfraDeath, readDeath } from '../../harness/infra/death.ts';
import { type Leftovers, readCreated } from '../../harness/leaks/guard.ts';
import { readLeftovers } from '../../harness/leaks/leftovers-report.ts';
import { type RunFacts, readFacts } from '../../harness/reporters/run-facts.ts';
import { parseShard, type Shard } from '../../harness/shard/plan.ts';
import { UsageError } from '../../kernel/errors.ts';

export interface ShardDir {
  dir: string;
  /** The checkout the shard ran in (absolute); another machine's in CI. */
  root: string | null;
  shard: Shard;
  facts: RunFacts | null;
  /** vitest blob files (absolute paths); empty = no results. */
  blobs: string[];
  /** Case files its results list (repo-relative). */
  files: string[];
  death: InfraDeath | null;
  leftovers: Leftovers | null;
  created: string[];
  wallMs: number | null;
}

/** The shard a dir belongs to: its facts say, else the name a shard's run id gives its dir. */
function shardOf(dir: string, facts: RunFacts | null): Shard {
  if (facts?.shard) return parseShard(facts.shard);
  const m = /-shard-(\d+)of(\d+)$/.exec(basename(dir));
  if (m) return parseShard(`${m[1]}/${m[2]}`);
  throw new UsageError(
    `${dir}: not a shard's report dir (no run.json naming a shard, no -shard-<i>of<n> name)`,
  );
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** The case files the shard's results list (absolute, as on the machine it ran on). */
function resultFiles(dir: string): string[] {
  const json = readJson<{ testResults?: Array<{ name: string }> }>(join(dir, 'results.json'));
  return (json?.testResults ?? []).map((r) => r.name);
}

/** The checkout a case file path lies in: everything before its `/cases/`. */
function rootOf(files: readonly string[]): string | null {
  const f = files.find((x) => x.includes('/cases/'));
  return f ? f.slice(0, f.lastIndexOf('/cases/')) : null;
}

function blobsOf(dir: string): string[] {
  const blobDir = join(dir, 'blob');
  if (!existsSync(blobDir)) return [];
  return readdirSync(blobDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(blobDir, f));
}

export async function readShardDir(dir: string): Promise<ShardDir> {
  if (!existsSync(dir)) throw new UsageError(`${dir}: no such directory`);
  const facts = await readFacts(dir);
  const summary = readJson<{ time?: { wallMs?: number } }>(join(dir, 'summary.json'));
  const files = resultFiles(dir);
  const root = rootOf(files);
  return {
    dir,
    root,
    shard: shardOf(dir, facts),
    facts,
    blobs: blobsOf(dir),
    files: files.map((f) => (root ? relative(root, f) : f)),
    death: readDeath(dir),
    leftovers: await readLeftovers(dir),
    created: readCreated(dir),
    wallMs: summary?.time?.wallMs ?? null,
  };
}

/** Why a shard has no results, from what it left. */
export function whyNoResults(s: ShardDir): string {
  if (s.death) return `its stack died (${s.death.part}, ${s.death.reason}) before it wrote results`;
  if (s.facts) return 'its case run started but ended without results: killed or crashed';
  return 'it never reached its case run: its stack setup failed or the job was cancelled';
}
