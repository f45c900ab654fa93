/**
 * The API's own key routes (boxlite-ai/boxlite apps/api/src/api-key/api-key.controller.ts:29,
 * `@Controller('api-keys')` under the global prefix `api`, main.ts:127-128): `POST|GET
 * /api/api-keys`, `GET /api/api-keys/current`, `GET|DELETE /api/api-keys/:name`,
 * `DELETE /api/api-keys/:userId/:name`. camelCase bodies (dto/), no `/v1` and no tenant prefix:
 * the org is the calling key's own (api-key.strategy.ts:130). Errors are Nest's, not the `/v1`
 * envelope: `{path, timestamp, statusCode, error, message}` (filters/all-exceptions.filter.ts:80-87).
 *
 * What the controller checks and what it does not: a grant is checked against the caller's
 * org role, never against the calling key (controller:184-211) — the sim's keys are all an
 * owner's or the admin's, so nothing is refused for permissions; an expiry is taken as given,
 * neither bounded by nor inherited from the calling key's (controller:65-71, service:41-76).
 */
import { STATUS_CODES } from 'node:http';
import { authenticate } from '../auth.ts';
import { ApiError, toApiError } from '../errors.ts';
import { type App, type Ctx, type Handler, readJson, sendJson, sendNoContent } from '../http.ts';
import type { Route } from '../router.ts';
import type { Principal } from '../store.ts';
import { findKey, type KeyRow, listKeys, mintNamedKey, revokeNamedKey } from '../tenancy.ts';

/** Upstream `OrganizationResourcePermission` (organization/enums/organization-resource-permission.enum.ts:10-39). */
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
] as const;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** `ApiKeyListDto.fromApiKey` (dto/api-key-list.dto.ts:62-74): the value masked, never whole. */
const listed = (k: KeyRow, userId: string) => ({
  name: k.name,
  value: `${k.key_prefix}********************${k.key_suffix}`,
  createdAt: iso(k.created_at),
  permissions: k.permissions,
  lastUsedAt: iso(k.last_used_at),
  expiresAt: iso(k.expires_at),
  userId,
});

/** Nest's answer for a refusal (all-exceptions.filter.ts:59-87); a 500 hides its cause. */
function sendNestError(ctx: Ctx, err: ApiError): void {
  if (ctx.res.headersSent) return void ctx.res.destroy(err);
  const status = err.status;
  sendJson(ctx.res, status, {
    path: ctx.req.url ?? '',
    timestamp: new Date().toISOString(),
    statusCode: status,
    error: STATUS_CODES[status] ?? 'Error',
    message: status >= 500 ? 'An unexpected error occurred.' : err.message,
  });
}

/**
 * The controller's guards, then the handler, with Nest's error shape. Any key that
 * authenticates passes: `CombinedAuthGuard` answers every failure "Invalid credentials"
 * (auth/combined-auth.guard.ts:23-27), and the controller names no required permission, so
 * `OrganizationResourceActionGuard` lets any key of the org through (organization-resource-action.guard.ts:64-70).
 */
const nest =
  (
    h: (ctx: Ctx & { principal: Principal }, app: App, body: unknown) => Promise<void>,
    withBody = false,
  ): Handler =>
  async (ctx, app) => {
    try {
      ctx.principal = await authenticate(ctx.req, app.db, app.bugs).catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'unauthenticated')
          throw new ApiError('unauthenticated', 'Invalid credentials');
        throw err;
      });
      await h(ctx, app, withBody ? await readJson(ctx.req) : undefined);
    } catch (err) {
      sendNestError(ctx, toApiError(err));
      if (!ctx.req.complete) ctx.req.resume();
    }
  };

const bad = (messages: string[]) => new ApiError('invalid_argument', messages.join(', '));

/**
 * `CreateApiKeyDto` (dto/create-api-key.dto.ts) under the global `ValidationPipe({transform:
 * true})` (main.ts:89-93), with class-validator's default messages. No whitelist: unknown
 * fields, `expires_at` among them, are ignored, not refused. An empty body reads as `{}`.
 */
function parseCreate(body: unknown): { name: string; permissions: string[]; expiresAt?: Date | null } {
  if (body === undefined) body = {};
  // class-validator 0.14 refuses a value with no DTO metadata (an array): forbidUnknownValues.
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad(['an unknown value was passed to the validate function']);
  const { name, permissions, expiresAt } = body as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof name !== 'string') errors.push('name must be a string');
  if (name === '' || name === undefined || name === null) errors.push('name should not be empty');
  // `@IsEnum({each: true})` checks the elements of a list, or the value itself when it is not one.
  const known = (p: unknown) => (KEY_PERMISSIONS as readonly unknown[]).includes(p);
  if (!(Array.isArray(permissions) ? permissions.every(known) : known(permissions)))
    errors.push(
      `each value in permissions must be one of the following values: ${KEY_PERMISSIONS.join(', ')}`,
    );
  if (!Array.isArray(permissions)) errors.push('permissions must be an array');
  // `@IsOptional @Type(() => Date) @IsDate`: null or absent is none; anything `new Date` reads is taken.
  let at: Date | null | undefined = expiresAt === null ? null : undefined;
  if (expiresAt !== undefined && expiresAt !== null) {
    const scalar = ['string', 'number', 'boolean'].includes(typeof expiresAt);
    at = scalar ? new Date(expiresAt as string | number) : new Date(Number.NaN);
    if (Number.isNaN(at.getTime())) errors.push('expiresAt must be a Date instance');
  }
  if (errors.length) throw bad(errors);
  return {
    name: name as string,
    permissions: permissions as string[],
    ...(at !== undefined ? { expiresAt: at } : {}),
  };
}

/**
 * `createApiKey` (controller:59-74): 201 `ApiKeyResponseDto` (dto/api-key-response.dto.ts:45-53),
 * the only answer holding the whole value. `expiresAt` is echoed as asked: absent when the body
 * had none (the saved entity keeps the DTO's undefined, service:63-73).
 */
const create = nest(async (ctx, app, body) => {
  const req = parseCreate(body);
  const key = await mintNamedKey(
    app.db,
    ctx.principal.org.id,
    req.name,
    req.permissions,
    req.expiresAt ?? null,
  );
  sendJson(ctx.res, 201, {
    name: key.name,
    value: key.value,
    createdAt: iso(key.created_at),
    permissions: key.permissions,
    ...('expiresAt' in req ? { expiresAt: iso(key.expires_at) } : {}),
  });
}, true);

/** `getApiKeys` (controller:87-97): an owner or the admin sees every key of the org; a bare array. */
const list = nest(async (ctx, app) => {
  const keys = await listKeys(app.db, ctx.principal.org.id);
  sendJson(
    ctx.res,
    200,
    keys.map((k) => listed(k, ctx.principal.userId)),
  );
});

/** `getCurrentApiKey` (controller:109-115): the calling key as it was read. */
const current = nest(async (ctx) => sendJson(ctx.res, 200, listed(ctx.principal.key, ctx.principal.userId)));

const notFound = () => new ApiError('not_found', 'API key not found');

/** `getApiKey` (controller:127-133, service:115-129). */
const getOne = nest(async (ctx, app) => {
  const k = await findKey(app.db, ctx.principal.org.id, ctx.params.name ?? '');
  if (!k) throw notFound();
  sendJson(ctx.res, 200, listed(k, ctx.principal.userId));
});

/** `deleteApiKey` (controller:147-149, service:145-153): 204; the key stops authenticating at once. */
const remove = nest(async (ctx, app) => {
  if (!(await revokeNamedKey(app.db, ctx.principal.org.id, ctx.params.name ?? ''))) throw notFound();
  sendNoContent(ctx.res);
});

/**
 * `deleteApiKeyForUser` (controller:168-182): an owner or the admin may name any user of the
 * org; the sim's orgs have one user, so another user id holds no key: 404.
 */
const removeForUser = nest(async (ctx, app) => {
  const mine = ctx.params.userId === ctx.principal.userId;
  if (!mine || !(await revokeNamedKey(app.db, ctx.principal.org.id, ctx.params.name ?? ''))) throw notFound();
  sendNoContent(ctx.res);
});

/** Matched before the sim's own auth (server.ts): `nest` authenticates, to answer in Nest's shape. */
export const apiKeyRoutes: Route<Handler>[] = [
  { method: 'POST', pattern: '/api/api-keys', handler: create },
  { method: 'GET', pattern: '/api/api-keys', handler: list },
  // Declared before `:name`, as in the controller: a key named "current" cannot be read by name.
  { method: 'GET', pattern: '/api/api-keys/current', handler: current },
  { method: 'GET', pattern: '/api/api-keys/:name', handler: getOne },
  { method: 'DELETE', pattern: '/api/api-keys/:name', handler: remove },
  { method: 'DELETE', pattern: '/api/api-keys/:userId/:name', handler: removeForUser },
];
