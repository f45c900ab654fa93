import { describe, expect, it } from 'vitest';
import { planMatrix } from './plan.ts';

describe('the KVM job matrix', () => {
  it('one-sided: one job per shard; one shard is the whole run', () => {
    expect(planMatrix('one-sided', 1)).toEqual({
      include: [{ label: 'shard-1of1', side: '', shard: '1/1' }],
    });
    expect(planMatrix('one-sided', 3).include.map((e) => [e.label, e.shard])).toEqual([
      ['shard-1of3', '1/3'],
      ['shard-2of3', '2/3'],
      ['shard-3of3', '3/3'],
    ]);
  });

  it('two-sided: each side on a runner of its own, and in shards when there are several', () => {
    expect(planMatrix('two-sided', 1).include).toEqual([
      { label: 'base', side: 'base', shard: '' },
      { label: 'head', side: 'head', shard: '' },
    ]);
    expect(planMatrix('two-sided', 2).include.map((e) => e.label)).toEqual([
      'base-shard-1of2',
      'base-shard-2of2',
      'head-shard-1of2',
      'head-shard-2of2',
    ]);
  });

  it('labels are unique (they name jobs, artifacts and concurrency groups)', () => {
    const labels = planMatrix('two-sided', 4).include.map((e) => e.label);
    expect(new Set(labels).size).toBe(labels.length);
  });
});
