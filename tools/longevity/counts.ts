/**
 * What a long-lived sim stack holds, counted straight from where it lives (Postgres, the
 * Docker engine, the registry) rather than through the API, so a row or container the API
 * no longer shows is counted too. Live = what a client can still reach; total = every row.
 */
import pg from 'pg';
import { PG_DATABASE, PG_USER } from '../../bootstrap/services/postgres.ts';
import { listRepositories } from '../../bootstrap/services/registry.ts';
import { dockerClient } from '../../kernel/docker.ts';
import { readSecrets } from '../../kernel/secrets.ts';
import type { StackFile } from '../../kernel/stack-file.ts';
import { LABEL_RUNNER } from '../../sim/runner/box-spec.ts';
import { runnerIdFor } from '../../sim/runner/config.ts';
import { SNAP_REPO } from '../../sim/runner/snapshots.ts';

export interface ResourceCounts {
  /** Image catalog rows of live orgs, and of every org. */
  catalogRows: number;
  catalogRowsTotal: number;
  /** Live (unrevoked) keys of live orgs; live orgs. */
  keys: number;
  orgs: number;
  /** Boxes the API still lists (not removed). */
  boxes: number;
  /** The sim runner's Docker containers (boxes), volumes and snapshot images. */
  containers: number;
  volumes: number;
  snapshots: number;
  /** Every image the runner made or pulled from the stack registry. */
  runnerImages: number;
  registryRepos: number;
}

const SQL = {
  catalogRows: `SELECT count(*) FROM image_refs i JOIN orgs o ON o.id = i.org_id WHERE o.deleted_at IS NULL`,
  catalogRowsTotal: 'SELECT count(*) FROM image_refs',
  keys: `SELECT count(*) FROM api_keys k JOIN orgs o ON o.id = k.org_id WHERE k.revoked_at IS NULL AND o.deleted_at IS NULL`,
  orgs: 'SELECT count(*) FROM orgs WHERE deleted_at IS NULL',
  boxes: 'SELECT count(*) FROM boxes WHERE deleted_at IS NULL',
} as const;

async function sqlCounts(stack: StackFile): Promise<Record<keyof typeof SQL, number>> {
  const postgres = stack.services.postgres!;
  const secrets = await readSecrets(stack.secretsFile);
  const client = new pg.Client({
    host: postgres.endpoint.host,
    port: postgres.endpoint.port,
    user: PG_USER,
    password: secrets.DB_PASSWORD,
    database: PG_DATABASE,
  });
  await client.connect();
  try {
    const out = {} as Record<keyof typeof SQL, number>;
    for (const [key, sql] of Object.entries(SQL))
      out[key as keyof typeof SQL] = Number((await client.query<{ count: string }>(sql)).rows[0]?.count ?? 0);
    return out;
  } finally {
    await client.end();
  }
}

export async function countResources(stack: StackFile, dockerHost: string): Promise<ResourceCounts> {
  const docker = dockerClient(dockerHost, 30_000);
  const mine = JSON.stringify({ label: [`${LABEL_RUNNER}=${runnerIdFor(stack.stateDir)}`] });
  const registry = stack.services.registry!;
  const [sql, containers, volumes, images, repos] = await Promise.all([
    sqlCounts(stack),
    docker.listContainers({ all: true, filters: mine }),
    docker.listVolumes({ filters: mine }),
    docker.listImages({ filters: mine }),
    listRepositories(registry.endpoint),
  ]);
  const pulled = await docker.listImages({
    filters: { reference: [`${registry.endpoint.host}:${registry.endpoint.port}/*/*`] },
  });
  return {
    ...sql,
    containers: containers.length,
    volumes: (volumes.Volumes ?? []).length,
    snapshots: images.filter((i) => (i.RepoTags ?? []).some((t) => t.startsWith(`${SNAP_REPO}:`))).length,
    runnerImages: images.length + pulled.length,
    registryRepos: repos.length,
  };
}
