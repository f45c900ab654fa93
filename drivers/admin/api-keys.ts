/**
 * Keys of one org, minted and revoked by a key of that org through the API's own key routes,
 * which the sim serves as well: `POST /api/api-keys` {name, permissions, expiresAt?} and
 * `DELETE /api/api-keys/{name}` (boxlite-ai/boxlite apps/api/src/api-key/api-key.controller.ts:37-74,
 * 135-149; camelCase `CreateApiKeyDto`, dto/create-api-key.dto.ts). A snake_case `expires_at`
 * would be ignored there (no whitelist in the ValidationPipe, main.ts:89-93), so it is never sent.
 */
import { randomBytes } from 'node:crypto';
import { adminCall } from './http.ts';
import type { AdminKey, AdminOrg, NewKeyOptions } from './types.ts';

/** What an e2e key may do with boxes (upstream `OrganizationResourcePermission`). */
export const BOX_PERMISSIONS = ['write:boxes', 'delete:boxes'];

/** `ApiKeyResponseDto` (dto/api-key-response.dto.ts): `expiresAt` only when one was asked. */
interface CreatedKey {
  name: string;
  permissions: string[];
  expiresAt?: string | null;
  value: string;
}

export async function mintKey(apiUrl: string, org: AdminOrg, opts: NewKeyOptions = {}): Promise<AdminKey> {
  const name = opts.name ?? `e2e-key-${randomBytes(4).toString('hex')}`;
  const res = await adminCall<CreatedKey>(apiUrl, {
    method: 'POST',
    path: '/api-keys',
    key: org.apiKey,
    body: {
      name,
      permissions: opts.permissions ?? BOX_PERMISSIONS,
      ...(opts.expiresAt ? { expiresAt: opts.expiresAt.toISOString() } : {}),
    },
  });
  const k = res.json;
  if (!k || typeof k.value !== 'string')
    throw new Error(`POST /api-keys answered ${res.status} without a key value: ${res.text.slice(0, 200)}`);
  return { name: k.name, value: k.value, permissions: k.permissions, expiresAt: k.expiresAt ?? null };
}

export async function revokeKey(apiUrl: string, org: AdminOrg, key: AdminKey | string): Promise<void> {
  const name = typeof key === 'string' ? key : key.name;
  await adminCall(apiUrl, {
    method: 'DELETE',
    path: `/api-keys/${encodeURIComponent(name)}`,
    key: org.apiKey,
  });
}
