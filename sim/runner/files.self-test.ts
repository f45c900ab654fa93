/**
 * Copy in / copy out with real tar round-trips: SDK single-file uploads (land exactly at dst),
 * directory uploads (contents, mkdir -p), chunked bodies with source_is_dir, downloads of files
 * and directories, and 404/400 envelopes.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { describe, expect, test } from 'vitest';
import { req, runExec } from '../testkit/client.ts';
import { useRunnerSuite } from '../testkit/suites.ts';

const BOX = `files-${process.pid}`;
const suite = useRunnerSuite({ boxes: [{ box_id: BOX }] });

type Entry = { name: string; body?: Buffer | string; dir?: boolean };

async function makeTar(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.dir) pack.entry({ name: e.name, type: 'directory', mode: 0o755 });
    else
      pack.entry(
        { name: e.name, mode: 0o644 },
        typeof e.body === 'string' ? Buffer.from(e.body) : (e.body ?? Buffer.alloc(0)),
      );
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function readTar(buf: Buffer): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      out.set(entry.header.name, Buffer.concat(chunks));
    }
  })();
  Readable.from([buf]).pipe(extract);
  await done;
  return out;
}

const put = (path: string, body: Buffer | Readable, extra = '') =>
  req(suite.peer, 'PUT', `/v1/boxes/${BOX}/files?path=${encodeURIComponent(path)}${extra}`, {
    raw: body,
    contentType: 'application/x-tar',
  });
const cat = async (path: string) => (await runExec(suite.peer, BOX, { command: 'cat', args: [path] })).stdout;

describe('files', { timeout: 60_000 }, () => {
  test('single-file upload lands exactly at dst (parents created), or inside an existing dir', async () => {
    expect(
      (await put('/tmp/deep/er/renamed.txt', await makeTar([{ name: 'hello.txt', body: 'hello\n' }]))).status,
    ).toBe(204);
    expect(await cat('/tmp/deep/er/renamed.txt')).toBe('hello\n');
    const ls = await runExec(suite.peer, BOX, { command: 'ls', args: ['/tmp/deep/er'] });
    expect(ls.stdout).toBe('renamed.txt\n');
    expect((await put('/tmp', await makeTar([{ name: 'inside.txt', body: 'in\n' }]))).status).toBe(204);
    expect(await cat('/tmp/inside.txt')).toBe('in\n');
    // /tmp kept its sticky mode: only missing parents are created.
    const mode = await runExec(suite.peer, BOX, {
      command: 'stat',
      args: ['-c', '%a', '/tmp'],
    });
    expect(mode.stdout).toBe('1777\n');
  });

  test('directory upload (contents without parent) goes under dst, created when missing', async () => {
    const body = await makeTar([
      { name: './', dir: true },
      { name: 'a.txt', body: 'A' },
      { name: 'sub/', dir: true },
      { name: 'sub/b.txt', body: 'B' },
    ]);
    expect((await put('/opt/up', body)).status).toBe(204);
    expect(await cat('/opt/up/a.txt')).toBe('A');
    expect(await cat('/opt/up/sub/b.txt')).toBe('B');
  });

  test('chunked body with source_is_dir=true and a parent entry', async () => {
    const body = await makeTar([
      { name: 'src/', dir: true },
      { name: 'src/only.txt', body: 'chunked' },
    ]);
    const stream = Readable.from([body.subarray(0, 700), body.subarray(700)]);
    expect((await put('/opt/chunked', stream, '&source_is_dir=true')).status).toBe(204);
    expect(await cat('/opt/chunked/src/only.txt')).toBe('chunked');
    // A one-file tar flagged source_is_dir is a directory upload, not a rename.
    expect(
      (await put('/opt/flagged', await makeTar([{ name: 'one.txt', body: '1' }]), '&source_is_dir=true'))
        .status,
    ).toBe(204);
    expect(await cat('/opt/flagged/one.txt')).toBe('1');
  });

  test('copy out: a file keeps its name, a directory comes without its parent; binary round-trip', async () => {
    const bin = randomBytes(200_000);
    expect((await put('/srv/blob.bin', await makeTar([{ name: 'local-name.bin', body: bin }]))).status).toBe(
      204,
    );
    const f = await req(suite.peer, 'GET', `/v1/boxes/${BOX}/files?path=/srv/blob.bin`);
    expect(f.status).toBe(200);
    expect(f.headers['content-type']).toBe('application/x-tar');
    expect(f.headers['x-boxlite-source-is-dir']).toBe('false');
    const files = await readTar(f.body);
    expect([...files.keys()]).toEqual(['blob.bin']);
    expect(files.get('blob.bin')?.equals(bin)).toBe(true);

    const d = await req(suite.peer, 'GET', `/v1/boxes/${BOX}/files?path=/opt/up`);
    expect(d.headers['x-boxlite-source-is-dir']).toBe('true');
    const dir = await readTar(d.body);
    expect([...dir.keys()].sort()).toEqual(['./', 'a.txt', 'sub/', 'sub/b.txt']);
    expect(dir.get('sub/b.txt')?.toString()).toBe('B');
  });

  test('errors: missing path 404, relative path 400, unknown box 404, corrupt tar 400', async () => {
    const missing = await req(suite.peer, 'GET', `/v1/boxes/${BOX}/files?path=/no/such/file`);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('not_found');
    const rel = await req(suite.peer, 'GET', `/v1/boxes/${BOX}/files?path=relative`);
    expect(rel.status).toBe(400);
    expect((await req(suite.peer, 'GET', '/v1/boxes/nope-box/files?path=/etc')).status).toBe(404);
    const corrupt = await put('/tmp/x', Buffer.from('this is not a tar archive at all'.repeat(40)));
    expect(corrupt.status).toBe(400);
    expect(corrupt.json.error.code).toBe('invalid_argument');
  });

  test('files work on a stopped box', async () => {
    await req(suite.peer, 'POST', `/boxes/${BOX}/stop`);
    expect((await put('/root/offline.txt', await makeTar([{ name: 'x', body: 'offline' }]))).status).toBe(
      204,
    );
    const got = await req(suite.peer, 'GET', `/v1/boxes/${BOX}/files?path=/root/offline.txt`);
    expect((await readTar(got.body)).get('offline.txt')?.toString()).toBe('offline');
    await req(suite.peer, 'POST', `/boxes/${BOX}/start`);
  });
});
