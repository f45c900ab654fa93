/** Queries over orgs, keys, boxes and executions. Handlers never write SQL themselves. */
import { randomBytes } from 'node:crypto';
import { type Db, keyDisplay, type Quotas, quotaParams, sha256 } from './db.ts';
import { ApiError } from './errors.ts';
import { newApiKey } from './ids.ts';
import { type KeyRow, ownerOf, permissionsOf } from './tenancy.ts';

export interface Org extends Quotas {
  id: string;
  name: string;
  path_prefix: string;
  is_admin: boolean;
}

export interface Principal {
  org: Org;
  keyId: string;
  /** The key's row as read when it authenticated (`GET /api/api-keys/current` shows it). */
  key: KeyRow;
  expiresAt: Date | null;
  /** The key's user: the org's owner, or upstream's admin user in the admin org (tenancy.ts). */
  userId: string;
  /** Upstream's SystemRole.ADMIN (the admin org's key) or the org's OWNER: no org has other members. */
  role: 'admin' | 'owner';
}

export interface NewBox {
  id: string;
  name: string | null;
  image: string;
  image_ref: string;
  cpus: number;
  memory_mib: number;
  disk_size_gb: number;
  spec: Record<string, unknown>;
}

export interface BoxRow extends NewBox {
  org_id: string;
  status: string;
  pid: number | null;
  /** The main command's exit code once it exited (boxes created with a command). */
  exit_code: number | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

const ORG_COLS =
  'o.id, o.name, o.path_prefix, o.is_admin, o.max_cpus, o.max_memory_mib, o.max_disk_gb, o.max_total_cpus, o.max_total_memory_mib, o.max_boxes';

/** `acceptStale` is bug stale-key-accepted: revoked and expired keys still authenticate. */
export async function findPrincipal(db: Db, key: string, acceptStale = false): Promise<Principal | null> {
  // A revoked or expired key, or one of a deleted org, is no key at all: the caller cannot tell
  // it from one that never existed (upstream CombinedAuthGuard answers every such key alike).
  const r = await db.query<Org & KeySql & { key_id: string; key_name: string | null }>(
    `SELECT ${ORG_COLS}, k.id AS key_id, k.name AS key_name, k.label, k.created_at, k.expires_at,
            k.last_used_at, k.key_prefix, k.key_suffix
     FROM api_keys k JOIN orgs o ON o.id = k.org_id
     WHERE k.key_sha256 = $1 AND ($2 OR (k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())))
       AND o.deleted_at IS NULL
     ORDER BY k.revoked_at IS NULL DESC LIMIT 1`,
    [sha256(key), acceptStale],
  );
  const row = r.rows[0];
  if (!row) return null;
  const { key_id, key_name, label, created_at, expires_at, last_used_at, key_prefix, key_suffix, ...org } =
    row;
  const permissions = permissionsOf(label);
  const keyRow = {
    name: key_name ?? key_id,
    permissions,
    created_at,
    expires_at,
    last_used_at,
    key_prefix,
    key_suffix,
  };
  return {
    org,
    keyId: key_id,
    key: keyRow,
    expiresAt: expires_at,
    userId: ownerOf(org),
    role: org.is_admin ? 'admin' : 'owner',
  };
}

type KeySql = Omit<KeyRow, 'permissions' | 'name'> & { label: string };

/**
 * Records a use of the key, at most every 10 s: upstream stamps lastUsedAt on every API-key
 * authentication behind a 10-second Redis cooldown (api-key.strategy.ts:107,
 * api-key.service.ts:155-174).
 */
export async function touchKey(db: Db, keyId: string): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = now()
     WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '10 seconds')`,
    [keyId],
  );
}

/** Sim-only: creates an org (or updates its quotas) and mints a fresh key for it. */
export async function upsertOrgWithKey(
  db: Db,
  prefix: string,
  name: string,
  q: Quotas,
): Promise<{ org: Org; apiKey: string }> {
  const id = `org_${randomBytes(6).toString('hex')}`;
  const r = await db.query<Org>(
    `INSERT INTO orgs AS o (id, name, path_prefix, max_cpus, max_memory_mib, max_disk_gb, max_total_cpus, max_total_memory_mib, max_boxes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (path_prefix) DO UPDATE SET name = EXCLUDED.name, max_cpus = EXCLUDED.max_cpus,
       max_memory_mib = EXCLUDED.max_memory_mib, max_disk_gb = EXCLUDED.max_disk_gb, max_total_cpus = EXCLUDED.max_total_cpus,
       max_total_memory_mib = EXCLUDED.max_total_memory_mib, max_boxes = EXCLUDED.max_boxes
     WHERE NOT o.is_admin AND o.deleted_at IS NULL
     RETURNING ${ORG_COLS}`,
    [id, name, prefix, ...quotaParams(q)],
  );
  const org = r.rows[0];
  // No row back means the conflict hit the admin org or a deleted one, which the update clause skips.
  if (!org) throw new ApiError('invalid_argument', 'the admin org or a deleted org cannot be redefined');
  const apiKey = newApiKey();
  const hash = sha256(apiKey);
  const keyId = `key_${hash.slice(0, 12)}`;
  // Every upstream key has a name (api-key.entity.ts:21-22); the sim's org key takes its row id.
  await db.query(
    `INSERT INTO api_keys (id, org_id, key_sha256, label, name, key_prefix, key_suffix)
     VALUES ($1, $2, $3, 'sim-admin', $1, $4, $5)`,
    [keyId, org.id, hash, ...keyDisplay(apiKey)],
  );
  return { org, apiKey };
}

/**
 * By id first, then by live name, both within the caller's org; soft-deleted rows only when
 * asked (bug exec-removed-500). `anyOrgById` is bug cross-org-box-lookup: an id resolves in
 * every org (names stay scoped), so another tenant's box answers as if it were the caller's.
 */
export async function findBox(
  db: Db,
  orgId: string,
  idOrName: string,
  includeDeleted = false,
  anyOrgById = false,
): Promise<BoxRow | null> {
  const r = await db.query<BoxRow>(
    `SELECT * FROM boxes WHERE ((org_id = $1 AND (id = $2 OR name = $2)) OR ($4 AND id = $2))
       AND ($3 OR deleted_at IS NULL)
     ORDER BY (id = $2) DESC, (deleted_at IS NULL) DESC, created_at DESC LIMIT 1`,
    [orgId, idOrName, includeDeleted, anyOrgById],
  );
  return r.rows[0] ?? null;
}

export async function listBoxes(db: Db, orgId: string): Promise<BoxRow[]> {
  const r = await db.query<BoxRow>(
    'SELECT * FROM boxes WHERE org_id = $1 AND deleted_at IS NULL ORDER BY created_at, id',
    [orgId],
  );
  return r.rows;
}

/**
 * Inserts the row (status 'configured') after checking the org totals under a row lock on
 * the org, so parallel creates cannot overshoot max_boxes / max_total_*.
 */
export async function reserveBox(db: Db, org: Org, box: NewBox): Promise<BoxRow> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM orgs WHERE id = $1 FOR UPDATE', [org.id]);
    const t = await client.query<{ n: number; cpus: number; mem: number }>(
      `SELECT count(*)::bigint AS n, coalesce(sum(cpus), 0)::bigint AS cpus, coalesce(sum(memory_mib), 0)::bigint AS mem
       FROM boxes WHERE org_id = $1 AND deleted_at IS NULL`,
      [org.id],
    );
    const used = t.rows[0] ?? { n: 0, cpus: 0, mem: 0 };
    if (used.n + 1 > org.max_boxes)
      throw exhausted(`box count quota reached (${used.n} of max_boxes ${org.max_boxes})`);
    if (used.cpus + box.cpus > org.max_total_cpus) {
      throw exhausted(
        `total cpus quota exceeded: ${used.cpus} in use + ${box.cpus} requested > max_total_cpus ${org.max_total_cpus}`,
      );
    }
    if (used.mem + box.memory_mib > org.max_total_memory_mib) {
      throw exhausted(
        `total memory quota exceeded: ${used.mem} MiB in use + ${box.memory_mib} requested > max_total_memory_mib ${org.max_total_memory_mib}`,
      );
    }
    const r = await client.query<BoxRow>(
      `INSERT INTO boxes (id, org_id, name, image, image_ref, cpus, memory_mib, disk_size_gb, status, spec)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'configured', $9) RETURNING *`,
      [
        box.id,
        org.id,
        box.name,
        box.image,
        box.image_ref,
        box.cpus,
        box.memory_mib,
        box.disk_size_gb,
        JSON.stringify(box.spec),
      ],
    );
    await client.query('COMMIT');
    return r.rows[0] as BoxRow;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    if ((err as { code?: string }).code === '23505') {
      throw new ApiError('already_exists', `a box named ${JSON.stringify(box.name)} already exists`);
    }
    throw err;
  } finally {
    client.release();
  }
}

const exhausted = (m: string) => new ApiError('resource_exhausted', m);

export interface BoxState {
  status: string;
  pid: number | null;
  exitCode?: number | null;
}

export async function setBoxState(db: Db, id: string, st: BoxState): Promise<BoxRow> {
  const r = await db.query<BoxRow>(
    'UPDATE boxes SET status = $2, pid = $3, exit_code = $4, updated_at = now() WHERE id = $1 RETURNING *',
    [id, st.status, st.pid, st.exitCode ?? null],
  );
  return r.rows[0] as BoxRow;
}

/**
 * Live rows whose state can change without a request, for the lifecycle sweep: boxes whose own
 * main command may still exit (configured or running), and boxes at rest with an auto-delete
 * deadline. A stopped box without a deadline stays as it is, so it costs the sweep nothing.
 */
export async function boxesToSweep(db: Db): Promise<BoxRow[]> {
  const r = await db.query<BoxRow>(
    `SELECT * FROM boxes WHERE deleted_at IS NULL AND (
       ((spec->>'main') = 'true' AND status IN ('configured', 'running', 'stopping'))
       OR (coalesce((spec->>'auto_delete')::bigint, 0) > 0 AND status IN ('stopped', 'failed')))`,
  );
  return r.rows;
}

/** A create the runner refused: kept (for boxes_failed_total) but invisible and name-free. */
export async function markCreateFailed(db: Db, id: string): Promise<void> {
  await db.query(
    `UPDATE boxes SET status = 'failed', pid = NULL, updated_at = now(), deleted_at = now() WHERE id = $1`,
    [id],
  );
}

export async function softDeleteBox(db: Db, id: string): Promise<void> {
  await db.query(`UPDATE boxes SET pid = NULL, updated_at = now(), deleted_at = now() WHERE id = $1`, [id]);
}

export async function recordExecution(
  db: Db,
  e: { id: string | null; boxId: string; orgId: string; command: string },
): Promise<void> {
  const failed = e.id === null;
  await db.query(
    'INSERT INTO executions (id, box_id, org_id, command, failed) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING',
    [e.id ?? `failed_${randomBytes(8).toString('hex')}`, e.boxId, e.orgId, e.command.slice(0, 4096), failed],
  );
}

/**
 * Runtime metrics. The SDK computes running = created − failed − stopped, so "stopped"
 * counts every created box that is not running now (stopped or removed).
 */
export async function runtimeMetrics(db: Db, orgId: string): Promise<Record<string, number>> {
  const b = await db.query<{ created: number; failed: number; stopped: number; running: number }>(
    `SELECT count(*)::bigint AS created,
            count(*) FILTER (WHERE status = 'failed')::bigint AS failed,
            count(*) FILTER (WHERE status <> 'failed' AND (deleted_at IS NOT NULL OR status <> 'running'))::bigint AS stopped,
            count(*) FILTER (WHERE status = 'running' AND deleted_at IS NULL)::bigint AS running
     FROM boxes WHERE org_id = $1`,
    [orgId],
  );
  const e = await db.query<{ total: number; errors: number }>(
    `SELECT count(*)::bigint AS total, count(*) FILTER (WHERE failed)::bigint AS errors FROM executions WHERE org_id = $1`,
    [orgId],
  );
  const bm = b.rows[0] ?? { created: 0, failed: 0, stopped: 0, running: 0 };
  const em = e.rows[0] ?? { total: 0, errors: 0 };
  return {
    boxes_created_total: bm.created,
    boxes_failed_total: bm.failed,
    boxes_stopped_total: bm.stopped,
    num_running_boxes: bm.running,
    total_commands_executed: em.total,
    total_exec_errors: em.errors,
  };
}
