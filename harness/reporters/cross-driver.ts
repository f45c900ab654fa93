/**
 * The cross-driver table (`cross-driver.md`): one row per scenario of cases/cross-driver.test.ts,
 * one column per client. The case records what each driver saw in its test's `meta.crossDriver`
 * (so the row travels with the result, into merged shard reports too); this renders them.
 */
import type { TestModule } from 'vitest/node';
import { mdTable } from './render/markdown.ts';

/** What the comparison looks at; `ms` and the error's wording are left out on purpose. */
export interface DriverSeen {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** The class of error (`not_found`, `execution_failed`, …), or null for an answer. */
  error: string | null;
}

export interface CrossDriverRow {
  scenario: string;
  expected: DriverSeen;
  /** By driver, in column order. */
  seen: Record<string, DriverSeen>;
}

declare module 'vitest' {
  interface TaskMeta {
    /** cases/cross-driver.test.ts: what every driver saw for this scenario. */
    crossDriver?: CrossDriverRow;
  }
}

export const CROSS_DRIVER_FILE = 'cross-driver.md';

const same = (a: DriverSeen, b: DriverSeen) => JSON.stringify(a) === JSON.stringify(b);

function cellText(s: DriverSeen): string {
  const show = (v: string) =>
    v.length > 24 ? `${JSON.stringify(v.slice(0, 24))}…(${v.length} B)` : JSON.stringify(v);
  return s.error ? `error ${s.error}` : `${show(s.stdout)} / ${show(s.stderr)} / exit ${s.exitCode}`;
}

export function renderCrossDriver(rows: readonly CrossDriverRow[]): string {
  const drivers = [...new Set(rows.flatMap((r) => Object.keys(r.seen)))];
  const cells = rows.map((r) => [
    r.scenario,
    cellText(r.expected),
    ...drivers.map((d) => {
      const s = r.seen[d];
      return s ? `${same(s, r.expected) ? '✓' : '✗'} ${cellText(s)}` : '—';
    }),
  ]);
  return [
    '# Cross-driver outcomes',
    '',
    'Each cell: stdout / stderr / exit code, or the error class. ✗ marks a driver that disagrees with the expectation.',
    '',
    mdTable(['scenario', 'expected', ...drivers], cells),
    '',
  ].join('\n');
}

/** The rows the run's tests recorded, in the order the tests were declared. */
export function crossDriverRows(modules: ReadonlyArray<TestModule>): CrossDriverRow[] {
  return modules.flatMap((m) =>
    [...m.children.allTests()].flatMap((t) => {
      const row = t.meta().crossDriver;
      return row ? [row] : [];
    }),
  );
}
