/**
 * Snapshots (protocol §5.2): `/boxes/:id/snapshots[/:name[/restore]]`, relayed to the
 * runner, which keeps them as committed images of the box (sim/runner/snapshots.ts). Create,
 * remove and restore change the box's disk, so they hold the box's lifecycle lock.
 */
import { type App, type Ctx, type Handler, readJson, sendReply } from '../http.ts';
import type { Route } from '../router.ts';
import { TIMEOUTS } from '../runner-client.ts';
import { loadBox } from './boxes.ts';

const DISK_LOCK = { ttlMs: TIMEOUTS.lifecycle + 5000, waitMs: 5000 };
const path = (boxId: string, name?: string, tail = '') =>
  `/v1/boxes/${boxId}/snapshots${name === undefined ? '' : `/${encodeURIComponent(name)}`}${tail}`;

function relay(method: 'GET' | 'POST' | 'DELETE', tail: string, locked: boolean): Handler {
  return async (ctx: Ctx, app: App) => {
    const box = await loadBox(ctx, app);
    const body =
      method === 'POST' && tail === '' && ctx.params.name === undefined ? await readJson(ctx.req) : undefined;
    const call = async () =>
      sendReply(
        ctx.res,
        await app.runner.call(method, path(box.id, ctx.params.name, tail), {
          ...(body !== undefined ? { json: body } : method === 'POST' ? { json: {} } : {}),
          timeoutMs: TIMEOUTS.lifecycle,
        }),
      );
    if (locked) await app.locks.withBoxLock(box.id, DISK_LOCK, call);
    else await call();
  };
}

export const snapshotRoutes: Route<Handler>[] = [
  { method: 'POST', pattern: '/boxes/:id/snapshots', handler: relay('POST', '', true) },
  { method: 'GET', pattern: '/boxes/:id/snapshots', handler: relay('GET', '', false) },
  { method: 'GET', pattern: '/boxes/:id/snapshots/:name', handler: relay('GET', '', false) },
  { method: 'DELETE', pattern: '/boxes/:id/snapshots/:name', handler: relay('DELETE', '', true) },
  { method: 'POST', pattern: '/boxes/:id/snapshots/:name/restore', handler: relay('POST', '/restore', true) },
];
