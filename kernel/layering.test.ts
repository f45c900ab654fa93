/**
 * The tree reads as the pipeline, and imports may only point down it. Every relative import
 * between top-level folders is checked against this order; a cycle is reported as such.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './paths.ts';

/** Lower layers first. A folder may import its own layer and any layer before it. */
export const LAYERS = ['kernel', 'drivers', 'bootstrap', 'sim', 'stack', 'harness', 'cases'] as const;

const SKIP = new Set(['node_modules', '.git', '.e2e-state', 'reports']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const topOf = (abs: string) => {
  const parts = relative(REPO_ROOT, abs).split(sep);
  return parts.length > 1 ? (parts[0] as string) : '(root)';
};

interface Edge {
  from: string;
  to: string;
  file: string;
  target: string;
}

function folderEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(REPO_ROOT)) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), m[1] as string);
      const from = topOf(file);
      const to = topOf(target);
      if (from !== to && from !== '(root)')
        edges.push({ from, to, file: relative(REPO_ROOT, file), target: relative(REPO_ROOT, target) });
    }
  }
  return edges;
}

/** Folders on a cycle of the folder graph (empty when it is a DAG). */
export function cycleOf(edges: readonly { from: string; to: string }[]): string[] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) (next.get(e.from) ?? next.set(e.from, new Set()).get(e.from))?.add(e.to);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] => {
    if (state.get(n) === 'done') return [];
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const m of next.get(n) ?? []) {
      const c = visit(m);
      if (c.length) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return [];
  };
  for (const n of next.keys()) {
    const c = visit(n);
    if (c.length) return c;
  }
  return [];
}

describe('layering', () => {
  const edges = folderEdges();

  it('the folder graph has no cycle', () => {
    expect(cycleOf(edges)).toEqual([]);
  });

  it('every cross-folder import points down the pipeline', () => {
    const rank = (f: string) => (LAYERS as readonly string[]).indexOf(f);
    const bad = edges
      .filter((e) => rank(e.from) === -1 || rank(e.to) === -1 || rank(e.to) > rank(e.from))
      .map((e) => `${e.file} → ${e.target}`);
    expect(bad).toEqual([]);
  });

  it('the kernel imports no stage', () => {
    expect(edges.filter((e) => e.from === 'kernel').map((e) => e.file)).toEqual([]);
  });

  it('the cycle finder finds a cycle', () => {
    expect(
      cycleOf([
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'a' },
      ]),
    ).toEqual(['a', 'b', 'c', 'a']);
    expect(cycleOf([{ from: 'a', to: 'b' }])).toEqual([]);
  });
});
