/**
 * The vitest sequencer of a sharded case run: vitest's own, whose `shard()` deals the files by
 * the durations a previous run recorded (plan.ts) when a results file is given. Without one,
 * vitest's default split by file stands.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { planShards, readDurations } from './plan.ts';

export function shardSequencer(durationsFile: string | null, root: string): typeof BaseSequencer {
  return class DurationSequencer extends BaseSequencer {
    override async shard(files: TestSpecification[]): Promise<TestSpecification[]> {
      const shard = this.ctx.config.shard;
      if (!durationsFile || !shard) return super.shard(files);
      const rel = (s: TestSpecification) => relative(root, s.moduleId);
      const plan = planShards(files.map(rel), readDurations(durationsFile, root), shard.count);
      const mine = new Set(plan[shard.index - 1]?.files ?? []);
      return files.filter((s) => mine.has(rel(s)));
    }
  };
}
