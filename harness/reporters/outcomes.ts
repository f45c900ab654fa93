/** Classifies finished tests into the harness's outcome vocabulary (incl. xfail/xpass). */
import type { TestCase, TestModule } from 'vitest/node';

export type Outcome = 'pass' | 'fail' | 'xfail' | 'xpass' | 'skip';

export interface CaseRecord {
  id: string;
  file: string;
  name: string;
  outcome: Outcome;
  durationMs: number;
  detects: string[];
  xfailReason: string | null;
  error: string | null;
  pathGuard: { checked: number; ok: boolean; waitedMs: number } | null;
}

export function outcomeOf(test: TestCase): Outcome {
  const state = test.result().state;
  const meta = test.meta();
  if (state === 'skipped' || state === 'pending') return 'skip';
  if (meta.outcome === 'xpass') return 'xpass';
  if (state === 'passed') return meta.outcome === 'xfail' ? 'xfail' : 'pass';
  return 'fail';
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
        error: errors[0]?.message?.split('\n')[0] ?? null,
        pathGuard: meta.pathGuard ?? null,
      });
    }
    if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) {
      const err = mod.errors()[0]?.message?.split('\n')[0] ?? 'file failed to load';
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
      });
    }
  }
  return out;
}

export function countOutcomes(cases: readonly CaseRecord[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { pass: 0, fail: 0, xfail: 0, xpass: 0, skip: 0 };
  for (const c of cases) counts[c.outcome] += 1;
  return counts;
}
