/**
 * The teeth matrix: for each bug, which claiming cases failed with its switch on (caught)
 * and passed with it off. A bug is detected when at least one claiming case is caught and
 * none of them fails with the switch off.
 */
import { relative } from 'node:path';
import { mdTable } from '../../harness/reporters/render/markdown.ts';

export type CellState = 'caught' | 'missed' | 'broken' | 'not-run';

export interface CaseResult {
  id: string;
  detects: string[];
  passed: boolean;
}

/** A parsed result with what two-sided mode needs too: file, raw status, duration. */
export interface CaseRun extends CaseResult {
  file: string;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  /** Skipped because the target cannot run it (`needs`, harness/per-case/needs.ts), not deselected. */
  notRunnable: boolean;
}

export interface BugTeeth {
  bug: string;
  simSwitch: string;
  cells: Record<string, CellState>;
  detected: boolean;
}

/** vitest JSON reporter output → per-case pass/fail with the `detects` meta; ids as collect.ts makes them. */
export function parseVitestJson(json: unknown, root: string): CaseRun[] {
  const out: CaseRun[] = [];
  const files =
    (
      json as {
        testResults?: Array<{
          name: string;
          assertionResults: Array<{
            ancestorTitles: string[];
            title: string;
            status: string;
            duration?: number | null;
            meta?: { detects?: string[]; notRunnable?: unknown };
          }>;
        }>;
      }
    ).testResults ?? [];
  for (const file of files) {
    const rel = relative(root, file.name);
    for (const a of file.assertionResults) {
      out.push({
        // Its `fullName` joins titles with spaces; ids join them with " > " like collect.ts.
        id: [rel, ...a.ancestorTitles, a.title].join(' > '),
        detects: a.meta?.detects ?? [],
        passed: a.status === 'passed',
        file: rel,
        // pending / todo / disabled are skips as far as a verdict goes.
        status: a.status === 'passed' || a.status === 'failed' ? a.status : 'skipped',
        durationMs: a.duration ?? 0,
        notRunnable: a.meta?.notRunnable !== undefined,
      });
    }
  }
  return out;
}

/** `claimed`: the ids that claim `bug` in the collected cases, so a claiming case that did not run shows. */
export function teethFor(
  bug: string,
  simSwitch: string,
  on: CaseResult[],
  off: CaseResult[],
  claimed: readonly string[] = [],
): BugTeeth {
  const claiming = new Set([
    ...claimed,
    ...[...on, ...off].filter((c) => c.detects.includes(bug)).map((c) => c.id),
  ]);
  const cells: Record<string, CellState> = {};
  for (const id of claiming) {
    const withOn = on.find((c) => c.id === id);
    const withOff = off.find((c) => c.id === id);
    if (!withOn || !withOff) cells[id] = 'not-run';
    else if (!withOff.passed) cells[id] = 'broken';
    else cells[id] = withOn.passed ? 'missed' : 'caught';
  }
  const states = Object.values(cells);
  return { bug, simSwitch, cells, detected: states.includes('caught') && !states.includes('broken') };
}

const CELL_WORDS: Record<CellState, string> = {
  caught: 'fails / passes ✓',
  missed: 'passes / passes ✗ missed',
  broken: '? / FAILS ✗ broken',
  'not-run': 'not run',
};

export function renderTeeth(rows: BugTeeth[]): string {
  const cells = rows.flatMap((r) => {
    const entries = Object.entries(r.cells);
    if (entries.length === 0) return [[r.bug, r.simSwitch, '(no claiming case)', '**UNDETECTED**']];
    return entries.map(([id, state]) => [r.bug, r.simSwitch, id, CELL_WORDS[state]]);
  });
  const undetected = rows.filter((r) => !r.detected).map((r) => r.bug);
  const lines = [
    '# Teeth matrix (bug × case)',
    '',
    mdTable(['bug', 'switch', 'case', 'with switch on / off'], cells),
    '',
    undetected.length ? `**Undetected: ${undetected.join(', ')}**` : `All ${rows.length} bugs detected.`,
  ];
  return `${lines.join('\n')}\n`;
}
