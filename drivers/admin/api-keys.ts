/**
 * Keys of one org, minted and revoked the same way on the sim and the real API: a key of the
 * org calls the tenant-facing `POST /v1/api-keys` / `DELETE /v1/api-keys/{name}` (upstream
 * apps/api/src/boxlite-rest/boxlite-api-key.controller.ts; sim/api/routes/api-keys.ts).
 */
import { randomBytes } from 'node:crypto';
import { adminCall } from './http.ts';
import type { AdminKey, AdminOrg, NewKeyOptions } from './types.ts';

/** What an e2e key may do with boxes (upstream `OrganizationResourcePermission`). */
export const BOX_PERMISSIONS = ['write:boxes', 'delete:boxes'];

interface CreatedKey {
  name: string;
  permissions: string[];
  expires_at: string | null;
  value: string;
}

export async function mintKey(apiUrl: string, org: AdminOrg, opts: NewKeyOptions = {}): Promise<AdminKey> {
  const name = opts.name ?? `e2e-key-${randomBytes(4).toString('hex')}`;
  const res = await adminCall<CreatedKey>(apiUrl, {
    method: 'POST',
    path: '/v1/api-keys',
    key: org.apiKey,
    body: {
      name,
      permissions: opts.permissions ?? BOX_PERMISSIONS,
      ...(opts.expiresAt ? { expires_at: opts.expiresAt.toISOString() } : {}),
    },
  });
  const k = res.json;
  if (!k || typeof k.value !== 'string')
    throw new Error(
      `POST /v1/api-keys answered ${res.status} without a key value: ${res.text.slice(0, 200)}`,
    );
  return { name: k.name, value: k.value, permissions: k.permissions, expiresAt: k.expires_at ?? null };
}

export async function revokeKey(apiUrl: string, org: AdminOrg, key: AdminKey | string): Promise<void> {
  const name = typeof key === 'string' ? key : key.name;
  await adminCall(apiUrl, {
    method: 'DELETE',
    path: `/v1/api-keys/${encodeURIComponent(name)}`,
    key: org.apiKey,
  });
}
