/**
 * The two-sided verdict engine, pure: per-case outcomes of every run on each side in,
 * one verdict per case, the ledger claims checked, and the exit code out.
 *
 * A side's outcome for a case is the set of statuses over its repeats. Differing statuses on
 * one side (pass on one repeat, fail on another) make the case flaky, whatever the other side
 * did: a flaky case proves nothing either way. Skipped (not runnable) and missing results are
 * no data; a case without data on a side is `not-run`.
 */

import { knownBug } from '../../harness/ledger/known-bugs.ts';
import { UsageError } from '../../kernel/errors.ts';

export type CaseStatus = 'passed' | 'failed' | 'skipped';
export const SIDES = ['base', 'head'] as const;
export type Side = (typeof SIDES)[number];

export interface CaseOutcome {
  /** `file > describe > test`, as the harness names cases everywhere. */
  id: string;
  file: string;
  /** Ledger bug ids the case claims to detect (`meta.detects`). */
  detects: string[];
  status: CaseStatus;
  durationMs: number;
}

/** One vitest run of the selected cases against one side. */
export interface SideRun {
  side: Side;
  /** 0-based repeat index on that side. */
  repeat: number;
  /** Position in the whole schedule (0 = first run of the two-sided run). */
  order: number;
  wallMs: number;
  outcomes: CaseOutcome[];
}

export const VERDICTS = ['fixed', 'regressed', 'still-failing', 'flaky', 'unchanged', 'not-run'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface CaseVerdict {
  id: string;
  file: string;
  detects: string[];
  verdict: Verdict;
  /** Statuses in repeat order, per side. */
  statuses: Record<Side, CaseStatus[]>;
  /** Mean duration of the runs that produced a result, per side (null without one). */
  meanMs: Record<Side, number | null>;
}

export interface ClaimCheck {
  bug: string;
  shown: boolean;
  /** The claiming cases and their verdicts. */
  cases: { id: string; verdict: Verdict }[];
  why: string;
}

/** One side's consistent state over its repeats, or why there is none. */
function sideState(statuses: readonly CaseStatus[]): 'pass' | 'fail' | 'flaky' | 'none' {
  const ran = new Set(statuses.filter((s) => s !== 'skipped'));
  if (ran.size === 0) return 'none';
  if (ran.size > 1) return 'flaky';
  return ran.has('passed') ? 'pass' : 'fail';
}

export function judge(base: readonly CaseStatus[], head: readonly CaseStatus[]): Verdict {
  const b = sideState(base);
  const h = sideState(head);
  if (b === 'flaky' || h === 'flaky') return 'flaky';
  if (b === 'none' || h === 'none') return 'not-run';
  if (b === h) return b === 'pass' ? 'unchanged' : 'still-failing';
  return b === 'fail' ? 'fixed' : 'regressed';
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null);

/** Every case seen in any run, with its verdict; ordered as the first run listed them. */
export function verdictsFor(runs: readonly SideRun[]): CaseVerdict[] {
  const order: string[] = [];
  const byId = new Map<string, { outcome: CaseOutcome; runs: Record<Side, CaseOutcome[]> }>();
  const sorted = [...runs].sort((x, y) => x.order - y.order);
  for (const run of sorted) {
    for (const o of run.outcomes) {
      let entry = byId.get(o.id);
      if (!entry) {
        entry = { outcome: o, runs: { base: [], head: [] } };
        byId.set(o.id, entry);
        order.push(o.id);
      }
      entry.runs[run.side].push(o);
    }
  }
  const repeats = (side: Side) => sorted.filter((r) => r.side === side).length;
  return order.map((id) => {
    const { outcome, runs: per } = byId.get(id)!;
    // A case missing from one run of a side counts as not run there (skipped), not as passed.
    const statuses = (side: Side): CaseStatus[] => {
      const got = per[side].map((o) => o.status);
      return [...got, ...Array<CaseStatus>(Math.max(0, repeats(side) - got.length)).fill('skipped')];
    };
    const s = { base: statuses('base'), head: statuses('head') };
    const ms = (side: Side) => mean(per[side].filter((o) => o.status !== 'skipped').map((o) => o.durationMs));
    return {
      id,
      file: outcome.file,
      detects: outcome.detects,
      verdict: judge(s.base, s.head),
      statuses: s,
      meanMs: { base: ms('base'), head: ms('head') },
    };
  });
}

/** Checks bug ids against the ledger; an unknown id is a usage error. */
export function checkClaimIds(claims: readonly string[]): void {
  try {
    for (const id of claims) knownBug(id);
  } catch (err) {
    throw new UsageError(`--claims: ${(err as Error).message}`);
  }
}

/**
 * A claimed fix shows when at least one selected case claiming the bug is `fixed` and none
 * of them still fails, regressed or is flaky. Claiming cases that pass on both sides are
 * allowed (a case may claim several bugs, not all reproducible on this target).
 */
export function checkClaims(claims: readonly string[], verdicts: readonly CaseVerdict[]): ClaimCheck[] {
  return claims.map((bug) => {
    const cases = verdicts
      .filter((v) => v.detects.includes(bug))
      .map((v) => ({ id: v.id, verdict: v.verdict }));
    const bad = cases.filter((c) => ['still-failing', 'regressed', 'flaky'].includes(c.verdict));
    const fixed = cases.filter((c) => c.verdict === 'fixed');
    let why: string;
    if (cases.length === 0) why = 'no selected case claims this bug (meta.detects)';
    else if (bad.length) why = `claiming case(s) ${bad.map((c) => `${c.verdict}: ${c.id}`).join('; ')}`;
    else if (!fixed.length) why = 'no claiming case fails on base and passes on head';
    else why = `${fixed.length} claiming case(s) fixed`;
    return { bug, shown: cases.length > 0 && bad.length === 0 && fixed.length > 0, cases, why };
  });
}

/**
 * Exit codes (docs/two-sided.md). Findings are bits, so a run with a regression and a claimed
 * fix that did not show exits 5; infrastructure failure and usage errors are never combined.
 */
export const EXIT_CODES = {
  ok: 0,
  regression: 1,
  usage: 2,
  infrastructure: 3,
  claimNotShown: 4,
  perfRegression: 8,
  /** Interrupted (SIGINT) / terminated (SIGTERM), after the restore. */
  interrupted: 130,
  terminated: 143,
} as const;

export interface Findings {
  regressions: number;
  claimsNotShown: number;
  perfRegressions: number;
  infrastructureError: string | null;
}

export function exitCodeFor(f: Findings): number {
  if (f.infrastructureError !== null) return EXIT_CODES.infrastructure;
  return (
    (f.regressions > 0 ? EXIT_CODES.regression : 0) |
    (f.claimsNotShown > 0 ? EXIT_CODES.claimNotShown : 0) |
    (f.perfRegressions > 0 ? EXIT_CODES.perfRegression : 0)
  );
}

export function countVerdicts(verdicts: readonly CaseVerdict[]): Record<Verdict, number> {
  const out = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const v of verdicts) out[v.verdict] += 1;
  return out;
}
