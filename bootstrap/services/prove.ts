/**
 * Proof that provisioned services really work, beyond a health probe: a row written and
 * read back, a key set and got, a blob pushed to the registry and pulled back by digest.
 * Used by provider self-tests; `marker` lets a later proof check data survived a restart.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { request } from 'undici';
import type { Secrets } from '../../kernel/secrets.ts';
import type { Endpoint } from '../../kernel/stack-file.ts';
import { postgresClientConfig } from './postgres.ts';
import { registryUrl } from './registry.ts';

export async function provePostgres(e: Endpoint, secrets: Secrets, marker: string): Promise<string[]> {
  const client = new pg.Client(postgresClientConfig(e, secrets.DB_PASSWORD));
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS e2e_proof (marker text PRIMARY KEY)');
    await client.query('INSERT INTO e2e_proof (marker) VALUES ($1) ON CONFLICT DO NOTHING', [marker]);
    const res = await client.query<{ marker: string }>('SELECT marker FROM e2e_proof ORDER BY marker');
    return res.rows.map((r) => r.marker);
  } finally {
    await client.end();
  }
}

export async function readPostgresMarkers(e: Endpoint, secrets: Secrets): Promise<string[]> {
  const client = new pg.Client(postgresClientConfig(e, secrets.DB_PASSWORD));
  await client.connect();
  try {
    const exists = await client.query("SELECT to_regclass('e2e_proof') AS t");
    if (!exists.rows[0]?.t) return [];
    const res = await client.query<{ marker: string }>('SELECT marker FROM e2e_proof ORDER BY marker');
    return res.rows.map((r) => r.marker);
  } finally {
    await client.end();
  }
}

export async function proveRedis(e: Endpoint, marker: string): Promise<string | null> {
  const client = new Redis({ host: e.host, port: e.port, maxRetriesPerRequest: 1 });
  try {
    await client.set(`e2e:proof:${marker}`, marker);
    return await client.get(`e2e:proof:${marker}`);
  } finally {
    client.disconnect();
  }
}

/** Monolithic blob upload (POST then PUT ?digest) and a GET back; returns the pulled bytes' digest. */
export async function proveRegistry(
  e: Endpoint,
  marker: string,
): Promise<{ pushed: string; pulled: string }> {
  const base = registryUrl(e);
  const body = Buffer.from(`boxlite-e2e proof ${marker}`);
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const start = await request(`${base}/v2/e2e/proof/blobs/uploads/`, { method: 'POST' });
  await start.body.dump();
  if (start.statusCode !== 202) throw new Error(`upload start answered ${start.statusCode}`);
  const location = new URL(String(start.headers.location), base);
  location.searchParams.set('digest', digest);
  const put = await request(location, {
    method: 'PUT',
    body,
    headers: { 'content-type': 'application/octet-stream' },
  });
  await put.body.dump();
  if (put.statusCode !== 201) throw new Error(`blob PUT answered ${put.statusCode}`);
  const get = await request(`${base}/v2/e2e/proof/blobs/${digest}`);
  const pulled = Buffer.from(await get.body.arrayBuffer());
  return { pushed: digest, pulled: `sha256:${createHash('sha256').update(pulled).digest('hex')}` };
}
