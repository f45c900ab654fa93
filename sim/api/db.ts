/**
 * Postgres connection and schema. The schema is created idempotently at boot under an
 * advisory lock (several sims may boot against one database at once) and versioned in
 * sim_api_migrations so later changes can append steps.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { ApiConfig } from './config.ts';

// bigint columns (memory, counts) are well inside 2^53; numbers are what callers want.
pg.types.setTypeParser(20, (v) => Number(v));

export const ADMIN_ORG_ID = 'org_admin';
export const ADMIN_PREFIX = 'default';

/** Default quotas: generous enough for the suite, small enough that 999 cpus is refused. */
export const DEFAULT_QUOTAS = {
  max_cpus: 8,
  max_memory_mib: 16384,
  max_disk_gb: 100,
  max_total_cpus: 512,
  max_total_memory_mib: 1048576,
  max_boxes: 500,
} as const;
export type Quotas = { -readonly [K in keyof typeof DEFAULT_QUOTAS]: number };

/** `q` as query parameters, in the orgs table's column order (max_cpus … max_boxes). */
export function quotaParams(q: Quotas): number[] {
  return [q.max_cpus, q.max_memory_mib, q.max_disk_gb, q.max_total_cpus, q.max_total_memory_mib, q.max_boxes];
}

const MIGRATIONS: string[] = [
  `CREATE TABLE orgs (
     id text PRIMARY KEY,
     name text NOT NULL,
     path_prefix text NOT NULL UNIQUE,
     is_admin boolean NOT NULL DEFAULT false,
     max_cpus integer NOT NULL,
     max_memory_mib bigint NOT NULL,
     max_disk_gb bigint NOT NULL,
     max_total_cpus integer NOT NULL,
     max_total_memory_mib bigint NOT NULL,
     max_boxes integer NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE api_keys (
     id text PRIMARY KEY,
     org_id text NOT NULL REFERENCES orgs(id),
     key_sha256 text NOT NULL UNIQUE,
     label text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     revoked_at timestamptz)`,
  `CREATE TABLE boxes (
     id text PRIMARY KEY,
     org_id text NOT NULL REFERENCES orgs(id),
     name text,
     image text NOT NULL,
     image_ref text NOT NULL,
     cpus integer NOT NULL,
     memory_mib bigint NOT NULL,
     disk_size_gb bigint NOT NULL,
     status text NOT NULL,
     pid integer,
     spec jsonb NOT NULL DEFAULT '{}',
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     deleted_at timestamptz)`,
  `CREATE UNIQUE INDEX boxes_org_name_live ON boxes (org_id, name) WHERE deleted_at IS NULL AND name IS NOT NULL`,
  `CREATE INDEX boxes_org_live ON boxes (org_id) WHERE deleted_at IS NULL`,
  `CREATE TABLE executions (
     id text PRIMARY KEY,
     box_id text NOT NULL REFERENCES boxes(id),
     org_id text NOT NULL REFERENCES orgs(id),
     command text NOT NULL,
     failed boolean NOT NULL DEFAULT false,
     created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE INDEX executions_org ON executions (org_id)`,
  // 0.11 Box JSON: the main command's exit code (boxes created with a command).
  `ALTER TABLE boxes ADD COLUMN exit_code integer`,
  // The image catalog (sim/api/image-catalog.ts): one row per reference an org has used.
  `CREATE TABLE image_refs (
     org_id text NOT NULL REFERENCES orgs(id),
     name text NOT NULL,
     tag text NOT NULL,
     digest text NOT NULL,
     size_bytes bigint NOT NULL,
     source_ref text NOT NULL,
     recorded_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (org_id, name, tag))`,
  // Tenant-facing keys (`POST /v1/api-keys`): named per org, optionally expiring; orgs can be deleted.
  `ALTER TABLE api_keys ADD COLUMN expires_at timestamptz`,
  `ALTER TABLE api_keys ADD COLUMN name text`,
  `CREATE UNIQUE INDEX api_keys_org_name_live ON api_keys (org_id, name) WHERE revoked_at IS NULL AND name IS NOT NULL`,
  `ALTER TABLE orgs ADD COLUMN deleted_at timestamptz`,
  // Upstream's key row (apps/api/src/api-key/api-key.entity.ts:22-51): every key has a name, a
  // display prefix and suffix for the masked value, and the time it was last used.
  `ALTER TABLE api_keys ADD COLUMN key_prefix text NOT NULL DEFAULT ''`,
  `ALTER TABLE api_keys ADD COLUMN key_suffix text NOT NULL DEFAULT ''`,
  `ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz`,
  `UPDATE api_keys SET name = CASE label WHEN 'admin-seed' THEN 'boxlite-admin' ELSE id END
     WHERE name IS NULL AND revoked_at IS NULL`,
];

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export type Db = pg.Pool;

/** Opens the pool, creating the database first when a dedicated --db-name does not exist yet. */
export async function openDb(cfg: ApiConfig['postgres']): Promise<Db> {
  const base = {
    host: cfg.host,
    port: cfg.port,
    user: cfg.user,
    password: cfg.password,
    connectionTimeoutMillis: 3000,
  };
  const probe = new pg.Client({ ...base, database: cfg.database });
  probe.on('error', () => {});
  try {
    await probe.connect();
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err;
    const admin = new pg.Client({ ...base, database: 'postgres' });
    admin.on('error', () => {});
    try {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${cfg.database}`).catch((e: { code?: string }) => {
        if (e.code !== '42P04') throw e; // created by a concurrent boot
      });
    } finally {
      await admin.end().catch(() => {});
    }
  } finally {
    await probe.end().catch(() => {});
  }
  const pool = new pg.Pool({ ...base, database: cfg.database, max: 20, idleTimeoutMillis: 10_000 });
  // A dropped idle client must not crash the process; queries surface their own errors.
  pool.on('error', () => {});
  return pool;
}

export async function migrate(db: Db): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['boxlite-sim-api-schema']);
    await client.query(
      'CREATE TABLE IF NOT EXISTS sim_api_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM sim_api_migrations');
    for (let v = (done.rows[0]?.v ?? 0) + 1; v <= MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v - 1] as string);
      await client.query('INSERT INTO sim_api_migrations (version) VALUES ($1)', [v]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Admin org + key from ADMIN_API_KEY, named as upstream seeds it (apps/api/src/app.service.ts:171-177:
 * `ensureApiKeyValue(org, user, 'boxlite-admin', [], admin.apiKey)`, which replaces a key of that
 * name holding another value, api-key.service.ts:87-95): a rotated key revokes the previous one.
 */
export async function seedAdmin(db: Db, adminKey: string): Promise<void> {
  const hash = sha256(adminKey);
  await db.query(
    `INSERT INTO orgs (id, name, path_prefix, is_admin, max_cpus, max_memory_mib, max_disk_gb, max_total_cpus, max_total_memory_mib, max_boxes)
     VALUES ($1, 'admin', $2, true, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
    [ADMIN_ORG_ID, ADMIN_PREFIX, ...quotaParams(DEFAULT_QUOTAS)],
  );
  await db.query(
    `UPDATE api_keys SET revoked_at = now()
     WHERE (label = 'admin-seed' OR (org_id = $2 AND name = $3)) AND key_sha256 <> $1 AND revoked_at IS NULL`,
    [hash, ADMIN_ORG_ID, ADMIN_KEY_NAME],
  );
  await db.query(
    `INSERT INTO api_keys (id, org_id, key_sha256, label, name, key_prefix, key_suffix)
     VALUES ($1, $2, $3, 'admin-seed', $4, $5, $6) ON CONFLICT (key_sha256) DO NOTHING`,
    [`key_${hash.slice(0, 12)}`, ADMIN_ORG_ID, hash, ADMIN_KEY_NAME, ...keyDisplay(adminKey)],
  );
}

/** The seeded admin key's name and its user's id (apps/api/src/app.service.ts:21). */
export const ADMIN_KEY_NAME = 'boxlite-admin';

/**
 * The masked value's ends (api-key.service.ts:33-39): upstream's `extractKeyDisplayPrefix`
 * (common/utils/api-key.ts) keeps `{prefix}_{class}_` or, for a value without two underscores
 * (the sim's hex keys), the first 3 characters; the suffix is the last 3.
 */
export function keyDisplay(value: string): [string, string] {
  const first = value.indexOf('_');
  const second = first === -1 ? -1 : value.indexOf('_', first + 1);
  return [second === -1 ? value.slice(0, 3) : value.slice(0, second + 1), value.slice(-3)];
}
