/**
 * Built guest images, kept between setups. An image is a pure function of its recipe's .deb
 * files and of the code that assembles it, so that pair is the key: the same key gives the
 * same bytes, and a warm setup pushes from the cache instead of unpacking and compressing
 * every package again (the agent-base image alone is tens of MB of tar to gzip).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DebInfo } from './debs.ts';
import type { Layer } from './layer.ts';
import type { Blob, BuiltImage } from './oci.ts';

/** The code an image's bytes depend on (this folder's sources, tests excluded). */
export async function assemblerHash(dir: string = import.meta.dirname): Promise<string> {
  const h = createHash('sha256');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  for (const f of files) h.update(f).update(await readFile(join(dir, f)));
  return h.digest('hex');
}

export function imageKey(name: string, tag: string, debs: readonly DebInfo[], assembler: string): string {
  const h = createHash('sha256').update(`${name}:${tag}\n${assembler}\n`);
  for (const d of debs) h.update(`${d.name} ${d.version} ${d.sha256}\n`);
  return `${name.replaceAll('/', '_')}-${tag}-${h.digest('hex').slice(0, 16)}`;
}

interface Stored {
  name: string;
  tag: string;
  layers: Omit<Layer, 'tar' | 'blob'>[];
  config: Omit<Blob, 'data'>;
  manifest: Omit<Blob, 'data'>;
}

const blobPath = (dir: string, digest: string) => join(dir, 'blobs', digest.replace(':', '-'));

/** The cached image, or null. Layers come back without their uncompressed tar (pushing needs the blob only). */
export async function loadImage(dir: string, key: string): Promise<BuiltImage | null> {
  const meta = await readFile(join(dir, `${key}.json`), 'utf8').catch(() => null);
  if (meta === null) return null;
  try {
    const s = JSON.parse(meta) as Stored;
    const read = async (b: Omit<Blob, 'data'>) => ({ ...b, data: await readFile(blobPath(dir, b.digest)) });
    const layers = await Promise.all(
      s.layers.map(async (l) => ({
        ...l,
        blob: await readFile(blobPath(dir, l.digest)),
        tar: Buffer.alloc(0),
      })),
    );
    return {
      name: s.name,
      tag: s.tag,
      layers,
      config: await read(s.config),
      manifest: await read(s.manifest),
    };
  } catch {
    return null;
  }
}

async function writeAtomic(path: string, data: Buffer | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export async function storeImage(dir: string, key: string, img: BuiltImage): Promise<void> {
  await mkdir(join(dir, 'blobs'), { recursive: true });
  for (const l of img.layers) await writeAtomic(blobPath(dir, l.digest), l.blob);
  await writeAtomic(blobPath(dir, img.config.digest), img.config.data);
  await writeAtomic(blobPath(dir, img.manifest.digest), img.manifest.data);
  const strip = ({ data: _d, ...b }: Blob) => b;
  const stored: Stored = {
    name: img.name,
    tag: img.tag,
    layers: img.layers.map(({ tar: _t, blob: _b, ...l }) => l),
    config: strip(img.config),
    manifest: strip(img.manifest),
  };
  await writeAtomic(join(dir, `${key}.json`), JSON.stringify(stored));
}
