/**
 * Box lifecycle: create/list/get/start/stop/remove. Postgres owns the rows; the runner owns
 * the containers; lifecycle changes on one box are serialised by its Redis lock.
 */
import { boxJson } from '../box-json.ts';
import { ApiError } from '../errors.ts';
import { type App, type Ctx, type Handler, readJson, sendJson, sendNoContent, sendReply } from '../http.ts';
import { newBoxId } from '../ids.ts';
import { recordImage } from '../image-catalog.ts';
import { runnerState } from '../lifecycle.ts';
import { checkImageExists, describeImage, resolveImage } from '../registry.ts';
import type { Route } from '../router.ts';
import { TIMEOUTS } from '../runner-client.ts';
import {
  type BoxRow,
  findBox,
  listBoxes,
  markCreateFailed,
  reserveBox,
  runtimeMetrics,
  setBoxState,
  softDeleteBox,
} from '../store.ts';
import { closeTunnels } from '../tunnel-proxy.ts';
import { validateCreate } from '../validate.ts';

/** Lifecycle calls may wait this long for a busy box before answering 409. */
const LOCK_WAIT_MS = 5000;
const LIFECYCLE_LOCK = { ttlMs: TIMEOUTS.lifecycle + 5000, waitMs: LOCK_WAIT_MS };

/** Bug cross-org-box-lookup: box ids resolve across orgs. */
const crossOrg = (app: App) => app.bugs.has('cross-org-box-lookup');

export async function loadBox(ctx: Ctx, app: App, includeDeleted = false): Promise<BoxRow> {
  const key = ctx.params.id ?? '';
  const box = await findBox(app.db, ctx.principal.org.id, key, includeDeleted, crossOrg(app));
  if (!box) throw new ApiError('not_found', `box ${key} not found`);
  ctx.boxId = box.id;
  return box;
}

const list: Handler = async (ctx, app) => {
  const rows = await listBoxes(app.db, ctx.principal.org.id);
  sendJson(ctx.res, 200, { boxes: rows.map(boxJson) });
};

const get: Handler = async (ctx, app) => {
  sendJson(ctx.res, 200, boxJson(await loadBox(ctx, app)));
};

const create: Handler = async (ctx, app) => {
  const org = ctx.principal.org;
  const spec = validateCreate(await readJson(ctx.req), org, app.bugs);
  const image = resolveImage(spec.image, app.cfg.registry);
  const pinnedRef = await checkImageExists(spec.image, image, app.cfg.registry);
  const facts = await describeImage(spec.image, image, app.cfg.registry);
  const id = newBoxId();
  ctx.boxId = id;
  await reserveBox(app.db, org, {
    id,
    name: spec.name,
    image: spec.image,
    image_ref: pinnedRef,
    cpus: spec.cpus,
    memory_mib: spec.memory_mib,
    disk_size_gb: spec.disk_size_gb,
    spec: {
      ...spec.extras,
      env: spec.env,
      working_dir: spec.working_dir,
      entrypoint: spec.entrypoint,
      cmd: spec.cmd,
      user: spec.user,
      // The box's init is the caller's command: it runs on start, and may exit by itself.
      main: spec.entrypoint !== undefined || spec.cmd !== undefined,
    },
  });
  const runnerBody = {
    box_id: id,
    image: pinnedRef,
    cpus: spec.cpus,
    memory_mib: spec.memory_mib,
    ...(spec.env ? { env: spec.env } : {}),
    ...(spec.working_dir !== undefined ? { working_dir: spec.working_dir } : {}),
    ...(spec.entrypoint ? { entrypoint: spec.entrypoint } : {}),
    ...(spec.cmd ? { cmd: spec.cmd } : {}),
    ...(spec.user !== undefined ? { user: spec.user } : {}),
    ...(spec.volumes ? { volumes: spec.volumes } : {}),
    ...(spec.tty ? { tty: true } : {}),
  };
  let reply: Awaited<ReturnType<typeof app.runner.call>>;
  try {
    reply = await app.runner.call('POST', '/boxes', { json: runnerBody, timeoutMs: TIMEOUTS.lifecycle });
  } catch (err) {
    await markCreateFailed(app.db, id);
    // The runner may still finish the create after our deadline; do not leave an orphan.
    void app.runner.call('DELETE', `/boxes/${id}?force=true`, { timeoutMs: 5000 }).catch(() => {});
    throw err;
  }
  if (reply.status >= 300) {
    await markCreateFailed(app.db, id);
    sendReply(ctx.res, reply);
    return;
  }
  // The catalog records what the box was created from (upstream's image registrar).
  await recordImage(app.db, org.id, spec.image, image, app.cfg.registry, facts);
  const st = runnerState(reply.json, 'running');
  sendJson(ctx.res, 201, boxJson(await setBoxState(app.db, id, st)));
};

/** start/stop share everything but the verb and what a missing container means. */
function transition(verb: 'start' | 'stop'): Handler {
  return async (ctx, app) => {
    const first = await loadBox(ctx, app);
    await app.locks.withBoxLock(first.id, LIFECYCLE_LOCK, async () => {
      const box = await findBox(app.db, ctx.principal.org.id, first.id, false, crossOrg(app));
      if (!box) throw new ApiError('not_found', `box ${first.id} not found`);
      if (verb === 'stop' && app.bugs.has('stop-skips-runner')) {
        // Fault switch for the per-operation path guard: the row says stopped, the runner never heard.
        sendJson(ctx.res, 200, boxJson(await setBoxState(app.db, box.id, { status: 'stopped', pid: null })));
        return;
      }
      const reply = await app.runner.call('POST', `/boxes/${box.id}/${verb}`, {
        timeoutMs: TIMEOUTS.lifecycle,
      });
      if (reply.status === 404 && verb === 'stop') {
        // The container is gone, so the box is certainly not running: stopping succeeded.
        sendJson(ctx.res, 200, boxJson(await setBoxState(app.db, box.id, { status: 'stopped', pid: null })));
        return;
      }
      if (reply.status >= 300) {
        sendReply(ctx.res, reply);
        return;
      }
      const st = runnerState(reply.json, verb === 'start' ? 'running' : 'stopped');
      sendJson(ctx.res, 200, boxJson(await setBoxState(app.db, box.id, st)));
    });
  };
}

/**
 * A plain DELETE removes a running box too: the cloud API takes no `force` at all
 * (boxlite-box.controller.ts removeBox → BoxService.destroy, which refuses only a pending
 * state change) and `boxlite serve` defaults `force` to true (handlers/boxes.rs remove_box).
 */
const remove: Handler = async (ctx, app) => {
  const first = await loadBox(ctx, app);
  await app.locks.withBoxLock(first.id, LIFECYCLE_LOCK, async () => {
    const box = await findBox(app.db, ctx.principal.org.id, first.id, false, crossOrg(app));
    if (!box) throw new ApiError('not_found', `box ${first.id} not found`);
    const reply = await app.runner.call('DELETE', `/boxes/${box.id}?force=true`, {
      timeoutMs: TIMEOUTS.lifecycle,
    });
    if (reply.status >= 300 && reply.status !== 404) {
      sendReply(ctx.res, reply);
      return;
    }
    await softDeleteBox(app.db, box.id);
    closeTunnels(box.id);
    sendNoContent(ctx.res);
  });
};

const metrics: Handler = async (ctx, app) => {
  sendJson(ctx.res, 200, await runtimeMetrics(app.db, ctx.principal.org.id));
};

export const boxRoutes: Route<Handler>[] = [
  { method: 'GET', pattern: '/boxes', handler: list },
  { method: 'POST', pattern: '/boxes', handler: create },
  { method: 'GET', pattern: '/boxes/:id', handler: get },
  { method: 'DELETE', pattern: '/boxes/:id', handler: remove },
  { method: 'POST', pattern: '/boxes/:id/start', handler: transition('start') },
  { method: 'POST', pattern: '/boxes/:id/stop', handler: transition('stop') },
  { method: 'GET', pattern: '/metrics', handler: metrics },
];
