/**
 * Copy in / copy out over Docker's archive API, with the SDK's conventions (protocol §5.1):
 * - single-file upload (one regular entry named by the source basename): lands exactly at
 *   `path` unless `path` is an existing directory or ends in "/" (then inside it);
 * - directory upload (entries "./", "a.txt", "sub/..." or with the parent "src/..."): extracted
 *   under `path`, created (mkdir -p) when missing;
 * - download: a file keeps its basename; a directory's contents come without the parent.
 * Works on stopped boxes too (the archive API does not need a running container).
 */
import type { IncomingMessage } from 'node:http';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { decodeStatHeader, isDir, statPath } from './archive.ts';
import type { BoxService } from './boxes.ts';
import { bounded, dockerMessage, dockerStatus } from './docker.ts';
import { ApiError, badRequest, notFound } from './errors.ts';
import { dirsArchive, listEntries, renameSingleFile, stripTopDir } from './tar-util.ts';

const PUT_MS = 120_000;

function checkPath(raw: string | null): string {
  if (!raw) throw badRequest('query parameter path is required');
  if (!raw.startsWith('/')) throw badRequest(`path must be absolute, got ${JSON.stringify(raw)}`);
  if (raw.includes('\0')) throw badRequest('path must not contain NUL');
  return raw;
}

async function put(container: Docker.Container, archive: Buffer, dir: string): Promise<void> {
  try {
    const res = await bounded(
      'archive put',
      (signal) => container.putArchive(archive, { path: dir, abortSignal: signal }),
      PUT_MS,
    );
    (res as unknown as Readable | undefined)?.resume?.();
  } catch (err) {
    const st = dockerStatus(err);
    if (st === 404) throw notFound(`no such directory in box: ${dir}`);
    if (st === 403) throw badRequest(`cannot write to ${dir}: ${dockerMessage(err)}`);
    if (st === 400) throw badRequest(`archive refused: ${dockerMessage(err)}`);
    throw err;
  }
}

/** mkdir -p through the archive API: only missing components are created (existing modes kept). */
async function mkdirP(container: Docker.Container, dir: string): Promise<void> {
  const missing: string[] = [];
  let cur = dir;
  for (;;) {
    const st = await statPath(container, cur);
    if (st) {
      if (!isDir(st)) throw badRequest(`${cur} exists and is not a directory`);
      break;
    }
    missing.unshift(posix.basename(cur));
    if (cur === '/') break;
    cur = posix.dirname(cur);
  }
  if (!missing.length) return;
  const rel = missing.map((_, i) => missing.slice(0, i + 1).join('/'));
  await put(container, await dirsArchive(rel), cur);
}

export interface CopyInResult {
  mode: 'file' | 'dir';
  target: string;
  entries: number;
  bytes: number;
}

export async function copyIn(
  boxes: BoxService,
  boxId: string,
  rawPath: string | null,
  sourceIsDir: boolean | null,
  body: Buffer,
): Promise<CopyInResult> {
  const dst = checkPath(rawPath);
  const info = await boxes.require(boxId);
  const container = boxes.docker.getContainer(info.Id);
  let entries: Awaited<ReturnType<typeof listEntries>>;
  try {
    entries = body.length ? await listEntries(body) : [];
  } catch (err) {
    throw badRequest((err as Error).message);
  }
  const norm = posix.normalize(dst).replace(/(.)\/+$/, '$1');
  const dstStat = await statPath(container, norm);
  const single = sourceIsDir !== true && entries.length === 1 && entries[0]?.type === 'file';
  if (single && !(dstStat && isDir(dstStat)) && !dst.endsWith('/')) {
    const parent = posix.dirname(norm);
    await mkdirP(container, parent);
    await put(container, await renameSingleFile(body, posix.basename(norm)), parent);
    return { mode: 'file', target: norm, entries: 1, bytes: body.length };
  }
  if (dstStat && !isDir(dstStat)) throw badRequest(`${norm} exists and is not a directory`);
  if (!dstStat) await mkdirP(container, norm);
  if (entries.length) await put(container, body, norm);
  return { mode: 'dir', target: norm, entries: entries.length, bytes: body.length };
}

export async function copyOut(
  boxes: BoxService,
  boxId: string,
  rawPath: string | null,
): Promise<{ stream: Readable; isDir: boolean; path: string }> {
  const src = posix.normalize(checkPath(rawPath)).replace(/(.)\/+$/, '$1');
  const info = await boxes.require(boxId);
  const container = boxes.docker.getContainer(info.Id);
  let res: IncomingMessage;
  try {
    res = (await bounded('archive get', (signal) =>
      container.getArchive({ path: src, abortSignal: signal }),
    )) as unknown as IncomingMessage;
  } catch (err) {
    if (dockerStatus(err) === 404) throw notFound(`no such path in box ${boxId}: ${src}`);
    if (dockerStatus(err) === 400) throw badRequest(`cannot read ${src}: ${dockerMessage(err)}`);
    throw err;
  }
  const stat = decodeStatHeader(res.headers['x-docker-container-path-stat']);
  if (!stat) {
    res.destroy();
    throw new ApiError('internal', `engine sent no stat for ${src}`);
  }
  const dir = isDir(stat);
  return { stream: dir ? stripTopDir(res, stat.name) : res, isDir: dir, path: src };
}
