/**
 * Clone, export and import (protocol §5.3). Clone and import make a new box row (quota
 * checked like a create) for a container the runner makes from the source's disk
 * (sim/runner/clone-export.ts); export streams the runner's archive back as
 * `application/octet-stream`. `POST /boxes/import` is matched before `/boxes/:id` routes.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { boxJson } from '../box-json.ts';
import { ApiError } from '../errors.ts';
import { type Handler, readJson, sendJson, sendReply } from '../http.ts';
import { newBoxId } from '../ids.ts';
import { runnerState } from '../lifecycle.ts';
import type { Route } from '../router.ts';
import { TIMEOUTS } from '../runner-client.ts';
import { type BoxRow, markCreateFailed, reserveBox, setBoxState } from '../store.ts';
import { loadBox } from './boxes.ts';

const DISK_LOCK = { ttlMs: TIMEOUTS.lifecycle + 5000, waitMs: 5000 };

function optionalName(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw new ApiError('invalid_argument', 'name must be a string');
  return v;
}

/** What an export carries for the API, so an import can make the same row. */
const rowMeta = (b: BoxRow) => ({
  image: b.image,
  image_ref: b.image_ref,
  cpus: b.cpus,
  memory_mib: b.memory_mib,
  disk_size_gb: b.disk_size_gb,
  spec: b.spec,
});
type RowMeta = ReturnType<typeof rowMeta>;

const clone: Handler = async (ctx, app) => {
  const src = await loadBox(ctx, app);
  const body = (await readJson(ctx.req)) as { name?: unknown } | undefined;
  const name = optionalName(body?.name);
  const id = newBoxId();
  await reserveBox(app.db, ctx.principal.org, { id, name, ...rowMeta(src) });
  await app.locks.withBoxLock(src.id, DISK_LOCK, async () => {
    const reply = await app.runner
      .call('POST', `/v1/boxes/${src.id}/clone`, { json: { box_id: id }, timeoutMs: TIMEOUTS.lifecycle })
      .catch(async (err: unknown) => {
        await markCreateFailed(app.db, id);
        throw err;
      });
    if (reply.status >= 300) {
      await markCreateFailed(app.db, id);
      sendReply(ctx.res, reply);
      return;
    }
    sendJson(ctx.res, 201, boxJson(await setBoxState(app.db, id, runnerState(reply.json, 'stopped'))));
  });
};

const exportBox: Handler = async (ctx, app) => {
  const box = await loadBox(ctx, app);
  await app.locks.withBoxLock(box.id, DISK_LOCK, async () => {
    const reply = await app.runner.stream(
      'POST',
      `/v1/boxes/${box.id}/export`,
      { 'content-type': 'application/json' },
      Readable.from([JSON.stringify({ meta: rowMeta(box) })]),
      TIMEOUTS.lifecycle,
    );
    const ct = reply.headers['content-type'];
    ctx.res.writeHead(reply.status, typeof ct === 'string' ? { 'content-type': ct } : {});
    await pipeline(reply.body, ctx.res).catch(() => {});
  });
};

const importBox: Handler = async (ctx, app) => {
  const name = optionalName(ctx.url.searchParams.get('name'));
  const id = newBoxId();
  ctx.boxId = id;
  const reply = await app.runner.stream(
    'POST',
    `/v1/boxes/import?box_id=${id}`,
    { 'content-type': 'application/octet-stream' },
    ctx.req,
    TIMEOUTS.lifecycle,
  );
  const chunks: Buffer[] = [];
  for await (const c of reply.body) chunks.push(Buffer.from(c as Buffer));
  const text = Buffer.concat(chunks).toString('utf8');
  if (reply.status >= 300) {
    const ct = reply.headers['content-type'];
    ctx.res.writeHead(reply.status, typeof ct === 'string' ? { 'content-type': ct } : {});
    ctx.res.end(text);
    return;
  }
  const view = JSON.parse(text) as { meta?: RowMeta | null };
  const meta = view.meta;
  try {
    if (!meta || typeof meta.image !== 'string')
      throw new ApiError('invalid_argument', 'archive carries no box settings');
    await reserveBox(app.db, ctx.principal.org, { id, name, ...meta });
  } catch (err) {
    // The row was refused (quota, name taken): the runner's box must not outlive it.
    await app.runner
      .call('DELETE', `/boxes/${id}?force=true`, { timeoutMs: TIMEOUTS.lifecycle })
      .catch(() => {});
    throw err;
  }
  sendJson(ctx.res, 201, boxJson(await setBoxState(app.db, id, runnerState(view, 'stopped'))));
};

export const cloneExportRoutes: Route<Handler>[] = [
  { method: 'POST', pattern: '/boxes/import', handler: importBox },
  { method: 'POST', pattern: '/boxes/:id/clone', handler: clone },
  { method: 'POST', pattern: '/boxes/:id/export', handler: exportBox },
];
