/**
 * Run order. With both sides up at once, repeats alternate A B, B A, A B… so drift of the
 * machine (cache warmth, a neighbour's load) falls on both sides alike — Firecracker's A/B
 * rule. With one side up at a time, each side runs all its repeats while it is up.
 */
import type { Side } from './verdicts.ts';

export interface Slot {
  side: Side;
  repeat: number;
}

export function alternated(repeats: number): Slot[] {
  const out: Slot[] = [];
  for (let i = 0; i < repeats; i++) {
    const pair: Side[] = i % 2 === 0 ? ['base', 'head'] : ['head', 'base'];
    for (const side of pair) out.push({ side, repeat: i });
  }
  return out;
}

export function blocked(side: Side, repeats: number): Slot[] {
  return Array.from({ length: repeats }, (_, repeat) => ({ side, repeat }));
}
