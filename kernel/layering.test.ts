/** Fails on any import cycle between top-level folders and on any import up the pipeline. */
import { describe, expect, it } from 'vitest';
import { cycleOf, folderEdges, upwardEdges } from './layering.ts';

describe('layering', () => {
  const edges = folderEdges();

  it('finds the cross-folder imports it is meant to judge', () => {
    expect(edges.some((e) => e.from === 'cases' && e.to === 'harness')).toBe(true);
  });

  it('the folder graph has no cycle', () => {
    expect(cycleOf(edges)).toEqual([]);
  });

  it('every cross-folder import points down the pipeline', () => {
    expect(upwardEdges(edges)).toEqual([]);
  });

  it('a run never loads a tool: nothing under harness/, fixtures/ or cases/ imports tools/', () => {
    const run = new Set(['harness', 'fixtures', 'cases']);
    expect(edges.filter((e) => run.has(e.from) && e.to === 'tools').map((e) => e.file)).toEqual([]);
  });

  it('the kernel imports no stage', () => {
    expect(edges.filter((e) => e.from === 'kernel').map((e) => e.file)).toEqual([]);
  });

  it('the cycle finder and the order check catch what they should', () => {
    const abc = [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'a' },
    ];
    expect(cycleOf(abc)).toEqual(['a', 'b', 'c', 'a']);
    expect(cycleOf([{ from: 'a', to: 'b' }])).toEqual([]);
    expect(upwardEdges([{ from: 'kernel', to: 'sim', file: 'kernel/x.ts', target: 'sim/y.ts' }])).toEqual([
      'kernel/x.ts → sim/y.ts',
    ]);
  });
});
