import { describe, expect, it } from 'vitest';
import type { StackHandle } from '../handle/handle.ts';
import { newSince } from './inventory.ts';

const stack = { images: { busybox: 'boxlite-e2e/busybox:1', debian: 'boxlite-e2e/debian:1' } } as StackHandle;

describe('end-of-run inventory', () => {
  it('names what is new since the start, by kind', () => {
    const before = { volume: ['vol-a'], 'catalog image': [] };
    const after = { volume: ['vol-a', 'vol-b'], 'catalog image': ['127.0.0.1:5000/boxlite-e2e/x-1:1'] };
    expect(newSince(stack, before, after)).toEqual({
      volume: ['vol-b'],
      'catalog image': ['127.0.0.1:5000/boxlite-e2e/x-1:1'],
    });
  });

  it("the stack's guest images are no leftover: the first box made from one records or pulls it", () => {
    const after = {
      'catalog image': ['127.0.0.1:5000/boxlite-e2e/busybox:1', '127.0.0.1:5000/boxlite-e2e/busybox-copy:1'],
      'runner image': ['127.0.0.1:5000/boxlite-e2e/debian@sha256:ab', 'boxlite-sim-snap:x'],
    };
    expect(newSince(stack, { 'catalog image': [], 'runner image': [] }, after)).toEqual({
      'catalog image': ['127.0.0.1:5000/boxlite-e2e/busybox-copy:1'],
      'runner image': ['boxlite-sim-snap:x'],
    });
  });

  it('a listing that was not available at the start says nothing', () => {
    expect(newSince(stack, {}, { volume: ['vol-a'] })).toEqual({});
  });
});
