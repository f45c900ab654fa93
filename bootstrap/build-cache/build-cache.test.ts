import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProgress } from '../../kernel/progress.ts';
import { type BuildContext, buildLockPath, ensureBuilt, entryPaths, findBuilt } from './index.ts';
import { acquireBuildLock } from './lock.ts';
import { parseRecord } from './record.ts';

let root = '';
const quiet = createProgress(process.stderr, true);
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'build-cache-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const entry = (inputs = 'in-1') => ({ root, area: 'tools', key: 'thing-1.0', inputs });

/** A build that writes one output through a logged command and counts its runs. */
function counted() {
  let runs = 0;
  const build = async (ctx: BuildContext) => {
    runs++;
    const out = join(ctx.dir, 'thing');
    await ctx.run({
      label: 'make thing',
      cmd: 'sh',
      args: ['-c', `echo made >&2; echo ${runs} > ${out}`],
      env: {},
    });
    return { outputs: { thing: out }, facts: { runs: String(runs) } };
  };
  return { build, runs: () => runs };
}

describe('the build cache', () => {
  it('builds once, answers from the record, and distrusts a replaced output', async () => {
    const b = counted();
    expect(await findBuilt(entry())).toBeNull();
    const first = await ensureBuilt(entry(), { label: 'build thing', progress: quiet, build: b.build });
    expect(first.outputs.thing!.path).toBe(join(root, 'tools', 'thing-1.0', 'thing'));
    expect(first.facts).toEqual({ runs: '1' });
    expect(await readFile(entryPaths(entry()).log, 'utf8')).toContain('made');
    expect(await ensureBuilt(entry(), { label: 'build thing', progress: quiet, build: b.build })).toEqual(
      first,
    );
    expect(b.runs()).toBe(1);
    expect(await findBuilt(entry())).toEqual(first);
    await writeFile(first.outputs.thing!.path, 'replaced by hand\n');
    expect(await findBuilt(entry())).toBeNull();
  });

  it('other inputs are a miss; --rebuild builds even when the record answers', async () => {
    const b = counted();
    await ensureBuilt(entry(), { label: 'build thing', progress: quiet, build: b.build });
    expect(await findBuilt(entry('in-2'))).toBeNull();
    await ensureBuilt(entry('in-2'), { label: 'build thing', progress: quiet, build: b.build });
    await ensureBuilt(entry('in-2'), {
      label: 'build thing',
      progress: quiet,
      rebuild: true,
      build: b.build,
    });
    expect(b.runs()).toBe(3);
    expect((await findBuilt(entry('in-2')))?.facts).toEqual({ runs: '3' });
    expect(await findBuilt(entry())).toBeNull();
  });

  it('a failed build is one line naming the log, and leaves no record behind', async () => {
    const b = counted();
    await ensureBuilt(entry(), { label: 'build thing', progress: quiet, build: b.build });
    const err = (await ensureBuilt(entry(), {
      label: 'build thing',
      progress: quiet,
      rebuild: true,
      build: async (ctx) => {
        await ctx.run({
          label: 'make thing',
          cmd: 'sh',
          args: ['-c', 'echo "error: boom" >&2; exit 3'],
          env: {},
        });
        return { outputs: {} };
      },
    }).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(
      /^make thing failed \(exit 3\) after \d+s; see .*\/tools\/thing-1\.0\.build\.log$/,
    );
    expect(await readFile(entryPaths(entry()).log, 'utf8')).toContain('error: boom');
    expect(await findBuilt(entry())).toBeNull();
  });

  it('an output the build promised but did not write is one line naming the log', async () => {
    const err = (await ensureBuilt(entry(), {
      label: 'build thing',
      progress: quiet,
      build: async (ctx) => ({ outputs: { thing: join(ctx.dir, 'nowhere') } }),
    }).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(
      /^the build finished but .*nowhere is missing; see .*thing-1\.0\.build\.log$/,
    );
  });

  it('trusts only a well-formed record of the same key and inputs', () => {
    const rec = {
      schema: 'boxlite-e2e/build',
      version: 1,
      key: 'k',
      inputs: 'i',
      outputs: { bin: { path: '/b', size: 1, mtimeMs: 2 } },
      facts: {},
    };
    expect(parseRecord(JSON.stringify(rec), 'k', 'i')).toMatchObject({ key: 'k' });
    expect(parseRecord(JSON.stringify(rec), 'other', 'i')).toBeNull();
    expect(parseRecord(JSON.stringify(rec), 'k', 'other')).toBeNull();
    expect(parseRecord(JSON.stringify({ ...rec, outputs: { bin: { path: '/b' } } }), 'k', 'i')).toBeNull();
    expect(parseRecord(JSON.stringify({ ...rec, version: 2 }), 'k', 'i')).toBeNull();
    expect(parseRecord('{', 'k', 'i')).toBeNull();
  });
});

describe('the build lock', () => {
  it('is one per cache root, exclusive while its owner lives, taken over from a dead owner', async () => {
    const lock = buildLockPath(root);
    expect(lock).toBe(join(root, 'build.lock'));
    const release = await acquireBuildLock(lock, { waitMs: 5000 });
    await expect(acquireBuildLock(lock, { waitMs: 1500 })).rejects.toThrow(/waited 0 min for the build lock/);
    await release();
    // A lock left by a process that is gone (pid 2^22 + 1 is above Linux's pid_max default).
    await mkdir(lock);
    await writeFile(join(lock, 'owner.json'), JSON.stringify({ pid: 4194305 }));
    const again = await acquireBuildLock(lock, { waitMs: 3000 });
    await again();
  });

  it('a build waits while another process holds the lock, then runs', async () => {
    const b = counted();
    const release = await acquireBuildLock(buildLockPath(root), { waitMs: 1000 });
    const waiting = ensureBuilt(entry(), { label: 'build thing', progress: quiet, build: b.build });
    await new Promise((r) => setTimeout(r, 300));
    expect(b.runs()).toBe(0);
    await release();
    await waiting;
    expect(b.runs()).toBe(1);
  });
});
