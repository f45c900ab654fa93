/**
 * A merged run's shards (`shards.json` in its report dir): written by `pnpm e2e:merge` before
 * the merged report is rendered, read by the run report. A shard that produced no results
 * leads the headline by name: its cases are missing, never silently dropped.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InfraDeath } from '../infra/death.ts';

export interface ShardRecord {
  /** `i/n`. */
  shard: string;
  /** The shard's report dir as given to the merge, or null when no dir of it was given. */
  dir: string | null;
  runId: string | null;
  /** `merged`: its results are in; `no-results`: it ran (or started) but left none. */
  status: 'merged' | 'no-results';
  /** Why it has no results. */
  why?: string;
  /** Its vitest run, start to end (shards run side by side: the merged wall is the longest). */
  wallMs: number | null;
  death: InfraDeath | null;
}

export const shardsFile = (reportDir: string) => join(reportDir, 'shards.json');

export async function writeShards(reportDir: string, shards: readonly ShardRecord[]): Promise<void> {
  await writeFile(shardsFile(reportDir), `${JSON.stringify(shards, null, 2)}\n`);
}

/** The shards of a merged run; null for a run that was not merged. */
export async function readShards(reportDir: string): Promise<ShardRecord[] | null> {
  try {
    return JSON.parse(await readFile(shardsFile(reportDir), 'utf8')) as ShardRecord[];
  } catch {
    return null;
  }
}

export const lostShards = (shards: readonly ShardRecord[] | null) =>
  (shards ?? []).filter((s) => s.status !== 'merged');

/** The merged wall time: shards run side by side, so the longest one. */
export const mergedWallMs = (shards: readonly ShardRecord[]) =>
  Math.max(0, ...shards.map((s) => s.wallMs ?? 0));

/** One line per shard in summary.md. */
export function shardsSection(shards: readonly ShardRecord[] | null): string[] {
  if (!shards) return [];
  const line = (s: ShardRecord) => {
    const where = s.dir ? ` ${s.dir}` : '';
    const wall = s.wallMs === null ? '' : `, wall ${(s.wallMs / 1000).toFixed(1)} s`;
    if (s.status !== 'merged') return `- **shard ${s.shard}: no results** (${s.why ?? 'unknown'})${where}`;
    const died = s.death ? `; **${s.death.part} died at ${s.death.diedAt}**` : '';
    return `- shard ${s.shard}: merged${wall}${died}${where}`;
  };
  return ['## Shards', '', ...shards.map(line), ''];
}
