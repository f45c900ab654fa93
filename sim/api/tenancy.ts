/**
 * Queries behind tenancy administration: named keys minted by a key of the same org (the
 * tenant-facing `POST /v1/api-keys`), their revocation, and the sim-only org admin (quotas,
 * delete). Plaintext keys are answered once and only their sha256 is stored.
 */
import { type Db, type Quotas, quotaParams, sha256 } from './db.ts';
import { ApiError } from './errors.ts';
import { newApiKey } from './ids.ts';
import type { Org } from './store.ts';

export interface KeyRow {
  name: string;
  permissions: string[];
  created_at: Date;
  expires_at: Date | null;
}

/** Mints a named key in `orgId`; a live key of that name is a conflict. */
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
    const r = await db.query<{ created_at: Date }>(
      `INSERT INTO api_keys (id, org_id, key_sha256, label, name, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING created_at`,
      [`key_${hash.slice(0, 12)}`, orgId, hash, JSON.stringify(permissions), name, expiresAt],
    );
    return {
      name,
      permissions,
      created_at: (r.rows[0] as { created_at: Date }).created_at,
      expires_at: expiresAt,
      value,
    };
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      throw new ApiError('already_exists', `an api key named ${JSON.stringify(name)} already exists`);
    throw err;
  }
}

const permissionsOf = (label: string): string[] => {
  try {
    const v = JSON.parse(label) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

/** The org's live named keys (expired ones included: they are listed until revoked). */
export async function listNamedKeys(db: Db, orgId: string): Promise<KeyRow[]> {
  const r = await db.query<{ name: string; label: string; created_at: Date; expires_at: Date | null }>(
    `SELECT name, label, created_at, expires_at FROM api_keys
     WHERE org_id = $1 AND name IS NOT NULL AND revoked_at IS NULL ORDER BY created_at, name`,
    [orgId],
  );
  return r.rows.map((k) => ({ ...k, permissions: permissionsOf(k.label) }));
}

/** Revokes the org's live key of that name; false when there is none. */
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
