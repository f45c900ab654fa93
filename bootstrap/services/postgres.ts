/** Postgres as the stack uses it: one role, one database, password auth over TCP. */
import pg from 'pg';
import type { Endpoint } from '../../kernel/stack-file.ts';

export const PG_USER = 'boxlite';
export const PG_DATABASE = 'boxlite_e2e';
export const PG_CREDENTIALS = { password: 'DB_PASSWORD' } as const;

export const postgresUrl = (e: Endpoint) => `postgres://${PG_USER}@${e.host}:${e.port}/${PG_DATABASE}`;

export function postgresClientConfig(e: Endpoint, password: string, database = PG_DATABASE): pg.ClientConfig {
  return { host: e.host, port: e.port, user: PG_USER, password, database, connectionTimeoutMillis: 2000 };
}

/** Real health check: authenticate and run `SELECT 1`; returns the server version. */
export async function probePostgres(e: Endpoint, password: string, database = PG_DATABASE): Promise<string> {
  const client = new pg.Client(postgresClientConfig(e, password, database));
  client.on('error', () => {});
  try {
    await client.connect();
    const res = await client.query<{ one: number; v: string }>('SELECT 1 AS one, current_setting($1) AS v', [
      'server_version',
    ]);
    if (res.rows[0]?.one !== 1) throw new Error('SELECT 1 returned no row');
    return res.rows[0].v;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates the stack database when missing (first boot); connects to the maintenance DB. */
export async function ensureDatabase(e: Endpoint, password: string): Promise<void> {
  const client = new pg.Client(postgresClientConfig(e, password, 'postgres'));
  client.on('error', () => {});
  try {
    await client.connect();
    const res = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [PG_DATABASE]);
    if (res.rowCount === 0) await client.query(`CREATE DATABASE ${PG_DATABASE} OWNER ${PG_USER}`);
  } finally {
    await client.end().catch(() => {});
  }
}
