/** Which cases (and so which files) claim which ledger bugs, from the collected `meta.detects`. */
import type { CollectedCase } from '../collect/collect.ts';

export interface Claim {
  /** Case ids, as reports name them. */
  ids: string[];
  /** Their files, each once. */
  files: string[];
  /** vitest filters naming exactly the claiming tests (`file:line`, or the file when the line is unknown). */
  filters: string[];
}

export function claimsByBug(cases: readonly CollectedCase[]): Map<string, Claim> {
  const byBug = new Map<string, Claim>();
  for (const c of cases) {
    for (const bug of c.detects) {
      const claim = byBug.get(bug) ?? { ids: [], files: [], filters: [] };
      claim.ids.push(c.id);
      if (!claim.files.includes(c.file)) claim.files.push(c.file);
      const filter = c.line === null ? c.file : `${c.file}:${c.line}`;
      if (!claim.filters.includes(filter)) claim.filters.push(filter);
      byBug.set(bug, claim);
    }
  }
  return byBug;
}
