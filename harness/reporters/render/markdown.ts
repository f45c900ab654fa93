/** Markdown building blocks shared by every report: tables and count phrases. */
import { escapeCell } from './escape.ts';

export interface TableOptions {
  /** Printed instead of the table when there is no row; by default the header stands alone. */
  empty?: string;
}

/** A markdown table; every cell is escaped (markdown emphasis in a cell stays). */
export function mdTable(
  head: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  opts: TableOptions = {},
): string {
  if (rows.length === 0 && opts.empty !== undefined) return opts.empty;
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(head), `|${head.map(() => '---|').join('')}`, ...rows.map(line)].join('\n');
}

export interface Count {
  n: number;
  label: string;
  /** Said even when zero (the counts a reader always looks for). */
  always?: boolean;
}

/** "3 passed, 0 failed, 2 not run": zero counts only where `always`. */
export function countPhrase(counts: readonly Count[]): string {
  return counts
    .filter((c) => c.always || c.n > 0)
    .map((c) => `${c.n} ${c.label}`)
    .join(', ');
}
