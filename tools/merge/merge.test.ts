import { describe, expect, it } from 'vitest';
import type { InfraDeath } from '../../harness/infra/death.ts';
import type { RunFacts } from '../../harness/reporters/run-facts.ts';
import { mergeShards } from './merge.ts';
import type { ShardDir } from './shard-dirs.ts';

const facts = (shard: string, extra: Partial<RunFacts> = {}): RunFacts => ({
  runId: `r-${shard}`,
  startedAt: `2026-01-01T00:00:0${shard[0]}Z`,
  target: 'sim',
  origin: 'stack file',
  apiUrl: `http://127.0.0.1:100${shard[0]}/api`,
  pathPrefix: 'default',
  switches: ['exec-spawn-500'],
  markersOff: false,
  pathGuard: { enabled: true, reason: 'journals' },
  versions: {},
  setupMs: Number(shard[0]) * 1000,
  secretsFile: null,
  shard,
  ...extra,
});

const leftovers = (created: number, inApi: string[] = []) => ({
  created,
  inApi,
  onRunner: [],
  runnerUnobservable: null,
  message: inApi.length
    ? `end-of-run leak check: the API still lists ${inApi.join(', ')}`
    : `end-of-run leak check: none of the ${created} box(es) this run created survives`,
});

function dir(index: number, count: number, extra: Partial<ShardDir> = {}): ShardDir {
  const shard = `${index}/${count}`;
  return {
    dir: `reports/r-shard-${index}of${count}`,
    root: '/ci/boxlite-e2e',
    shard: { index, count },
    facts: facts(shard),
    blobs: [`reports/r-shard-${index}of${count}/blob/blob-${index}-${count}.json`],
    files: [`cases/f${index}.test.ts`],
    death: null,
    leftovers: leftovers(2),
    created: [`box${index}a`, `box${index}b`],
    wallMs: index * 10_000,
    ...extra,
  };
}

const death: InfraDeath = {
  part: 'runner',
  where: 'http://127.0.0.1:1',
  reason: 'ECONNREFUSED',
  diedAt: '2026-01-01T00:05:00Z',
  lastAnsweredAt: null,
  detectedBy: 'the run watcher',
  detectedAt: '2026-01-01T00:05:02Z',
};

describe('merging the shards of one run', () => {
  it('facts, leftovers and created boxes join into those of one run', () => {
    const m = mergeShards([dir(2, 3), dir(1, 3), dir(3, 3)], 'merged');
    expect(m.shards.map((s) => `${s.shard} ${s.status} ${s.wallMs}`)).toEqual([
      '1/3 merged 10000',
      '2/3 merged 20000',
      '3/3 merged 30000',
    ]);
    expect(m.facts).toMatchObject({ runId: 'merged', setupMs: 3000, startedAt: '2026-01-01T00:00:01Z' });
    expect(m.facts.shard).toBeUndefined();
    expect(m.leftovers?.message).toBe(
      'end-of-run leak check: none of the 6 box(es) this run created survives',
    );
    expect(m.created).toHaveLength(6);
    expect(m.blobs).toHaveLength(3);
    expect(m.death).toBeNull();
  });

  it('a shard without results, or without a dir, is a record saying why; a death names its shard', () => {
    const m = mergeShards([dir(1, 3, { blobs: [], death }), dir(2, 3)], 'merged');
    expect(m.shards.map((s) => [s.shard, s.status, s.why ?? null])).toEqual([
      ['1/3', 'no-results', 'its stack died (runner, ECONNREFUSED) before it wrote results'],
      ['2/3', 'merged', null],
      ['3/3', 'no-results', 'no report dir given'],
    ]);
    expect(m.death).toEqual({ ...death, shard: '1/3' });
  });

  it("a leak in any shard is the merged run's, naming the shard", () => {
    const m = mergeShards([dir(1, 2), dir(2, 2, { leftovers: leftovers(2, ['box2a']) })], 'merged');
    expect(m.leftovers).toMatchObject({ created: 4, inApi: ['box2a'] });
    expect(m.leftovers?.message).toBe('end-of-run leak check: shard 2/2: the API still lists box2a');
  });

  it('refuses dirs that are not the shards of one run', () => {
    expect(() => mergeShards([dir(1, 2), dir(2, 3)], 'm')).toThrow(/different splits/);
    expect(() => mergeShards([dir(1, 2), dir(1, 2)], 'm')).toThrow(/shard 1\/2 given twice/);
    expect(() => mergeShards([dir(1, 2), dir(2, 2, { files: ['cases/f1.test.ts'] })], 'm')).toThrow(
      /cases\/f1.test.ts ran in shards 1\/2 and 2\/2/,
    );
    const other = dir(2, 2, { facts: facts('2/2', { switches: [] }) });
    expect(() => mergeShards([dir(1, 2), other], 'm')).toThrow(/different targets, sim switches or markers/);
    expect(() => mergeShards([], 'm')).toThrow(/no shard report dir/);
  });
});
