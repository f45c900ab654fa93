/**
 * The run's time in three parts — SUT calls, deliberate waits, harness machinery — summed
 * from each test's split (per-case/time-book.ts), plus the named machinery phases. Pure.
 */
import type { TestTime } from '../per-case/time-book.ts';
import type { CaseRecord } from './outcomes.ts';

export interface RunTime {
  /** The vitest run, start to end (workers overlap, so test time can exceed it). */
  wallMs: number;
  /** Σ over the tests that ran. */
  testMs: number;
  sutMs: number;
  waitMs: number;
  harnessMs: number;
  /** Named machinery phases inside harnessMs (cleanup, path-guard, …), Σ ms. */
  phases: Record<string, number>;
  /** Tests that ran with a time book. */
  tests: number;
  /** Box removal, which runs after each test and off its clock: boxes, and Σ of the files' waits for it. */
  removals: { boxes: number; waitMs: number };
}

export function runTime(
  cases: readonly CaseRecord[],
  wallMs: number,
  removals: ReadonlyArray<{ boxes: number; waitMs: number }> = [],
): RunTime {
  const times = cases.map((c) => c.time).filter((t): t is TestTime => t !== null);
  const sum = (pick: (t: TestTime) => number) => times.reduce((a, t) => a + pick(t), 0);
  const phases: Record<string, number> = {};
  for (const t of times) for (const [k, v] of Object.entries(t.phases)) phases[k] = (phases[k] ?? 0) + v;
  return {
    wallMs: Math.round(wallMs),
    testMs: sum((t) => t.totalMs),
    sutMs: sum((t) => t.sutMs),
    waitMs: sum((t) => t.waitMs),
    harnessMs: sum((t) => t.harnessMs),
    phases,
    tests: times.length,
    removals: {
      boxes: removals.reduce((a, r) => a + r.boxes, 0),
      waitMs: removals.reduce((a, r) => a + r.waitMs, 0),
    },
  };
}

const pct = (part: number, whole: number) => `${whole > 0 ? ((100 * part) / whole).toFixed(1) : '0.0'} %`;
const s = (ms: number) => (ms / 1000).toFixed(1);

/** One line for the headline: the three shares of test time. */
export function timeHeadline(t: RunTime): string {
  return `of ${s(t.testMs)} s in tests: SUT ${pct(t.sutMs, t.testMs)}, waits ${pct(t.waitMs, t.testMs)}, harness ${pct(t.harnessMs, t.testMs)}`;
}

/** The per-test split in a few words, for lists of cases. */
export function caseSplit(t: TestTime | null): string {
  return t ? ` (SUT ${s(t.sutMs)}, wait ${s(t.waitMs)}, harness ${s(t.harnessMs)})` : '';
}

export function renderTime(t: RunTime): string[] {
  const row = (label: string, ms: number) => `| ${label} | ${s(ms)} | ${pct(ms, t.testMs)} |`;
  const named = Object.values(t.phases).reduce((a, v) => a + v, 0);
  return [
    '## Time',
    '',
    '| part | s | share of test time |',
    '|---|---|---|',
    row('SUT calls (SDK, REST, WebSocket, subprocess drivers)', t.sutMs),
    row('deliberate waits (`pause`, `waitFor`)', t.waitMs),
    row('harness machinery', t.harnessMs),
    ...Object.entries(t.phases)
      .sort(([, a], [, b]) => b - a)
      .map(([phase, ms]) => row(`· of which ${phase}`, ms)),
    row('· of which fixtures and the rest', Math.max(0, t.harnessMs - named)),
    row(`test time (Σ over ${t.tests} tests)`, t.testMs),
    '',
    `Wall ${s(t.wallMs)} s (tests run in parallel workers, so their sum can exceed it). Box removal runs after each test, off its clock: ${t.removals.boxes} box(es); files waited ${s(t.removals.waitMs)} s at their end for the last removals.`,
    '',
  ];
}
