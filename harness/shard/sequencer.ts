/**
 * The vitest sequencer of a sharded case run: vitest's own, whose `shard()` deals the files by
 * the durations a previous run recorded (plan.ts) when a results file is given, or when a file
 * needs the whole stack to itself. Otherwise vitest's default split by file stands.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { CASES_PROJECT } from '../cases-project.ts';
import { needsWholeStack } from '../per-case/stack-lock.ts';
import { planShards, readDurations } from './plan.ts';

export function shardSequencer(durationsFile: string | null, root: string): typeof BaseSequencer {
  return class DurationSequencer extends BaseSequencer {
    override async shard(files: TestSpecification[]): Promise<TestSpecification[]> {
      const shard = this.ctx.config.shard;
      const rel = (s: TestSpecification) => relative(root, s.moduleId);
      const whole = files.filter((s) => needsWholeStack(readFileSync(s.moduleId, 'utf8'))).map(rel);
      if ((!durationsFile && whole.length === 0) || !shard) return super.shard(files);
      const durations = durationsFile ? readDurations(durationsFile, root) : new Map<string, number>();
      const alone = { files: new Set(whole), workers: CASES_PROJECT.maxWorkers };
      const plan = planShards(files.map(rel), durations, shard.count, alone);
      const mine = new Set(plan[shard.index - 1]?.files ?? []);
      return files.filter((s) => mine.has(rel(s)));
    }
  };
}
