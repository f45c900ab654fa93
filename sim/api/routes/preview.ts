/**
 * The preview service's public check (apps/api/src/box/controllers/preview.controller.ts:26-72):
 * `GET /api/preview/{boxId}/public`, no credentials, answers `true` for a box whose inbound
 * network is enabled — the create mapper sets `box.public` from `network.inbound.mode`
 * (boxlite-rest/mappers/box-to-box.mapper.ts:61, entity default false at
 * box/entities/box.entity.ts:112) — and 404 for a private box exactly as for an unknown id, so
 * the route cannot tell whether a box exists.
 */
import { networkPolicy } from '../box-json.ts';
import { ApiError } from '../errors.ts';
import { type Handler, sendJson } from '../http.ts';
import type { Route } from '../router.ts';

const isBoxPublic: Handler = async (ctx, app) => {
  const id = ctx.params.boxId ?? '';
  const r = await app.db.query<{ spec: { network?: unknown } }>(
    'SELECT spec FROM boxes WHERE id = $1 AND deleted_at IS NULL',
    [id],
  );
  const row = r.rows[0];
  if (!row || networkPolicy(row.spec.network).inbound.mode !== 'enabled')
    throw new ApiError('not_found', `Box with ID ${id} not found`);
  sendJson(ctx.res, 200, true);
};

export const previewRoutes: Route<Handler>[] = [
  { method: 'GET', pattern: '/api/preview/:boxId/public', handler: isBoxPublic },
];
