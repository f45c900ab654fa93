/**
 * Classifies finished tests into the harness's outcome vocabulary (incl. xfail/xpass). An
 * xfail reaches reporters as a skip carrying `meta.outcome` (per-case/case-runner.ts), so every
 * report format agrees; only here is it named.
 */
import type { TestCase, TestModule } from 'vitest/node';
import type { TestTime } from '../per-case/time-book.ts';

/**
 * `not-runnable`: a need the preflight measured as missing (per-case/needs.ts), apart from skips.
 * `not-run`: the stack died earlier in the run (per-case/infra.ts), so the case never started.
 */
export type Outcome = 'pass' | 'fail' | 'xfail' | 'xpass' | 'skip' | 'not-runnable' | 'not-run';

export interface CaseRecord {
  id: string;
  file: string;
  name: string;
  outcome: Outcome;
  durationMs: number;
  detects: string[];
  xfailReason: string | null;
  /** The preflight's evidence when the case could not run here. */
  notRunnable?: string;
  /** Failed after or because the stack died: the death's line. */
  infrastructure?: string;
  /** Never started because the stack had died: the death's line. */
  notRun?: string;
  error: string | null;
  pathGuard: { checked: number; ok: boolean; waitedMs: number; ops?: number; opsUnavailable?: string } | null;
  leakGuard?: { checked: number; ok: boolean } | { unavailable: string };
  /** Where the test's time went (null when it did not run). */
  time: TestTime | null;
}

export function outcomeOf(test: TestCase): Outcome {
  const state = test.result().state;
  const meta = test.meta();
  if (state === 'skipped' && meta.notRun) return 'not-run';
  if (state === 'skipped' && meta.notRunnable) return 'not-runnable';
  if (state === 'skipped') return meta.outcome === 'xfail' ? 'xfail' : 'skip';
  if (state === 'pending') return 'skip';
  if (state === 'passed') return 'pass';
  return meta.outcome === 'xpass' ? 'xpass' : 'fail';
}

export function collectCases(modules: ReadonlyArray<TestModule>, root: string): CaseRecord[] {
  const out: CaseRecord[] = [];
  for (const mod of modules) {
    const file = mod.moduleId.startsWith(root) ? mod.moduleId.slice(root.length + 1) : mod.moduleId;
    for (const test of mod.children.allTests()) {
      const meta = test.meta();
      const errors = test.result().errors ?? [];
      out.push({
        id: `${file} > ${test.fullName}`,
        file,
        name: test.fullName,
        outcome: outcomeOf(test),
        durationMs: Math.round(test.diagnostic()?.duration ?? 0),
        detects: meta.detects ?? [],
        xfailReason: meta.xfailReason ?? null,
        ...(meta.notRunnable ? { notRunnable: meta.notRunnable } : {}),
        ...(meta.infrastructure ? { infrastructure: meta.infrastructure } : {}),
        ...(meta.notRun ? { notRun: meta.notRun } : {}),
        ...(meta.leakGuard ? { leakGuard: meta.leakGuard } : {}),
        error: errors[0]?.message?.split('\n')[0] ?? null,
        pathGuard: meta.pathGuard ?? null,
        time: meta.time ?? null,
      });
    }
    // A file that failed to load, or failed after its tests (e.g. a box it could not remove).
    const fileErrors = mod.errors();
    if (fileErrors.length > 0 || (mod.state() === 'failed' && [...mod.children.allTests()].length === 0)) {
      const err = fileErrors.map((e) => e.message?.split('\n')[0]).join('; ') || 'file failed to load';
      out.push({
        id: file,
        file,
        name: '(file)',
        outcome: 'fail',
        durationMs: 0,
        detects: [],
        xfailReason: null,
        error: err,
        pathGuard: null,
        time: null,
      });
    }
  }
  return out;
}

export function countOutcomes(cases: readonly CaseRecord[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = {
    pass: 0,
    fail: 0,
    xfail: 0,
    xpass: 0,
    skip: 0,
    'not-runnable': 0,
    'not-run': 0,
  };
  for (const c of cases) counts[c.outcome] += 1;
  return counts;
}
