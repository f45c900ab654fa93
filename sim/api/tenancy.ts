/**
 * Queries behind tenancy administration: the keys of an org as upstream's `/api/api-keys` serves
 * them (apps/api/src/api-key/api-key.service.ts), their revocation, and the sim-only org admin
 * (quotas, delete). Plaintext keys are answered once and only their sha256 is stored.
 */
import { ADMIN_KEY_NAME, type Db, keyDisplay, type Quotas, quotaParams, sha256 } from './db.ts';
import { ApiError } from './errors.ts';
import { newApiKey } from './ids.ts';
import type { Org } from './store.ts';

/** One key row: upstream's `ApiKey` entity (apps/api/src/api-key/api-key.entity.ts) less the hash. */
export interface KeyRow {
  name: string;
  permissions: string[];
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  key_prefix: string;
  key_suffix: string;
}

const KEY_COLS = 'name, label, created_at, expires_at, last_used_at, key_prefix, key_suffix';
type KeySql = Omit<KeyRow, 'permissions'> & { label: string };
const toRow = ({ label, ...k }: KeySql): KeyRow => ({ ...k, permissions: permissionsOf(label) });

/**
 * The user a key belongs to. The sim has no users: an org's keys are its owner's, the admin
 * org's are upstream's seeded admin user's (`BOXLITE_ADMIN_USER_ID`, apps/api/src/app.service.ts:21).
 */
export const ownerOf = (org: Org): string => (org.is_admin ? ADMIN_KEY_NAME : `${org.id}-owner`);

/**
 * Mints a named key in `orgId`. A live key of that name is 409 with upstream's message
 * (api-key.service.ts:49-52; an expired key keeps its name until deleted).
 */
export async function mintNamedKey(
  db: Db,
  orgId: string,
  name: string,
  permissions: string[],
  expiresAt: Date | null,
): Promise<KeyRow & { value: string }> {
  const value = newApiKey();
  const hash = sha256(value);
  try {
    const r = await db.query<KeySql>(
      `INSERT INTO api_keys (id, org_id, key_sha256, label, name, expires_at, key_prefix, key_suffix)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${KEY_COLS}`,
      [
        `key_${hash.slice(0, 12)}`,
        orgId,
        hash,
        JSON.stringify(permissions),
        name,
        expiresAt,
        ...keyDisplay(value),
      ],
    );
    return { ...toRow(r.rows[0] as KeySql), value };
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      throw new ApiError('already_exists', 'API key with this name already exists');
    throw err;
  }
}

/** A key's permissions, stored as a JSON list in its label; seeded keys hold none (main.ts:261). */
export const permissionsOf = (label: string): string[] => {
  try {
    const v = JSON.parse(label) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

/**
 * The org's keys, expired ones included (they stay until deleted), in upstream's order: last
 * used first, never-used last, then newest (api-key.service.ts:100-113).
 */
export async function listKeys(db: Db, orgId: string): Promise<KeyRow[]> {
  const r = await db.query<KeySql>(
    `SELECT ${KEY_COLS} FROM api_keys WHERE org_id = $1 AND name IS NOT NULL AND revoked_at IS NULL
     ORDER BY last_used_at DESC NULLS LAST, created_at DESC`,
    [orgId],
  );
  return r.rows.map(toRow);
}

/** The org's live key of that name, or null (api-key.service.ts:115-129). */
export async function findKey(db: Db, orgId: string, name: string): Promise<KeyRow | null> {
  const r = await db.query<KeySql>(
    `SELECT ${KEY_COLS} FROM api_keys WHERE org_id = $1 AND name = $2 AND revoked_at IS NULL`,
    [orgId, name],
  );
  return r.rows[0] ? toRow(r.rows[0]) : null;
}

/**
 * Revokes the org's live key of that name; false when there is none. Upstream deletes the row
 * (api-key.service.ts:145-153); the sim keeps it revoked so bug stale-key-accepted can find it.
 */
export async function revokeNamedKey(db: Db, orgId: string, name: string): Promise<boolean> {
  const r = await db.query(
    'UPDATE api_keys SET revoked_at = now() WHERE org_id = $1 AND name = $2 AND revoked_at IS NULL',
    [orgId, name],
  );
  return (r.rowCount ?? 0) > 0;
}

/** A live, non-admin org by id, or null. */
export async function findOrg(db: Db, orgId: string): Promise<Org | null> {
  const r = await db.query<Org>(
    `SELECT id, name, path_prefix, is_admin, max_cpus, max_memory_mib, max_disk_gb, max_total_cpus,
            max_total_memory_mib, max_boxes
     FROM orgs WHERE id = $1 AND deleted_at IS NULL`,
    [orgId],
  );
  return r.rows[0] ?? null;
}

export async function setOrgQuotas(db: Db, orgId: string, q: Quotas): Promise<void> {
  await db.query(
    `UPDATE orgs SET max_cpus = $2, max_memory_mib = $3, max_disk_gb = $4, max_total_cpus = $5,
       max_total_memory_mib = $6, max_boxes = $7 WHERE id = $1`,
    [orgId, ...quotaParams(q)],
  );
}

/**
 * Deletes an org that holds no live box: its keys are revoked and the row is marked deleted
 * (kept, so removed boxes and executions still have their org). Live boxes → invalid_state.
 */
export async function deleteOrg(db: Db, orgId: string): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM orgs WHERE id = $1 FOR UPDATE', [orgId]);
    const live = await client.query<{ n: number }>(
      'SELECT count(*)::bigint AS n FROM boxes WHERE org_id = $1 AND deleted_at IS NULL',
      [orgId],
    );
    const n = live.rows[0]?.n ?? 0;
    if (n > 0)
      throw new ApiError('invalid_state', `org ${orgId} still has ${n} live box(es); remove them first`);
    await client.query('UPDATE api_keys SET revoked_at = now() WHERE org_id = $1 AND revoked_at IS NULL', [
      orgId,
    ]);
    await client.query('UPDATE orgs SET deleted_at = now() WHERE id = $1', [orgId]);
    // The catalog is the org's: nobody can read it any more, so it goes with the org.
    await client.query('DELETE FROM image_refs WHERE org_id = $1', [orgId]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
