/**
 * The record of one `pnpm e2e:bench` run (run.json beside the per-scenario v1.0 files): what
 * ran where, what could not run and why, and the run-wide facts — peak memory — that belong to
 * no single scenario. Our own schema; the scenario files stay upstream-readable.
 */
import type { RssReport } from './rss.ts';

export const RUN_SCHEMA = 'boxlite-e2e/bench-run';

export interface ScenarioEntry {
  name: string;
  summary: string;
  status: 'ran' | 'not-runnable';
  /** Why it could not run on this target. */
  reason?: string;
  /** The v1.0 report, relative to the run directory. */
  file?: string;
}

export interface BenchRun {
  schema: typeof RUN_SCHEMA;
  version: 1;
  run_id: string;
  started_at: string;
  finished_at: string;
  target: { kind: string; api_url: string; origin: string; image: string; bugs: string[] };
  options: { runs: number; warmup: number; settle_ms: number };
  scenarios: ScenarioEntry[];
  rss: RssReport | null;
}
