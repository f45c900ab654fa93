/** What a bisect run records (bisect.json) and its summary renders from. */
import type { Terms } from './git-bisect.ts';
import type { StepResult } from './probe.ts';

export interface BisectStep {
  /** 1-based; the ends come first when they are checked. */
  n: number;
  /** `good end`, `bad end` or `bisect`. */
  stage: 'good end' | 'bad end' | 'bisect';
  sha: string;
  subject: string;
  /** The commit actually built: `sha` with the pinned components swapped in, or `sha`. */
  tested: string;
  /** The mark given to git: the old or new term, or skip (ends are not marked). */
  mark: string | null;
  result: StepResult;
  /** The step's wall time, ms (checkout, build, up, cases, down). */
  ms: number;
}

export interface CommitOutcome {
  sha: string;
  subject: string;
  /** The step's verdict, or `assumed` for an end that was not tested. */
  outcome: string;
}

export type BisectStatus =
  | 'running'
  | 'found'
  | 'ambiguous'
  | 'ends-disagree'
  | 'interrupted'
  | 'infrastructure-error';

export interface BisectRecord {
  schema: 'boxlite-e2e/bisect';
  version: 1;
  runId: string;
  reportRel: string;
  target: string;
  checkout: string;
  good: { ref: string; sha: string };
  bad: { ref: string; sha: string };
  /** regression: good is older (first bad commit sought); fix: bad is older (first fixed commit). */
  direction: 'regression' | 'fix';
  terms: Terms;
  selection: { cases: string[]; grep: string | null; claim: string | null };
  paths: string[];
  pins: { component: string; ref: string; sha: string; paths: string[] }[];
  steps: BisectStep[];
  status: BisectStatus;
  /** The first commit with the new term, and the nearest tested commit before it. */
  first: CommitOutcome | null;
  before: CommitOutcome | null;
  /** With `ambiguous`: the commits the change is among (all skipped). */
  candidates: string[];
  error: string | null;
  restoreFailures: string[];
  exitCode: number;
  wallMs: number;
  startedAt: string;
  finishedAt: string | null;
}

/** Exit codes (docs/bisect.md). */
export const BISECT_EXIT = {
  found: 0,
  ambiguous: 1,
  usage: 2,
  infrastructure: 3,
  endsDisagree: 4,
  interrupted: 130,
  terminated: 143,
} as const;
