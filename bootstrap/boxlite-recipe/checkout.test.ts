/** Checkouts: tree hashes follow edits (committed, uncommitted, untracked); `--ref` exports without touching the work tree. */
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCheckout, treeHash } from './checkout.ts';
import { commitFakeChange, type FakeCheckout, writeFakeCheckout } from './fake-checkout/write.ts';

let work: string;
let fx: FakeCheckout;
const MAIN_GO = 'apps/runner/cmd/runner/main.go';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'boxlite-checkout-'));
  fx = await writeFakeCheckout(join(work, 'checkout'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('checkout tree hashes', () => {
  it('change with an uncommitted edit, an untracked file and a commit; not with an unrelated path', async () => {
    const c = await resolveCheckout(fx.root, undefined, join(work, 'cache'));
    const clean = await treeHash(c, ['apps/runner']);
    const sdk = await treeHash(c, ['sdks/c']);
    expect(await treeHash(c, ['apps/runner'])).toBe(clean);
    const original = await readFile(join(fx.root, MAIN_GO), 'utf8');
    await writeFile(join(fx.root, MAIN_GO), `${original}// edit\n`);
    const edited = await treeHash(c, ['apps/runner']);
    expect(edited).not.toBe(clean);
    expect(await treeHash(c, ['sdks/c'])).toBe(sdk);
    await writeFile(join(fx.root, 'apps/runner/extra.go'), 'package main\n');
    expect(await treeHash(c, ['apps/runner'])).not.toBe(edited);
    await rm(join(fx.root, 'apps/runner/extra.go'));
    await writeFile(join(fx.root, MAIN_GO), original);
    expect(await treeHash(c, ['apps/runner'])).toBe(clean);
    await commitFakeChange(fx.root, MAIN_GO, `${original}// committed\n`);
    const c2 = await resolveCheckout(fx.root, undefined, join(work, 'cache'));
    expect(await treeHash(c2, ['apps/runner'])).not.toBe(clean);
  });

  it('--ref exports that commit into the cache and hashes it, leaving the work tree alone', async () => {
    const before = await readFile(join(fx.root, MAIN_GO), 'utf8');
    const c = await resolveCheckout(fx.root, fx.head, join(work, 'cache'));
    expect(c.rev).toBe(fx.head);
    expect(c.root).not.toBe(fx.root);
    expect(await readFile(join(c.root, MAIN_GO), 'utf8')).not.toContain('// committed');
    expect(await readFile(join(fx.root, MAIN_GO), 'utf8')).toBe(before);
    const planOnly = await resolveCheckout(fx.root, 'HEAD', join(work, 'cache2'), false);
    await expect(access(planOnly.root)).rejects.toThrow();
    await expect(resolveCheckout(fx.root, 'no-such-ref', join(work, 'cache'))).rejects.toThrow(
      /is not a commit/,
    );
  });
});
