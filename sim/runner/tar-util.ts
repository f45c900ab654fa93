/**
 * Tar manipulation for the files endpoints: list an upload, rename its single file, make a
 * "mkdir -p" archive, and re-root Docker's download tar. tar-stream only; no filesystem.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';

export interface EntryInfo {
  name: string;
  type: string;
  size: number;
}

async function toBuffer(pack: tar.Pack): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Entries of a tar held in memory; throws on a corrupt archive. */
export async function listEntries(archive: Buffer): Promise<EntryInfo[]> {
  const out: EntryInfo[] = [];
  const extract = tar.extract();
  const consume = (async () => {
    for await (const entry of extract) {
      out.push({ name: entry.header.name, type: entry.header.type ?? 'file', size: entry.header.size ?? 0 });
      entry.resume();
    }
  })();
  // Both sides reject on a corrupt archive; settle both so neither rejection goes unhandled.
  const [fed, read] = await Promise.allSettled([pipeline(Readable.from([archive]), extract), consume]);
  const failure = [fed, read].find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
  if (failure) throw new Error(`invalid tar: ${(failure.reason as Error).message}`);
  return out;
}

/** Re-packs a single-file archive under a new entry name (to land a file exactly at dst). */
export async function renameSingleFile(archive: Buffer, newName: string): Promise<Buffer> {
  const extract = tar.extract();
  const pack = tar.pack();
  const packed = toBuffer(pack);
  const feed = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      pack.entry({ ...entry.header, name: newName }, Buffer.concat(chunks));
    }
    pack.finalize();
  })();
  const results = await Promise.allSettled([pipeline(Readable.from([archive]), extract), feed, packed]);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  return (results[2] as PromiseFulfilledResult<Buffer>).value;
}

/** Archive of directory entries (0755), e.g. ["a", "a/b"], to create missing parents. */
export async function dirsArchive(relDirs: string[]): Promise<Buffer> {
  const pack = tar.pack();
  const packed = toBuffer(pack);
  for (const d of relDirs) pack.entry({ name: `${d}/`, type: 'directory', mode: 0o755, mtime: new Date() });
  pack.finalize();
  return packed;
}

/**
 * Docker's GET archive roots entries at the source basename ("dir/", "dir/a.txt"). The
 * BoxLite convention (mirroring uploads) is contents without the parent ("./", "a.txt"), so a
 * copy-out of a directory into hostDst yields hostDst/a.txt. Single files keep their name.
 */
export function stripTopDir(src: NodeJS.ReadableStream, top: string): Readable {
  const extract = tar.extract();
  const pack = tar.pack();
  const strip = (name: string): string => {
    const n = name.replace(/^\.\//, '');
    if (n === top || n === `${top}/`) return './';
    return n.startsWith(`${top}/`) ? n.slice(top.length + 1) : n;
  };
  extract.on('entry', (header, stream, next) => {
    const h = { ...header, name: strip(header.name) };
    if (h.type === 'link' && h.linkname) h.linkname = strip(h.linkname);
    stream.pipe(pack.entry(h, next));
  });
  extract.on('finish', () => pack.finalize());
  extract.on('error', (e) => pack.destroy(e));
  src.on('error', (e: Error) => pack.destroy(e));
  src.pipe(extract);
  // tar-stream streams are streamx, not node:stream; adapt for res.pipe / error handling.
  return Readable.from(pack);
}
