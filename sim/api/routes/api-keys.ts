/**
 * The tenant-facing key routes of the real REST surface, so a key can mint and retire keys of
 * its own org from code: `POST|GET /v1/api-keys`, `DELETE /v1/api-keys/{name}`, also under
 * `/v1/{prefix}/api-keys` (upstream apps/api/src/boxlite-rest/boxlite-api-key.controller.ts,
 * body `RestCreateApiKeyDto` in dto/create-api-key.dto.ts). As upstream: the value is answered
 * once; a child key may not outlive the key that mints it nor carry a permission it lacks (403); a
 * name holds no "/".
 */
import { ApiError } from '../errors.ts';
import { type Handler, readJson, sendJson, sendNoContent } from '../http.ts';
import type { Route } from '../router.ts';
import { type KeyRow, listNamedKeys, mintNamedKey, revokeNamedKey } from '../tenancy.ts';

/** upstream `OrganizationResourcePermission` (organization-resource-permission.enum.ts). */
export const KEY_PERMISSIONS = [
  'write:registries',
  'delete:registries',
  'write:templates',
  'delete:templates',
  'write:boxes',
  'delete:boxes',
  'read:volumes',
  'write:volumes',
  'delete:volumes',
  'write:regions',
  'delete:regions',
  'read:runners',
  'write:runners',
  'delete:runners',
  'read:audit_logs',
  'read:images',
  'delete:images',
  'read:registries',
] as const;

const summary = (k: KeyRow) => ({
  name: k.name,
  permissions: k.permissions,
  created_at: k.created_at.toISOString(),
  expires_at: k.expires_at ? k.expires_at.toISOString() : null,
});

function parseCreate(body: unknown): { name: string; permissions: string[]; expiresAt: Date | null } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError('invalid_argument', 'request body must be a JSON object');
  const { name, permissions, expires_at } = body as Record<string, unknown>;
  if (typeof name !== 'string' || name === '' || name.length > 128 || name.includes('/'))
    throw new ApiError(
      'invalid_argument',
      'name must be a non-empty string of at most 128 characters without "/"',
    );
  if (
    !Array.isArray(permissions) ||
    permissions.length === 0 ||
    !permissions.every((p) => (KEY_PERMISSIONS as readonly unknown[]).includes(p))
  )
    throw new ApiError(
      'invalid_argument',
      `permissions must be a non-empty list of: ${KEY_PERMISSIONS.join(', ')}`,
    );
  let expiresAt: Date | null = null;
  if (expires_at !== undefined && expires_at !== null) {
    expiresAt = typeof expires_at === 'string' ? new Date(expires_at) : new Date(Number.NaN);
    if (Number.isNaN(expiresAt.getTime()))
      throw new ApiError('invalid_argument', 'expires_at must be a date');
  }
  return { name, permissions: permissions as string[], expiresAt };
}

const create: Handler = async (ctx, app) => {
  const req = parseCreate(await readJson(ctx.req));
  // upstream api-key-grant.ts `ungrantablePermissions`: a key passes on only what it carries.
  const held = ctx.principal.permissions;
  const refused = held === null ? [] : req.permissions.filter((p) => !held.includes(p));
  if (refused.length > 0)
    throw new ApiError('permission_denied', `Insufficient permissions for assigning: ${refused.join(', ')}`);
  const bound = ctx.principal.expiresAt;
  if (bound && req.expiresAt && req.expiresAt > bound)
    throw new ApiError(
      'permission_denied',
      `Requested expiry exceeds the calling key's own expiry (${bound.toISOString()})`,
    );
  const key = await mintNamedKey(
    app.db,
    ctx.principal.org.id,
    req.name,
    req.permissions,
    req.expiresAt ?? bound,
  );
  sendJson(ctx.res, 201, { ...summary(key), value: key.value });
};

const list: Handler = async (ctx, app) => {
  sendJson(ctx.res, 200, { api_keys: (await listNamedKeys(app.db, ctx.principal.org.id)).map(summary) });
};

const remove: Handler = async (ctx, app) => {
  const name = ctx.params.name ?? '';
  if (!(await revokeNamedKey(app.db, ctx.principal.org.id, name)))
    throw new ApiError('not_found', `api key ${name} not found`);
  sendNoContent(ctx.res);
};

/** Under `/api/v1` (root router). */
export const apiKeyRootRoutes: Route<Handler>[] = [
  { method: 'POST', pattern: '/api/v1/api-keys', handler: create },
  { method: 'GET', pattern: '/api/v1/api-keys', handler: list },
  { method: 'DELETE', pattern: '/api/v1/api-keys/:name', handler: remove },
];

/** Under `/api/v1/{prefix}` (tenant router). */
export const apiKeyTenantRoutes: Route<Handler>[] = [
  { method: 'POST', pattern: '/api-keys', handler: create },
  { method: 'GET', pattern: '/api-keys', handler: list },
  { method: 'DELETE', pattern: '/api-keys/:name', handler: remove },
];
