/**
 * The API env file (upstream `/etc/boxlite-api.env`, rewritten on every bootstrap since V2,
 * mode 0600 since V4) and the runner's inline environment (the unit's `Environment=` lines,
 * which win over the env file it also loads). Values follow docs/stack-bootstrap.md §2–3;
 * what differs on purpose: ports and service endpoints are this stack's (free ports, the
 * provider's Postgres role and database), and the secrets come from two 0600 files — the
 * stack's own (ADMIN_API_KEY, ENCRYPTION_KEY, RUNNER_TOKEN as DEFAULT_RUNNER_API_KEY) and the
 * recipe's (ENCRYPTION_SALT, PROXY_API_KEY), both minted once and reused.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { SetupError } from '../../kernel/errors.ts';

export interface EnvInputs {
  apiPort: number;
  runnerPort: number;
  /** RUNNER_DOMAIN / DEFAULT_RUNNER_DOMAIN (upstream: IMDS local-ipv4, else 127.0.0.1). */
  runnerDomain: string;
  db: { host: string; port: number; user: string; password: string; database: string };
  redis: { host: string; port: number };
  /** host:port of the stack registry. */
  registry: string;
  secrets: RecipeSecrets;
  homeDir: string;
  /** OIDC_ISSUER_BASE_URL: the API awaits its discovery document at start-up (oidc.ts). */
  oidcIssuer: string;
  /** name → reference of the stack's guest images: the API's curated-image gate admits them. */
  systemImages: [string, string][];
  /**
   * Fake checkouts only: where this harness's sim lives (their components delegate to it).
   * The env file is the one input both the fake and the real components read, so these
   * ride along in it; real components ignore unknown variables.
   */
  fake: Record<string, string>;
}

export interface RecipeSecrets {
  ENCRYPTION_KEY: string;
  ENCRYPTION_SALT: string;
  ADMIN_API_KEY: string;
  PROXY_API_KEY: string;
  DEFAULT_RUNNER_API_KEY: string;
}

/** The API's variables, in upstream's groups. */
export function apiEnv(i: EnvInputs): [string, string][] {
  const registryUrl = `http://${i.registry}`;
  const registry = (kind: string): [string, string][] => [
    [`${kind}_REGISTRY_URL`, registryUrl],
    [`${kind}_REGISTRY_ADMIN`, 'admin'],
    [`${kind}_REGISTRY_PASSWORD`, 'Harbor12345'],
    [`${kind}_REGISTRY_PROJECT_ID`, 'boxlite'],
  ];
  return [
    ['NODE_ENV', 'development'],
    ['PORT', String(i.apiPort)],
    ['ENVIRONMENT', 'production'],
    ['RUN_MIGRATIONS', 'true'],
    ['VERSION', '0.1.0'],
    ['SKIP_CONNECTIONS', 'false'],
    // One pino-http line per request (method, url, status): the path guard's API side.
    ['LOG_REQUESTS_ENABLED', 'true'],
    ['AWS_REGION', 'us-east-1'],
    ['DEFAULT_REGION_ENFORCE_QUOTAS', 'false'],
    ['DEFAULT_SNAPSHOT', 'ubuntu:22.04'],
    ['DB_HOST', i.db.host],
    ['DB_PORT', String(i.db.port)],
    ['DB_USERNAME', i.db.user],
    ['DB_PASSWORD', i.db.password],
    ['DB_DATABASE', i.db.database],
    ['REDIS_HOST', i.redis.host],
    ['REDIS_PORT', String(i.redis.port)],
    ['REDIS_PASSWORD', ''],
    ['REDIS_TLS', 'false'],
    ['ENCRYPTION_KEY', i.secrets.ENCRYPTION_KEY],
    ['ENCRYPTION_SALT', i.secrets.ENCRYPTION_SALT],
    ['OIDC_CLIENT_ID', 'boxlite'],
    ['OIDC_AUDIENCE', 'boxlite'],
    ['OIDC_ISSUER_BASE_URL', i.oidcIssuer],
    ...[
      'S3_ENDPOINT',
      'S3_STS_ENDPOINT',
      'S3_REGION',
      'S3_ACCESS_KEY',
      'S3_SECRET_KEY',
      'S3_DEFAULT_BUCKET',
      'S3_ACCOUNT_ID',
      'S3_ROLE_NAME',
    ].map((k): [string, string] => [k, '']),
    ['VOLUME_BUCKET_PREFIX', 'boxlite-e2e-volume-'],
    ['PROXY_DOMAIN', 'localhost:3001'],
    ['PROXY_PROTOCOL', 'http'],
    ['PROXY_TEMPLATE_URL', 'http://localhost:3001'],
    ['PROXY_API_KEY', i.secrets.PROXY_API_KEY],
    ['ADMIN_API_KEY', i.secrets.ADMIN_API_KEY],
    ['ADMIN_MAX_CPU_PER_BOX', '8'],
    ['ADMIN_MAX_MEMORY_PER_BOX', '16'],
    ['ADMIN_MAX_DISK_PER_BOX', '50'],
    ['ADMIN_SNAPSHOT_QUOTA', '100'],
    ['ADMIN_VOLUME_QUOTA', '100'],
    ['DASHBOARD_URL', 'http://localhost:5173'],
    ['DASHBOARD_BASE_API_URL', `http://localhost:${i.apiPort}`],
    ['APP_URL', ''],
    ...registry('TRANSIENT'),
    ...registry('INTERNAL'),
    ['INSECURE_REGISTRIES', i.registry],
    ['DEFAULT_RUNNER_NAME', 'default'],
    ['DEFAULT_RUNNER_API_KEY', i.secrets.DEFAULT_RUNNER_API_KEY],
    ['DEFAULT_RUNNER_DOMAIN', i.runnerDomain],
    ['DEFAULT_RUNNER_API_URL', `http://${i.runnerDomain}:${i.runnerPort}`],
    ['DEFAULT_RUNNER_PROXY_URL', 'http://localhost:3001'],
    ['DEFAULT_RUNNER_API_VERSION', '2'],
    // One runner: the scheduler's load thresholds (availability score < 10 → "No available
    // runners") would refuse every box whenever the host is busy; there is nowhere else to go.
    ['RUNNER_AVAILABILITY_SCORE_THRESHOLD', '0'],
    ['RUNNER_START_SCORE_THRESHOLD', '0'],
    // apps/api/src/box/constants/curated-images.constant.ts: boxes boot only from these.
    ['BOXLITE_SYSTEM_IMAGES', i.systemImages.map(([n, r]) => `${n}=${r}`).join(',')],
    ...Object.entries(i.fake),
  ];
}

/** The runner unit's inline `Environment=` lines (cmd/runner/config/config.go names). */
export function runnerEnv(i: EnvInputs): [string, string][] {
  return [
    ['BOXLITE_API_URL', `http://127.0.0.1:${i.apiPort}/api`],
    // Must equal the API's DEFAULT_RUNNER_API_KEY: the runner pairs to its row by this token.
    ['BOXLITE_RUNNER_TOKEN', i.secrets.DEFAULT_RUNNER_API_KEY],
    ['API_VERSION', '2'],
    ['API_PORT', String(i.runnerPort)],
    ['RUNNER_DOMAIN', i.runnerDomain],
    ['BOXLITE_HOME_DIR', i.homeDir],
    ['AWS_REGION', 'us-east-1'],
    ['INSECURE_REGISTRIES', i.registry],
  ];
}

export function formatEnvFile(pairs: readonly [string, string][]): string {
  const head = '# Written by boxlite-e2e setup on every run (upstream /etc/boxlite-api.env); do not edit.\n';
  return head + pairs.map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

/** KEY=value lines (values unquoted, as systemd's EnvironmentFile= takes them here). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1] as string] = m[2] as string;
  }
  return out;
}

/** Owner-only from the first byte (the file holds secrets). */
export async function writeSecretFile(path: string, text: string): Promise<void> {
  await rm(path, { force: true });
  await writeFile(path, text, { mode: 0o600 });
}

const RECIPE_SECRET_BYTES = { ENCRYPTION_SALT: 16, PROXY_API_KEY: 16 } as const;

/**
 * The recipe's own secrets file (upstream /etc/boxlite-secrets.env's keys the stack's file
 * lacks): minted once, reused; a corrupt one is an error (a new salt makes rows unreadable).
 */
export async function loadOrMintRecipeSecrets(
  path: string,
): Promise<Record<keyof typeof RECIPE_SECRET_BYTES, string>> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new SetupError(`secrets file ${path} is unreadable (${err.code})`);
  });
  if (text !== null) {
    const v = parseEnvFile(text);
    if (!/^[0-9a-f]+$/.test(v.ENCRYPTION_SALT ?? '') || !/^[0-9a-f]+$/.test(v.PROXY_API_KEY ?? ''))
      throw new SetupError(`secrets file ${path} is corrupt; restore it or run \`pnpm e2e:teardown --full\``);
    return { ENCRYPTION_SALT: v.ENCRYPTION_SALT as string, PROXY_API_KEY: v.PROXY_API_KEY as string };
  }
  const minted = {
    ENCRYPTION_SALT: randomBytes(RECIPE_SECRET_BYTES.ENCRYPTION_SALT).toString('hex'),
    PROXY_API_KEY: randomBytes(RECIPE_SECRET_BYTES.PROXY_API_KEY).toString('hex'),
  };
  await writeFile(path, formatEnvFile(Object.entries(minted)), { mode: 0o600, flag: 'wx' });
  return minted;
}
