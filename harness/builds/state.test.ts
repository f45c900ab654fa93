import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildsFor } from '../cli-cases.ts';
import { buildsFile, pending, readBuilds, waitForBuilds, writeBuilds } from './state.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'builds-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the builds file', () => {
  it('a run without one answers null and nothing is pending', async () => {
    expect(readBuilds(buildsFile(dir))).toBeNull();
    expect(await waitForBuilds(buildsFile(dir), ['cli'])).toBeNull();
  });

  it('a wait lasts while a build it needs is building and answers the state it ends in', async () => {
    const file = buildsFile(dir);
    writeBuilds(file, {
      cli: { state: 'building', since: 'now' },
      'sdk-drivers': { state: 'unavailable', why: 'no cc' },
    });
    expect(pending(readBuilds(file), ['sdk-drivers'])).toBe(false);
    const waited = waitForBuilds(file, ['cli'], 10);
    setTimeout(() => writeBuilds(file, { cli: { state: 'unavailable', why: 'the build failed' } }), 50);
    expect((await waited)?.cli).toEqual({ state: 'unavailable', why: 'the build failed' });
  });
});

describe('buildsFor', () => {
  it('names the builds a case file needs by its name', () => {
    expect(buildsFor('/r/cases/cli-inspect.test.ts')).toEqual(['cli']);
    expect(buildsFor('/r/cases/sdk-go.test.ts')).toEqual(['sdk-drivers']);
    expect(buildsFor('/r/cases/cross-driver.test.ts')).toEqual(['cli', 'sdk-drivers']);
    expect(buildsFor('/r/cases/errors.test.ts')).toEqual([]);
  });
});
