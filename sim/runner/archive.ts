/**
 * Container filesystem probes over Docker's archive API: `HEAD /containers/{id}/archive`
 * (path stat, a few ms, works on stopped containers and honours mounts) and small-file reads.
 */
import type { IncomingMessage } from 'node:http';
import type Docker from 'dockerode';
import * as tar from 'tar-stream';
import { bounded, dockerStatus } from './docker.ts';

export interface PathStat {
  name: string;
  size: number;
  /** Go os.FileMode: permission bits plus type bits in the high word. */
  mode: number;
  mtime: string;
  linkTarget: string;
}

const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;
export const isDir = (s: PathStat): boolean => Math.floor(s.mode / MODE_DIR) % 2 === 1;
export const isSymlink = (s: PathStat): boolean => Math.floor(s.mode / MODE_SYMLINK) % 2 === 1;
export const isExecutable = (s: PathStat): boolean => isSymlink(s) || (s.mode & 0o111) !== 0;

export function decodeStatHeader(h: string | string[] | undefined): PathStat | null {
  if (typeof h !== 'string' || h === '') return null;
  try {
    return JSON.parse(Buffer.from(h, 'base64').toString('utf8')) as PathStat;
  } catch {
    return null;
  }
}

/** Stat of a path inside the container, or null when it does not exist. */
export async function statPath(container: Docker.Container, path: string): Promise<PathStat | null> {
  try {
    const res = (await bounded('archive stat', (signal) =>
      container.infoArchive({ path, abortSignal: signal }),
    )) as unknown as IncomingMessage;
    res.resume();
    return decodeStatHeader(res.headers['x-docker-container-path-stat']);
  } catch (err) {
    // 404 is "no such path" here (the container was just inspected); 400 is e.g. "not a directory".
    if (dockerStatus(err) === 404 || dockerStatus(err) === 400) return null;
    throw err;
  }
}

/** Reads a small regular file; null when missing. Bounded in size to protect the runner. */
export async function readSmallFile(
  container: Docker.Container,
  path: string,
  maxBytes = 1 << 20,
): Promise<string | null> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await bounded('archive get', (signal) => container.getArchive({ path, abortSignal: signal }));
  } catch (err) {
    if (dockerStatus(err) === 404) return null;
    throw err;
  }
  const extract = tar.extract();
  const chunks: Buffer[] = [];
  let size = 0;
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, entry, next) => {
      entry.on('data', (b: unknown) => {
        if (!Buffer.isBuffer(b)) return;
        size += b.length;
        if (header.type === 'file' && size <= maxBytes) chunks.push(b);
      });
      entry.on('end', next);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  stream.pipe(extract);
  await bounded('archive read', () => done);
  return Buffer.concat(chunks).toString('utf8');
}
