/**
 * SIM-ONLY org administration beyond `POST /api/_sim/orgs` (routes/root.ts), all with the admin
 * key: `PATCH /api/_sim/orgs/:org_id/quotas` {quotas} sets some or all of an org's quotas and
 * answers them all; `DELETE /api/_sim/orgs/:org_id` revokes the org's keys and retires it
 * (refused with 409 while it holds a live box). The real API does this through its own admin
 * routes (drivers/admin/real-api.ts); the harness reaches both through one interface.
 */
import { DEFAULT_QUOTAS, type Quotas } from '../db.ts';
import { ApiError } from '../errors.ts';
import { type Ctx, type Handler, readJson, sendJson, sendNoContent } from '../http.ts';
import type { Route } from '../router.ts';
import type { Org } from '../store.ts';
import { deleteOrg, findOrg, setOrgQuotas } from '../tenancy.ts';

export function requireAdmin(ctx: Ctx): void {
  if (!ctx.principal.org.is_admin)
    throw new ApiError('permission_denied', 'sim admin routes need the admin api key');
}

/** `base` with the given quotas applied; unknown names and non-integers are refused. */
export function parseQuotas(given: unknown, base: Quotas): Quotas {
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new ApiError('invalid_argument', 'quotas must be an object');
  const quotas: Quotas = { ...base };
  for (const [k, v] of Object.entries(given)) {
    if (!(k in DEFAULT_QUOTAS))
      throw new ApiError(
        'invalid_argument',
        `unknown quota ${k}; known: ${Object.keys(DEFAULT_QUOTAS).join(', ')}`,
      );
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
      throw new ApiError('invalid_argument', `quota ${k} must be a non-negative integer`);
    quotas[k as keyof Quotas] = v;
  }
  return quotas;
}

export const pickQuotas = (q: Quotas): Quotas =>
  Object.fromEntries(Object.keys(DEFAULT_QUOTAS).map((k) => [k, q[k as keyof Quotas]])) as Quotas;

async function tenantOrg(ctx: Ctx, db: Parameters<typeof findOrg>[0]): Promise<Org> {
  const id = ctx.params.org_id ?? '';
  const org = await findOrg(db, id);
  if (!org || org.is_admin) throw new ApiError('not_found', `org ${id} not found`);
  return org;
}

const patchQuotas: Handler = async (ctx, app) => {
  requireAdmin(ctx);
  const org = await tenantOrg(ctx, app.db);
  const body = (await readJson(ctx.req)) as { quotas?: unknown } | undefined;
  const quotas = parseQuotas(body?.quotas ?? {}, pickQuotas(org));
  await setOrgQuotas(app.db, org.id, quotas);
  sendJson(ctx.res, 200, { org_id: org.id, path_prefix: org.path_prefix, quotas });
};

const removeOrg: Handler = async (ctx, app) => {
  requireAdmin(ctx);
  const org = await tenantOrg(ctx, app.db);
  await deleteOrg(app.db, org.id);
  sendNoContent(ctx.res);
};

export const simAdminRoutes: Route<Handler>[] = [
  { method: 'PATCH', pattern: '/api/_sim/orgs/:org_id/quotas', handler: patchQuotas },
  { method: 'DELETE', pattern: '/api/_sim/orgs/:org_id', handler: removeOrg },
];
