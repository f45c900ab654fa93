/**
 * The performance A/B's options and documented defaults (docs/two-sided.md), apart from the
 * A/B itself so the CLI can parse flags without loading the bench.
 */
import { DEFAULT_COMPARE } from '../bench/compare.ts';
import type { StatField } from '../bench/stats.ts';

export interface PerfOptions {
  scenarios: string[];
  /** Iterations per bench invocation, warm-up included. */
  runs: number;
  warmup: number;
  /** Alternation rounds: 2 = A B B A. */
  rounds: number;
  on: StatField;
  alpha: number;
  threshold: number;
  permutations: number;
  seed: number;
}

export const DEFAULT_PERF: PerfOptions = {
  scenarios: ['latency-exec'],
  runs: 6,
  warmup: 1,
  rounds: 2,
  on: 'p50',
  alpha: DEFAULT_COMPARE.alpha,
  threshold: 0.2,
  permutations: DEFAULT_COMPARE.permutations,
  seed: DEFAULT_COMPARE.seed,
};
