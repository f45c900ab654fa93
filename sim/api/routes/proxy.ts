/**
 * Box-scoped calls the runner serves: exec start, execution control, files, box metrics.
 * `/api/v1/{prefix}/boxes/:id/...` becomes `/v1/boxes/:id/...` on the runner; status,
 * content-type and body pass through, bodies streamed both ways (chunked tar uploads).
 */
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { ApiError } from '../errors.ts';
import type { Ctx, Handler } from '../http.ts';
import { readJson, sendReply } from '../http.ts';
import { syncBox } from '../lifecycle.ts';
import type { Route } from '../router.ts';
import { TIMEOUTS } from '../runner-client.ts';
import { recordExecution } from '../store.ts';
import { loadBox } from './boxes.ts';

/**
 * Exec starts on one box queue behind each other (and behind a lifecycle change) rather than
 * answer 409 after a few seconds: concurrent execs on one box are legal, and on a loaded host
 * six of them can take longer than 5 s to get through the runner one by one.
 */
const EXEC_LOCK = { ttlMs: TIMEOUTS.control + 5000, waitMs: 30_000 };
/** Response headers worth relaying; hop-by-hop ones are Node's business. */
const PASS_HEADERS = ['content-type', 'content-length', 'x-boxlite-source-is-dir', 'content-disposition'];

const runnerPath = (ctx: Ctx, boxId: string) => {
  const tail = ctx.url.pathname
    .slice(ctx.url.pathname.indexOf('/boxes/') + '/boxes/'.length)
    .split('/')
    .slice(1)
    .join('/');
  return `/v1/boxes/${boxId}/${tail}${ctx.url.search}`;
};

/** Streams the request through to the runner and the answer back. */
const passThrough: Handler = async (ctx, app) => {
  const box = await loadBox(ctx, app);
  const headers: Record<string, string> = {};
  for (const h of ['content-type', 'content-length', 'accept']) {
    const v = ctx.req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  const method = ctx.req.method as Dispatcher.HttpMethod;
  const hasBody = method === 'PUT' || method === 'POST';
  const reply = await app.runner.stream(
    method,
    runnerPath(ctx, box.id),
    headers,
    hasBody ? ctx.req : null,
    TIMEOUTS.control * 4,
  );
  const out: Record<string, string> = {};
  for (const h of PASS_HEADERS) {
    const v = reply.headers[h];
    if (typeof v === 'string') out[h] = v;
  }
  ctx.res.writeHead(reply.status, out);
  try {
    await pipeline(reply.body, ctx.res);
  } catch {
    // Either side hung up mid-body; the connection is already torn down by pipeline.
  }
};

const exec: Handler = async (ctx, app) => {
  const removed500 = app.bugs.has('exec-removed-500');
  const box = await loadBox(ctx, app, removed500);
  if (box.deleted_at) {
    // Bug exec-removed-500: the soft-deleted row matched and the runner's build failure leaked.
    throw new ApiError('internal', `spawn_failed: build failed: box ${box.id} has no container`);
  }
  const body = await readJson(ctx.req);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError('invalid_argument', 'request body must be a JSON object');
  const command = (body as { command?: unknown }).command;
  if (typeof command !== 'string' || command === '')
    throw new ApiError('invalid_argument', 'command is required');
  await app.locks.withBoxLock(box.id, EXEC_LOCK, async () => {
    const reply = await app.runner.call('POST', `/v1/boxes/${box.id}/exec`, {
      json: body,
      timeoutMs: TIMEOUTS.control,
    });
    const eid = (reply.json as { execution_id?: unknown } | null)?.execution_id;
    const ok = reply.status < 300 && typeof eid === 'string';
    await recordExecution(app.db, {
      id: ok ? eid : null,
      boxId: box.id,
      orgId: ctx.principal.org.id,
      command,
    });
    sendReply(ctx.res, reply);
    // The runner boots a configured box on its first exec (0.11); let the row say so now.
    if (ok && box.status === 'configured') await syncBox(app, box.id).catch(() => {});
  });
};

export const proxyRoutes: Route<Handler>[] = [
  { method: 'POST', pattern: '/boxes/:id/exec', handler: exec },
  { method: 'GET', pattern: '/boxes/:id/executions/:eid', handler: passThrough },
  { method: 'DELETE', pattern: '/boxes/:id/executions/:eid', handler: passThrough },
  { method: 'POST', pattern: '/boxes/:id/executions/:eid/signal', handler: passThrough },
  { method: 'POST', pattern: '/boxes/:id/executions/:eid/resize', handler: passThrough },
  { method: 'PUT', pattern: '/boxes/:id/files', handler: passThrough },
  { method: 'GET', pattern: '/boxes/:id/files', handler: passThrough },
  { method: 'GET', pattern: '/boxes/:id/metrics', handler: passThrough },
];

/** Features the config advertises for the SDK's sake but the sim does not implement. */
const unsupported: Handler = async (ctx) => {
  throw new ApiError(
    'unsupported',
    `${ctx.req.method} ${ctx.url.pathname.replace(/^.*?\/(boxes|volumes|images)/, '/$1')} is not implemented by the sim`,
  );
};

export const unsupportedRoutes: Route<Handler>[] = [
  ...['GET', 'POST'].map((method) => ({ method, pattern: '/boxes/:id/snapshots', handler: unsupported })),
  ...['GET', 'DELETE'].map((method) => ({
    method,
    pattern: '/boxes/:id/snapshots/:name',
    handler: unsupported,
  })),
  { method: 'POST', pattern: '/boxes/:id/snapshots/:name/restore', handler: unsupported },
  { method: 'POST', pattern: '/boxes/import', handler: unsupported },
  { method: 'POST', pattern: '/boxes/:id/clone', handler: unsupported },
  { method: 'POST', pattern: '/boxes/:id/export', handler: unsupported },
  { method: 'POST', pattern: '/boxes/:id/network/tunnel', handler: unsupported },
  ...['GET', 'POST'].map((method) => ({ method, pattern: '/volumes', handler: unsupported })),
  ...['GET', 'DELETE'].map((method) => ({ method, pattern: '/volumes/:id', handler: unsupported })),
];
