/**
 * Managed volumes (protocol §5.4): `/volumes`, `/volumes/:id`, per org, relayed to the
 * runner (sim/runner/volumes.ts), which keeps them as Docker volumes. A box mounts one with
 * `volumes: [{managed_volume: <id>, guest_path}]` on create.
 */
import { ApiError } from '../errors.ts';
import { type Ctx, type Handler, readJson, sendReply } from '../http.ts';
import { newBoxId } from '../ids.ts';
import type { Route } from '../router.ts';

const org = (ctx: Ctx) => `org=${encodeURIComponent(ctx.principal.org.id)}`;

const create: Handler = async (ctx, app) => {
  const body = (await readJson(ctx.req)) as { name?: unknown } | undefined;
  const name = body?.name;
  if (name !== undefined && name !== null && typeof name !== 'string')
    throw new ApiError('invalid_argument', 'name must be a string');
  const json = {
    id: `vol-${newBoxId().toLowerCase()}`,
    ...(typeof name === 'string' && name ? { name } : {}),
  };
  sendReply(ctx.res, await app.runner.call('POST', `/v1/volumes?${org(ctx)}`, { json }));
};

const list: Handler = async (ctx, app) =>
  sendReply(ctx.res, await app.runner.call('GET', `/v1/volumes?${org(ctx)}`));

const get: Handler = async (ctx, app) =>
  sendReply(
    ctx.res,
    await app.runner.call('GET', `/v1/volumes/${encodeURIComponent(ctx.params.vid ?? '')}?${org(ctx)}`),
  );

const remove: Handler = async (ctx, app) => {
  const force = ['true', '1'].includes(ctx.url.searchParams.get('force') ?? '');
  const q = `${org(ctx)}${force ? '&force=true' : ''}`;
  sendReply(
    ctx.res,
    await app.runner.call('DELETE', `/v1/volumes/${encodeURIComponent(ctx.params.vid ?? '')}?${q}`),
  );
};

export const volumeRoutes: Route<Handler>[] = [
  { method: 'POST', pattern: '/volumes', handler: create },
  { method: 'GET', pattern: '/volumes', handler: list },
  { method: 'GET', pattern: '/volumes/:vid', handler: get },
  { method: 'DELETE', pattern: '/volumes/:vid', handler: remove },
];
