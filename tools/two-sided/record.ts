/** What a two-sided run records (verdicts.json) and every report renders from. */
import type { CompareResult } from '../bench/compare.ts';
import type { PerfOptions } from './perf-options.ts';
import type { CaseVerdict, ClaimCheck, Side, SideRun, Verdict } from './verdicts.ts';

export interface SideInfo {
  ref: string;
  sha: string;
  worktree: string;
  stateDir: string;
  /** What the builder did (cache hit, installed…). */
  build: string;
}

export type RunStatus = 'running' | 'completed' | 'interrupted' | 'infrastructure-error';

/**
 * Wall time per phase, ms. `build` = worktrees + dependencies; `up`/`down` = side stacks;
 * `cleanup` = the rest of the restore (worktree removal, work dir). `total - build - up - down
 * - cleanup` is the run's wall time with builds excluded.
 */
export interface Phases {
  build: number;
  up: number;
  cases: number;
  perf: number;
  down: number;
  cleanup: number;
  total: number;
}

export interface TwoSidedRecord {
  schema: 'boxlite-e2e/two-sided';
  version: 1;
  runId: string;
  /** Its report dir, relative to reports/. */
  reportRel: string;
  /** A run of one side only (`--only`), for `--merge` to join with the other side's. */
  only?: Side;
  /** `i/n`: that side run covered one shard of the cases. */
  shard?: string;
  status: RunStatus;
  target: 'sim' | 'boxlite';
  checkout: string;
  cases: string[];
  grep: string | null;
  repeat: number;
  claims: string[];
  sides: Partial<Record<Side, SideInfo>>;
  phases: Phases;
  runs: SideRun[];
  verdicts: CaseVerdict[];
  counts: Record<Verdict, number> | null;
  claimChecks: ClaimCheck[];
  perf: { options: PerfOptions; order: Side[]; compare: CompareResult & { unmatched: string[] } } | null;
  infrastructureError: string | null;
  /** Undo steps that failed (the original state might not be fully restored: exit 3). */
  restoreFailures: string[];
  exitCode: number;
  startedAt: string;
  finishedAt: string | null;
}

/** What a run is about, fixed before it starts; the rest of its record starts empty. */
export type RunSubject = Pick<
  TwoSidedRecord,
  'runId' | 'reportRel' | 'target' | 'checkout' | 'cases' | 'grep' | 'repeat' | 'claims' | 'sides'
> &
  Partial<TwoSidedRecord>;

/** A record before anything ran: no runs, verdicts or perf, and exit 3 until it is concluded. */
export function newRecord(subject: RunSubject): TwoSidedRecord {
  return {
    schema: 'boxlite-e2e/two-sided',
    version: 1,
    status: 'running',
    phases: { build: 0, up: 0, cases: 0, perf: 0, down: 0, cleanup: 0, total: 0 },
    runs: [],
    verdicts: [],
    counts: null,
    claimChecks: [],
    perf: null,
    infrastructureError: null,
    restoreFailures: [],
    exitCode: 3,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    ...subject,
  };
}
