/**
 * The ONE place tests find a stack. Prefers the real bootstrap stack (<repo>/.e2e-state/
 * stack.json); without it, builds a dev stack over the dev services (Postgres :55432 with
 * its own role, Redis :56379, registry :55000). Either way each caller gets its own
 * derived stack file whose stateDir is a temp dir, so the runner it spawns labels its
 * containers apart from any long-running stack runner.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from '../../../bootstrap/core/paths.ts';
import { formatSecrets, mintSecrets, readSecrets, type Secrets } from '../../../bootstrap/core/secrets.ts';
import {
  readStackFile,
  type ServiceRecord,
  STACK_SCHEMA,
  STACK_VERSION,
  type StackFile,
} from '../../../bootstrap/core/stack-file.ts';

export const REAL_STACK_FILE = join(REPO_ROOT, '.e2e-state', 'stack.json');
const DEV_DIR = join(tmpdir(), 'boxlite-sim-api-dev');
const DEV = {
  pg: { host: '127.0.0.1', port: 55432, superUser: 'boxlite', superPassword: 'devpass' },
  redis: { host: '127.0.0.1', port: 56379 },
  registry: { host: '127.0.0.1', port: 55000 },
  role: 'boxlite_sim_api',
  database: 'boxlite_sim_api_dev',
};

export interface TestStack {
  source: 'stack' | 'dev';
  /** Derived stack file for processes this test spawns. */
  stackFile: string;
  stateDir: string;
  secrets: Secrets;
  /** "host:port" of the registry. */
  registry: string;
  /** Postgres connection for direct assertions (e.g. keys are stored hashed). */
  pg: pg.ClientConfig;
}

export async function testStack(): Promise<TestStack> {
  const base = existsSync(REAL_STACK_FILE) ? await readStackFile(REAL_STACK_FILE) : null;
  const stack = base ?? (await devStack());
  const stateDir = await mkdtemp(join(tmpdir(), 'sim-api-test-'));
  const derived: StackFile = { ...stack, stateDir };
  const stackFile = join(stateDir, 'stack.json');
  await writeFile(stackFile, `${JSON.stringify(derived, null, 2)}\n`);
  const secrets = await readSecrets(stack.secretsFile);
  const p = stack.services.postgres;
  const r = stack.services.registry;
  if (!p || !r) throw new Error('stack lacks postgres or registry');
  const u = new URL(p.url);
  return {
    source: base ? 'stack' : 'dev',
    stackFile,
    stateDir,
    secrets,
    registry: `${r.endpoint.host}:${r.endpoint.port}`,
    pg: {
      host: p.endpoint.host,
      port: p.endpoint.port,
      user: decodeURIComponent(u.username),
      password: secrets.DB_PASSWORD,
    },
  };
}

async function devStack(): Promise<StackFile> {
  await mkdir(DEV_DIR, { recursive: true });
  const secretsFile = join(DEV_DIR, 'secrets.env');
  if (!existsSync(secretsFile)) {
    await writeFile(secretsFile, formatSecrets(mintSecrets()), { mode: 0o600, flag: 'wx' }).catch(
      (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      },
    );
  }
  const secrets = await readSecrets(secretsFile);
  await ensureDevRole(secrets.DB_PASSWORD);
  const now = new Date().toISOString();
  const svc = (
    name: 'postgres' | 'redis' | 'registry',
    e: { host: string; port: number },
    url: string,
  ): ServiceRecord => ({
    name,
    endpoint: { host: e.host, port: e.port },
    url,
    credentials: name === 'postgres' ? { password: 'DB_PASSWORD' } : ({} as Record<string, string>),
    process: { kind: 'supervised' as const, supervisorPid: 1, pid: null },
    log: { kind: 'file' as const, path: '/dev/null' },
    dataDir: DEV_DIR,
    version: null,
    startedAt: now,
  });
  return {
    schema: STACK_SCHEMA,
    version: STACK_VERSION,
    provider: 'host',
    target: 'sim',
    stateDir: DEV_DIR,
    secretsFile,
    createdAt: now,
    updatedAt: now,
    services: {
      postgres: svc(
        'postgres',
        DEV.pg,
        `postgres://${DEV.role}@${DEV.pg.host}:${DEV.pg.port}/${DEV.database}`,
      ),
      redis: svc('redis', DEV.redis, `redis://${DEV.redis.host}:${DEV.redis.port}`),
      registry: svc('registry', DEV.registry, `http://${DEV.registry.host}:${DEV.registry.port}`),
    },
  };
}

/** The dev Postgres's password is not hex (secrets files only hold hex), so the sim gets its own role. */
async function ensureDevRole(password: string): Promise<void> {
  const c = new pg.Client({
    host: DEV.pg.host,
    port: DEV.pg.port,
    user: DEV.pg.superUser,
    password: DEV.pg.superPassword,
    database: 'postgres',
  });
  c.on('error', () => {});
  await c.connect();
  try {
    await c.query(`CREATE ROLE ${DEV.role} LOGIN CREATEDB`).catch((e: { code?: string }) => {
      if (e.code !== '42710' && e.code !== '23505') throw e;
    });
    await c.query(`ALTER ROLE ${DEV.role} PASSWORD '${password}'`);
  } finally {
    await c.end().catch(() => {});
  }
}

export async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}
