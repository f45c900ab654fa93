import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enterStack, needsWholeStack } from './stack-lock.ts';

const fresh = () => mkdtemp(join(tmpdir(), 'stack-lock-'));
const tick = (ms = 60) => new Promise((r) => setTimeout(r, ms));

// Spelled apart: vitest reads this file's own text for its tags.
const TAG = ['@module', 'tag'].join('-');

describe('the whole-stack tag', () => {
  it("is vitest's file tag in a file's comment", () => {
    expect(needsWholeStack(`/**\n * Fills the runner.\n * ${TAG} whole-stack\n */`)).toBe(true);
    expect(needsWholeStack(`// ${TAG} whole-stack\nimport x`)).toBe(true);
    expect(needsWholeStack(`// ${TAG} whole-stacks`)).toBe(false);
    expect(needsWholeStack("const tag = 'whole-stack';")).toBe(false);
  });
});

describe('the stack lock', () => {
  it('files share the stack', async () => {
    const dir = await fresh();
    const [a, b] = await Promise.all([enterStack(dir, false, 10), enterStack(dir, false, 10)]);
    a();
    b();
  });

  it('a whole-stack file waits for the running files, then runs alone; no file enters meanwhile', async () => {
    const dir = await fresh();
    const seen: string[] = [];
    const first = await enterStack(dir, false, 10);
    const alone = enterStack(dir, true, 10).then((release) => {
      seen.push('alone in');
      return release;
    });
    await tick();
    const later = enterStack(dir, false, 10).then((release) => {
      seen.push('later in');
      return release;
    });
    await tick();
    expect(seen).toEqual([]); // the whole-stack file waits for `first`; `later` waits behind it
    first();
    const releaseAlone = await alone;
    await tick();
    expect(seen).toEqual(['alone in']);
    releaseAlone();
    (await later)();
    expect(seen).toEqual(['alone in', 'later in']);
  });

  it('an entry left by a worker that is gone counts for nothing', async () => {
    const dir = await fresh();
    await writeFile(join(dir, 'shared-dead'), '999999999');
    await writeFile(join(dir, 'alone'), '999999999');
    (await enterStack(dir, true, 10))();
    (await enterStack(dir, false, 10))();
  });
});
