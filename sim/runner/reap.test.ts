/**
 * reapLater: a container the engine makes after its box was refused is removed once it lands,
 * and the reaper gives up after its tries when nothing ever lands.
 */
import type Docker from 'dockerode';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { reapLater } from './docker.ts';

/** An engine where the named container lands after `landsAfter` remove attempts (never: Infinity). */
function engine(landsAfter: number) {
  const calls: string[] = [];
  let attempts = 0;
  const docker = {
    getContainer: (name: string) => ({
      remove: async (opts: { force?: boolean }) => {
        calls.push(`${name} force=${opts.force}`);
        attempts++;
        if (attempts <= landsAfter) throw Object.assign(new Error('no such container'), { statusCode: 404 });
      },
    }),
  } as unknown as Docker;
  return { docker, calls };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

it('removes the container once it lands, then stops trying', async () => {
  const { docker, calls } = engine(2);
  reapLater(docker, 'box-a', 6, 1000);
  expect(calls).toEqual([]);
  await vi.advanceTimersByTimeAsync(10_000);
  expect(calls).toEqual(['box-a force=true', 'box-a force=true', 'box-a force=true']);
});

it('gives up after its tries when the container never lands', async () => {
  const { docker, calls } = engine(Number.POSITIVE_INFINITY);
  reapLater(docker, 'box-b', 4, 1000);
  await vi.advanceTimersByTimeAsync(60_000);
  expect(calls).toHaveLength(4);
});
