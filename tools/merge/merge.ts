/**
 * Joins what the shards of one run left into what one unsharded run would have left: the run
 * facts, the first infrastructure death (naming its shard), the leftovers and created boxes,
 * and one record per shard — including every shard of 1..n that left no results or no dir.
 * Refuses dirs that are not shards of one run: different shard counts, a shard twice, a case
 * file in two shards, or shards judged by different bug contexts (the ledger's claims would
 * not be one decision). Pure.
 */
import type { InfraDeath } from '../../harness/infra/death.ts';
import type { Leftovers } from '../../harness/leaks/guard.ts';
import type { RunFacts } from '../../harness/reporters/run-facts.ts';
import type { ShardRecord } from '../../harness/reporters/shards.ts';
import { shardLabel } from '../../harness/shard/plan.ts';
import { UsageError } from '../../kernel/errors.ts';
import { type ShardDir, whyNoResults } from './shard-dirs.ts';

export interface Merged {
  shards: ShardRecord[];
  facts: RunFacts;
  death: InfraDeath | null;
  leftovers: Leftovers | null;
  created: string[];
  /** Blob files of the shards that have results, with the checkout each ran in. */
  blobs: Array<{ file: string; root: string | null }>;
}

function checkOneRun(dirs: readonly ShardDir[]): number {
  const counts = new Set(dirs.map((d) => d.shard.count));
  if (counts.size > 1)
    throw new UsageError(`the dirs are shards of different splits (n = ${[...counts].join(', ')})`);
  const seen = new Map<number, string>();
  for (const d of dirs) {
    const twice = seen.get(d.shard.index);
    if (twice) throw new UsageError(`shard ${shardLabel(d.shard)} given twice: ${twice} and ${d.dir}`);
    seen.set(d.shard.index, d.dir);
  }
  const owner = new Map<string, string>();
  for (const d of dirs)
    for (const f of d.files) {
      const other = owner.get(f);
      if (other) throw new UsageError(`${f} ran in shards ${other} and ${shardLabel(d.shard)}`);
      owner.set(f, shardLabel(d.shard));
    }
  const judged = (f: RunFacts) => JSON.stringify([f.target, [...f.switches].sort(), f.markersOff]);
  const contexts = new Set(dirs.flatMap((d) => (d.facts ? [judged(d.facts)] : [])));
  if (contexts.size > 1)
    throw new UsageError(
      `the shards ran with different targets, sim switches or markers (${[...contexts].join(' vs ')})`,
    );
  return [...counts][0]!;
}

function shardRecords(dirs: readonly ShardDir[], count: number): ShardRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const shard = `${i + 1}/${count}`;
    const d = dirs.find((x) => x.shard.index === i + 1);
    if (!d)
      return {
        shard,
        dir: null,
        runId: null,
        status: 'no-results',
        why: 'no report dir given',
        wallMs: null,
        death: null,
      };
    const death = d.death ? { ...d.death, shard } : null;
    const base = { shard, dir: d.dir, runId: d.facts?.runId ?? null, wallMs: d.wallMs, death };
    return d.blobs.length
      ? { ...base, status: 'merged' }
      : { ...base, status: 'no-results', why: whyNoResults(d) };
  });
}

function mergedFacts(dirs: readonly ShardDir[], runId: string): RunFacts {
  const all = dirs.flatMap((d) => (d.facts ? [d.facts] : []));
  const first = all[0];
  if (!first) throw new UsageError('no shard got as far as its case run: nothing to merge');
  const { shard: _one, ...facts } = first;
  return {
    ...facts,
    runId,
    startedAt: all.map((f) => f.startedAt).sort()[0]!,
    apiUrl: [...new Set(all.map((f) => f.apiUrl))].join(', '),
    // Shards set their stacks up side by side: the longest is what the run waited.
    setupMs: Math.max(...all.map((f) => f.setupMs)),
  };
}

function mergedLeftovers(dirs: readonly ShardDir[]): Leftovers | null {
  const each = dirs.flatMap((d) => (d.leftovers ? [{ shard: shardLabel(d.shard), l: d.leftovers }] : []));
  if (each.length === 0) return null;
  const created = each.reduce((a, { l }) => a + l.created, 0);
  const inApi = each.flatMap(({ l }) => l.inApi);
  const onRunner = each.flatMap(({ l }) => l.onRunner);
  const unobservable = each.find(({ l }) => l.runnerUnobservable)?.l.runnerUnobservable ?? null;
  const leaky = each.filter(({ l }) => l.inApi.length || l.onRunner.length);
  const message = leaky.length
    ? `end-of-run leak check: ${leaky.map(({ shard, l }) => `shard ${shard}: ${l.message.replace(/^end-of-run leak check: /, '')}`).join('; ')}`
    : `end-of-run leak check: none of the ${created} box(es) this run created survives${unobservable ? ` in the API (runner side not observable: ${unobservable})` : ''}`;
  return { created, inApi, onRunner, runnerUnobservable: unobservable, message };
}

export function mergeShards(dirs: readonly ShardDir[], runId: string): Merged {
  if (dirs.length === 0) throw new UsageError('no shard report dir given');
  const count = checkOneRun(dirs);
  const shards = shardRecords(dirs, count);
  const deaths = shards.flatMap((s) => (s.death ? [s.death] : []));
  return {
    shards,
    facts: mergedFacts(dirs, runId),
    death: deaths.sort((a, b) => (a.diedAt < b.diedAt ? -1 : 1))[0] ?? null,
    leftovers: mergedLeftovers(dirs),
    created: dirs.flatMap((d) => d.created),
    blobs: dirs.flatMap((d) => d.blobs.map((file) => ({ file, root: d.root }))),
  };
}
