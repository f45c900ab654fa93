/**
 * The tree reads as the pipeline, and imports may only point down it. These are the facts the
 * layering test checks: the layer order, the cross-folder import edges, and a cycle finder.
 */
import { dirname, relative, resolve, sep } from 'node:path';
import { REPO_ROOT } from './paths.ts';
import { readSource, repoSources } from './source-files.ts';

/** Lower layers first. A folder may import its own layer and any layer before it. */
export const LAYERS = [
  'kernel',
  'drivers',
  'bootstrap',
  'sim',
  'stack',
  'harness',
  'fixtures',
  'cases',
  'tools',
  'docs',
] as const;

export interface ImportEdge {
  from: string;
  to: string;
  file: string;
  target: string;
}

const topOf = (repoPath: string) => {
  const parts = repoPath.split(sep);
  return parts.length > 1 ? (parts[0] as string) : '(root)';
};

/** Every relative import that crosses a top-level folder (root files such as vitest.config.ts excluded). */
export function folderEdges(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of repoSources()) {
    for (const m of readSource(file).matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(REPO_ROOT, resolve(REPO_ROOT, dirname(file), m[1] as string));
      const from = topOf(file);
      const to = topOf(target);
      if (from !== to && from !== '(root)') edges.push({ from, to, file, target });
    }
  }
  return edges;
}

/** Edges that point up the pipeline or into a folder that is not a layer. */
export function upwardEdges(edges: readonly ImportEdge[]): string[] {
  const rank = (f: string) => (LAYERS as readonly string[]).indexOf(f);
  return edges
    .filter((e) => rank(e.from) === -1 || rank(e.to) === -1 || rank(e.to) > rank(e.from))
    .map((e) => `${e.file} → ${e.target}`);
}

/** Folders on a cycle of the folder graph (empty when it is a DAG). */
export function cycleOf(edges: readonly { from: string; to: string }[]): string[] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    const set = next.get(e.from) ?? new Set<string>();
    set.add(e.to);
    next.set(e.from, set);
  }
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] => {
    if (state.get(n) === 'done') return [];
    if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'open');
    path.push(n);
    for (const m of next.get(n) ?? []) {
      const c = visit(m);
      if (c.length) return c;
    }
    path.pop();
    state.set(n, 'done');
    return [];
  };
  for (const n of next.keys()) {
    const c = visit(n);
    if (c.length) return c;
  }
  return [];
}
