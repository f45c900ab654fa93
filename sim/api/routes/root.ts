/** Non-tenant routes: health and config (public), identity, and the sim-only admin route. */
import { DEFAULT_QUOTAS } from '../db.ts';
import { ApiError } from '../errors.ts';
import { type Handler, readJson, SIM_API_VERSION, sendJson } from '../http.ts';
import type { Route } from '../router.ts';
import { upsertOrgWithKey } from '../store.ts';
import { parseQuotas, pickQuotas, requireAdmin } from './sim-admin.ts';

/**
 * `bug_switches` lets a harness that reaches this sim only by URL (a remote run) judge the
 * cases by the switches really on, as it does for its own sim, instead of by the ledger.
 */
const health: Handler = async (ctx, app) =>
  sendJson(ctx.res, 200, { status: 'ok', version: SIM_API_VERSION, bug_switches: [...app.bugs].sort() });

/**
 * Capabilities the sim really has: snapshots, clone, export and import are simulated on
 * Docker images (sim/runner/snapshots.ts, clone-export.ts), so they are advertised true
 * (protocol §1.2, §7 item 11). The 0.11
 * clients re-check `exec_user_enabled` before every exec that names a user (the runner does
 * honour `user`), and `private_tunnels_enabled` before a private tunnel (not simulated).
 */
const config: Handler = async (ctx) =>
  sendJson(ctx.res, 200, {
    capabilities: {
      snapshots_enabled: true,
      clone_enabled: true,
      export_enabled: true,
      import_enabled: true,
      linux_capabilities_enabled: true,
      exec_user_enabled: true,
      private_tunnels_enabled: false,
    },
    defaults: { cpus: 1, memory_mib: 512, disk_size_gb: 10 },
  });

const me: Handler = async (ctx) => {
  const { org, keyId } = ctx.principal;
  sendJson(ctx.res, 200, {
    sub: keyId,
    principal_type: 'service_account',
    display_name: `${org.name} api key`,
    prefix: org.path_prefix,
    path_prefix: org.path_prefix,
    org_id: org.id,
    scopes: ['boxes:read', 'boxes:write', 'exec', 'files'],
    quotas: pickQuotas(org),
    expires_at: ctx.principal.expiresAt ? ctx.principal.expiresAt.toISOString() : null,
  });
};

/** Multi-segment prefixes are allowed (protocol §1.1) but must not shadow the root routes. */
const PREFIX_RE = /^[a-z0-9][a-z0-9_-]*(?:\/[a-z0-9][a-z0-9_-]*)*$/;
const RESERVED = new Set(['config', 'me', 'boxes', 'metrics', 'volumes', 'images']);

/**
 * SIM-ONLY: `POST /api/_sim/orgs` {path_prefix, name?, quotas?} with the admin key creates the
 * org (or updates its quotas) and mints a new key, answered once in plaintext.
 */
const createOrg: Handler = async (ctx, app) => {
  requireAdmin(ctx);
  const body = (await readJson(ctx.req)) as
    | { path_prefix?: unknown; name?: unknown; quotas?: unknown }
    | undefined;
  const prefix = body?.path_prefix;
  if (
    typeof prefix !== 'string' ||
    prefix.length > 200 ||
    !PREFIX_RE.test(prefix) ||
    RESERVED.has(prefix.split('/')[0] ?? '')
  ) {
    throw new ApiError(
      'invalid_argument',
      'path_prefix must be lowercase [a-z0-9_-] segments joined by "/", not a reserved word',
    );
  }
  const quotas = parseQuotas(body?.quotas ?? {}, { ...DEFAULT_QUOTAS });
  const name = typeof body?.name === 'string' && body.name ? body.name : prefix;
  const { org, apiKey } = await upsertOrgWithKey(app.db, prefix, name, quotas);
  sendJson(ctx.res, 201, {
    org_id: org.id,
    name: org.name,
    path_prefix: org.path_prefix,
    quotas: pickQuotas(org),
    api_key: apiKey,
  });
};

export const publicRoutes: Route<Handler>[] = [
  { method: 'GET', pattern: '/api/health', handler: health },
  { method: 'GET', pattern: '/api/v1/config', handler: config },
];

export const rootRoutes: Route<Handler>[] = [
  { method: 'GET', pattern: '/api/v1/me', handler: me },
  { method: 'POST', pattern: '/api/_sim/orgs', handler: createOrg },
];
