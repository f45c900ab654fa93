import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { describe, expect, test } from 'vitest';
import { dirsArchive, listEntries, renameSingleFile, stripTopDir } from './tar-util.ts';

async function make(entries: Array<{ name: string; body?: string; dir?: boolean }>): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.dir) pack.entry({ name: e.name, type: 'directory' });
    else pack.entry({ name: e.name }, e.body ?? '');
  }
  pack.finalize();
  const out: Buffer[] = [];
  for await (const c of pack) out.push(c as Buffer);
  return Buffer.concat(out);
}

async function contents(stream: AsyncIterable<unknown>): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  const extract = tar.extract();
  const out: Record<string, string> = {};
  const done = (async () => {
    for await (const e of extract) {
      let s = '';
      for await (const c of e) s += (c as Buffer).toString();
      out[e.header.name] = s;
    }
  })();
  Readable.from([Buffer.concat(chunks)]).pipe(extract);
  await done;
  return out;
}

describe('tar utilities', () => {
  test('listEntries / corrupt input', async () => {
    const t = await make([
      { name: './', dir: true },
      { name: 'a.txt', body: 'A' },
    ]);
    expect((await listEntries(t)).map((e) => `${e.type}:${e.name}`)).toEqual(['directory:./', 'file:a.txt']);
    await expect(listEntries(Buffer.from('x'.repeat(1024)))).rejects.toThrow(/invalid tar/);
  });

  test('renameSingleFile keeps the content', async () => {
    const t = await renameSingleFile(await make([{ name: 'orig.txt', body: 'data' }]), 'new.txt');
    expect(await contents(Readable.from([t]))).toEqual({ 'new.txt': 'data' });
  });

  test('dirsArchive makes directory entries', async () => {
    expect((await listEntries(await dirsArchive(['a', 'a/b']))).map((e) => `${e.type}:${e.name}`)).toEqual([
      'directory:a/',
      'directory:a/b/',
    ]);
  });

  test('stripTopDir re-roots a Docker download', async () => {
    const t = await make([
      { name: 'dir/', dir: true },
      { name: 'dir/a.txt', body: 'A' },
      { name: 'dir/sub/b', body: 'B' },
    ]);
    expect(await contents(stripTopDir(Readable.from([t]), 'dir'))).toEqual({
      './': '',
      'a.txt': 'A',
      'sub/b': 'B',
    });
  });
});
