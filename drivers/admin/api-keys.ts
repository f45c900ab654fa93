/**
 * Keys of one org, minted and revoked by a key of that org. Two route families, whichever the
 * server has: the tenant-facing `POST /v1/api-keys` / `DELETE /v1/api-keys/{name}` with a
 * snake_case body (upstream apps/api/src/boxlite-rest/boxlite-api-key.controller.ts where it
 * exists; sim/api/routes/api-keys.ts), and the API's own `POST /api-keys` /
 * `DELETE /api-keys/{name}` with a camelCase body (apps/api/src/api-key/api-key.controller.ts,
 * the only one at c5f4afd1).
 */
import { randomBytes } from 'node:crypto';
import { adminCall } from './http.ts';
import type { AdminKey, AdminOrg, NewKeyOptions } from './types.ts';

/** What an e2e key may do with boxes (upstream `OrganizationResourcePermission`). */
export const BOX_PERMISSIONS = ['write:boxes', 'delete:boxes'];

interface CreatedKey {
  name: string;
  permissions: string[];
  expires_at?: string | null;
  expiresAt?: string | null;
  value: string;
}

/** Where a server keeps keys, and how it spells the expiry. */
export interface KeyRoutes {
  base: '/v1/api-keys' | '/api-keys';
  expiry: 'expires_at' | 'expiresAt';
}
export const V1_KEY_ROUTES: KeyRoutes = { base: '/v1/api-keys', expiry: 'expires_at' };
export const API_KEY_ROUTES: KeyRoutes = { base: '/api-keys', expiry: 'expiresAt' };

export async function mintKey(
  apiUrl: string,
  org: AdminOrg,
  opts: NewKeyOptions = {},
  routes: KeyRoutes = V1_KEY_ROUTES,
): Promise<AdminKey> {
  const name = opts.name ?? `e2e-key-${randomBytes(4).toString('hex')}`;
  const res = await adminCall<CreatedKey>(apiUrl, {
    method: 'POST',
    path: routes.base,
    key: org.apiKey,
    body: {
      name,
      permissions: opts.permissions ?? BOX_PERMISSIONS,
      ...(opts.expiresAt ? { [routes.expiry]: opts.expiresAt.toISOString() } : {}),
    },
  });
  const k = res.json;
  if (!k || typeof k.value !== 'string')
    throw new Error(
      `POST ${routes.base} answered ${res.status} without a key value: ${res.text.slice(0, 200)}`,
    );
  const expiresAt = k.expires_at ?? k.expiresAt ?? null;
  return { name: k.name, value: k.value, permissions: k.permissions, expiresAt };
}

export async function revokeKey(
  apiUrl: string,
  org: AdminOrg,
  key: AdminKey | string,
  routes: KeyRoutes = V1_KEY_ROUTES,
): Promise<void> {
  const name = typeof key === 'string' ? key : key.name;
  await adminCall(apiUrl, {
    method: 'DELETE',
    path: `${routes.base}/${encodeURIComponent(name)}`,
    key: org.apiKey,
  });
}
