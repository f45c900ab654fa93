/**
 * File copy in / out over REST tar (protocol §5.1; upstream test_node_copy, the Node
 * comprehensive copy_* cases, test_real_world::test_upload_process_download).
 * Every payload is checked three ways: what the guest sees (sha256sum / size), and the
 * bytes that come back out, against the host original.
 *
 * A copy onto a path that already holds a file replaces it: the core's default CopyOptions
 * overwrite (boxlite src/litebox/copy.rs), serve copies with them (handlers/files.rs), the
 * cloud runner writes the uploaded file to the destination path; over REST the client refuses
 * `overwrite: false` before sending (protocol §5.1), so a REST copy always replaces.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buffer } from 'node:stream/consumers';
import * as tar from 'tar-stream';
import type { TestContext } from 'vitest';
import { type SdkBox, runSdkSh as sh } from '../drivers/node-sdk/driver.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A host temp dir removed when the test ends (the test's own hook: tests run concurrently). */
async function hostDir(ctx: Pick<TestContext, 'onTestFinished'>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'e2e-copy-'));
  ctx.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A tar holding one file `name`, as a client that names the entry after its own file sends it. */
function oneFileTar(name: string, data: Buffer, mode: number): Promise<Buffer> {
  const pack = tar.pack();
  const archive = buffer(pack);
  pack.entry({ name, mode, size: data.length }, data);
  pack.finalize();
  return archive;
}

/** Guest-side sha256 and size of a file. */
async function guestDigest(box: SdkBox, path: string): Promise<{ sha: string; size: number }> {
  const r = await sh(box, `sha256sum '${path}' && echo $(wc -c < '${path}')`);
  expect(r.exitCode, r.stderr).toBe(0);
  const [line1 = '', line2 = ''] = r.stdout.trim().split('\n');
  return { sha: line1.split(' ')[0] ?? '', size: Number(line2.trim()) };
}

/** Every regular file under `dir`, as relative path → content. */
async function readTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out[relative(dir, full)] = await readFile(full, 'utf8');
  }
  return out;
}

/** copyIn → guest digest → copyOut, all compared with the host original. */
async function roundTrip(
  ctx: Pick<TestContext, 'onTestFinished'>,
  box: SdkBox,
  payload: Buffer,
  guestPath: string,
): Promise<void> {
  const dir = await hostDir(ctx);
  await writeFile(join(dir, 'src.bin'), payload);
  await box.copyIn(join(dir, 'src.bin'), guestPath);
  expect(await guestDigest(box, guestPath)).toEqual({ sha: sha256(payload), size: payload.length });
  await box.copyOut(guestPath, join(dir, 'back.bin'));
  const back = await readFile(join(dir, 'back.bin'));
  expect(back.length).toBe(payload.length);
  expect(sha256(back)).toBe(sha256(payload));
}

describe.concurrent('copy in / out', claims({ needs: 'vm' }), () => {
  // busybox: sha256sum, find and tr in the smallest image.
  test.override('image', ({ stack }) => stack.images.busybox);

  test(
    'a text file round-trips',
    claims({ ports: ['test_node_copy'], pins: ['files.put.route', 'files.get.route'] }),
    async ({ box, onTestFinished }) => {
      const text = 'hello-from-node-copy-e2e\nhéllo-☃ 世界\n';
      await roundTrip({ onTestFinished }, box, Buffer.from(text), '/tmp/e2e-copy.txt');
      expect((await sh(box, 'cat /tmp/e2e-copy.txt')).stdout).toBe(text);
    },
  );

  test(
    'a binary file with every byte value round-trips',
    claims({ pins: ['files.bytes-exact'] }),
    async ({ box, onTestFinished }) => {
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await roundTrip({ onTestFinished }, box, Buffer.concat([all, all.reverse()]), '/tmp/all-bytes.bin');
    },
  );

  test(
    'a 1 MiB random file round-trips',
    claims({ pins: ['files.bytes-exact'] }),
    async ({ box, onTestFinished }) => {
      await roundTrip({ onTestFinished }, box, randomBytes(1 << 20), '/workspace/random-1m.bin');
    },
  );

  test(
    'a nested directory tree round-trips',
    claims({ pins: ['files.put.tree', 'files.get.dir'] }),
    async ({ box, onTestFinished }) => {
      const dir = await hostDir({ onTestFinished });
      const tree: Record<string, string> = {
        'a.txt': 'A\n',
        'sub/b.txt': 'B\n',
        'sub/deep/c/d.txt': 'D\n',
        'sp ace/e f.txt': 'E F\n',
      };
      for (const [rel, content] of Object.entries(tree)) {
        await mkdir(join(dir, 'src', rel, '..'), { recursive: true });
        await writeFile(join(dir, 'src', rel), content);
      }
      // Parents are the caller's job (upstream copy_nested); the copy fills the directory.
      expect((await sh(box, 'mkdir -p /tmp/tree')).exitCode).toBe(0);
      await box.copyIn(join(dir, 'src'), '/tmp/tree');
      const listing = await sh(
        box,
        "cd /tmp/tree && find . -type f | sort && cat ./a.txt ./sub/deep/c/d.txt './sp ace/e f.txt'",
      );
      expect(listing.stdout).toBe('./a.txt\n./sp ace/e f.txt\n./sub/b.txt\n./sub/deep/c/d.txt\nA\nD\nE F\n');
      await box.copyOut('/tmp/tree', join(dir, 'out'));
      expect(await readTree(join(dir, 'out'))).toEqual(tree);
    },
  );

  test(
    'copyOut of a missing path is a typed not-found and writes nothing',
    claims({ pins: ['files.get.missing'] }),
    async ({ box, onTestFinished }) => {
      const dir = await hostDir({ onTestFinished });
      await expect(box.copyOut('/no/such/path', join(dir, 'x'))).rejects.toThrow(/^box not found: /);
      expect(await readdir(dir)).toEqual([]);
    },
  );

  test(
    'copied files survive stop / start',
    claims({ pins: ['files.survive-restart'] }),
    async ({ box, onTestFinished }) => {
      const dir = await hostDir({ onTestFinished });
      const payload = randomBytes(64 * 1024);
      await writeFile(join(dir, 'keep.bin'), payload);
      await box.copyIn(join(dir, 'keep.bin'), '/workspace/keep.bin');
      await box.stop();
      await box.start();
      expect(await guestDigest(box, '/workspace/keep.bin')).toEqual({
        sha: sha256(payload),
        size: payload.length,
      });
      await box.copyOut('/workspace/keep.bin', join(dir, 'back.bin'));
      expect(sha256(await readFile(join(dir, 'back.bin')))).toBe(sha256(payload));
    },
  );

  test(
    'upload, process in the guest, download',
    claims({ ports: ['test_upload_process_download'], pins: ['files.guest-sees'] }),
    async ({ box, onTestFinished }) => {
      const dir = await hostDir({ onTestFinished });
      await writeFile(join(dir, 'in.txt'), 'the quick brown fox\njumps over the lazy dog\n');
      await box.copyIn(join(dir, 'in.txt'), '/workspace/in.txt');
      const r = await sh(
        box,
        "tr 'a-z' 'A-Z' < /workspace/in.txt > /workspace/out.txt && echo $(wc -w < /workspace/in.txt)",
      );
      expect(r).toMatchObject({ stdout: '9\n', exitCode: 0 });
      await box.copyOut('/workspace/out.txt', join(dir, 'out.txt'));
      expect(await readFile(join(dir, 'out.txt'), 'utf8')).toBe(
        'THE QUICK BROWN FOX\nJUMPS OVER THE LAZY DOG\n',
      );
    },
  );

  test(
    'a file keeps its execute bit, and an empty file lands as an empty file',
    claims({ pins: ['files.put.keeps-modes', 'files.put.empty-file'] }),
    async ({ box, onTestFinished }) => {
      // Upstream's guest unpacks with tar's permission bits (rwx kept); the SDK packs the host mode.
      const dir = await hostDir({ onTestFinished });
      await writeFile(join(dir, 'run.sh'), '#!/bin/sh\necho ran-after-copy\n');
      await chmod(join(dir, 'run.sh'), 0o755);
      await writeFile(join(dir, 'empty.txt'), '');
      await box.copyIn(join(dir, 'run.sh'), '/workspace/bin/run.sh');
      await box.copyIn(join(dir, 'empty.txt'), '/workspace/empty.txt');
      const r = await sh(
        box,
        '/workspace/bin/run.sh && test -f /workspace/empty.txt && echo $(wc -c < /workspace/empty.txt)',
      );
      expect(r).toMatchObject({ stdout: 'ran-after-copy\n0\n', exitCode: 0 });
      await box.copyOut('/workspace/empty.txt', join(dir, 'empty-back.txt'));
      expect((await stat(join(dir, 'empty-back.txt'))).size).toBe(0);
    },
  );

  test(
    'a file copied onto an existing directory lands inside it under its own name',
    claims({ pins: ['files.put.into-dir'] }),
    async ({ box, onTestFinished }) => {
      // Upstream guest files.rs: "a single file to /etc … lands at /etc/motd.txt".
      const dir = await hostDir({ onTestFinished });
      await writeFile(join(dir, 'note.txt'), 'inside-the-dir\n');
      expect((await sh(box, 'mkdir -p /workspace/inbox')).exitCode).toBe(0);
      await box.copyIn(join(dir, 'note.txt'), '/workspace/inbox');
      const r = await sh(box, 'test -d /workspace/inbox && cat /workspace/inbox/note.txt');
      expect(r).toMatchObject({ stdout: 'inside-the-dir\n', exitCode: 0 });
    },
  );

  test(
    'a file copied onto an existing file replaces it: exactly the new bytes and mode, shorter or longer, nothing beside it',
    claims({ pins: ['files.put.overwrite'] }),
    async ({ box, onTestFinished }) => {
      const dir = await hostDir({ onTestFinished });
      const target = '/workspace/target.txt';
      const old = await sh(
        box,
        `mkdir -p /workspace && printf old-content-that-is-longer > ${target} && chmod 600 ${target}`,
      );
      expect(old.exitCode, old.stderr).toBe(0);
      await writeFile(join(dir, 'new.bin'), 'new');
      await chmod(join(dir, 'new.bin'), 0o755);
      await box.copyIn(join(dir, 'new.bin'), target);
      const after = await sh(box, `cat ${target}; echo; stat -c %a ${target}; ls -A /workspace`);
      expect(after.stdout, 'truncated, not patched; the new mode; no file beside it').toBe(
        'new\n755\ntarget.txt\n',
      );
      const longer = randomBytes(64 * 1024);
      await writeFile(join(dir, 'longer.bin'), longer);
      await box.copyIn(join(dir, 'longer.bin'), target);
      expect(await guestDigest(box, target)).toEqual({ sha: sha256(longer), size: longer.length });
      await box.copyOut(target, join(dir, 'back.bin'));
      expect(sha256(await readFile(join(dir, 'back.bin')))).toBe(sha256(longer));
    },
  );

  test(
    'a raw one-file tar PUT onto an existing file replaces it under the destination name',
    claims({ pins: ['files.put.overwrite', 'files.put.buffered'] }),
    async ({ box, rest }) => {
      const target = '/workspace/raw-target.txt';
      expect((await sh(box, `mkdir -p /workspace && printf old-old-old > ${target}`)).exitCode).toBe(0);
      const body = await oneFileTar('other.txt', Buffer.from('raw-new'), 0o644);
      const put = await rest.tenant('PUT', `/boxes/${box.id}/files`, {
        query: { path: target },
        raw: body,
        contentType: 'application/x-tar',
      });
      expect(put.status, put.text).toBe(204);
      const after = await sh(box, `cat ${target}; echo; ls -A /workspace`);
      expect(after.stdout).toBe('raw-new\nraw-target.txt\n');
    },
  );

  test(
    'files without a path query are refused with 400 naming it, never a 500',
    claims({ pins: ['files.path-required'] }),
    async ({ box, rest }) => {
      // Upstream's runner answers 400 "path query parameter required" for both directions
      // (apps/runner/pkg/api/controllers/boxlite_files.go:23,:141); serve's Query<FileQuery>
      // extractor refuses a missing `path` with 400 too (boxlite-cli serve/types.rs FileQuery).
      const body = await oneFileTar('x.txt', Buffer.from('x'), 0o644);
      const put = await rest.tenant('PUT', `/boxes/${box.id}/files`, {
        raw: body,
        contentType: 'application/x-tar',
      });
      expect(put.status, put.text).toBe(400);
      expect(put.text).toMatch(/path/);
      const get = await rest.tenant('GET', `/boxes/${box.id}/files`);
      expect(get.status, get.text).toBe(400);
      expect(get.text).toMatch(/path/);
    },
  );

  test(
    'an 8 MiB random file round-trips',
    claims({ pins: ['files.bytes-exact'] }),
    async ({ box, onTestFinished }) => {
      await roundTrip({ onTestFinished }, box, randomBytes(8 << 20), '/workspace/random-8m.bin');
    },
  );
});
