import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from './errors.ts';
import { REPO_ROOT } from './paths.ts';

export const PROVIDERS = ['host', 'containers'] as const;
export type ProviderKind = (typeof PROVIDERS)[number];
export const TARGETS = ['sim', 'boxlite'] as const;
export type TargetKind = (typeof TARGETS)[number];
export const SERVICE_NAMES = ['postgres', 'redis', 'registry'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Local images for the containers provider; `pnpm e2e:service-images` builds these tags. */
export const DEFAULT_SERVICE_IMAGES: Record<ServiceName, string> = {
  postgres: 'boxlite-e2e/postgres:local',
  redis: 'boxlite-e2e/redis:local',
  registry: 'boxlite-e2e/registry:local',
};

export interface BootstrapConfig {
  provider: ProviderKind;
  target: TargetKind | null;
  stateDir: string;
  /** Port the user pinned per service; a pinned port that is taken is an error, not a silent move. */
  pinnedPorts: Partial<Record<ServiceName, number>>;
  images: Record<ServiceName, string>;
  ryuk: boolean;
  /** Docker endpoint the containers provider and the sim runner use. */
  dockerHost: string;
}

/** Every env var this module reads, with its meaning; the README table is generated from the same facts. */
export const CONFIG_ENV = {
  BOXLITE_E2E_PROVIDER:
    'service provider: host (Debian binaries as child processes) | containers (testcontainers)',
  BOXLITE_E2E_TARGET: 'stack target: sim | boxlite',
  BOXLITE_E2E_STATE_DIR: 'where stack.json, secrets, data and logs live (default <repo>/.e2e-state)',
  BOXLITE_E2E_POSTGRES_PORT: 'pin the Postgres port (default: a free port)',
  BOXLITE_E2E_REDIS_PORT: 'pin the Redis port (default: a free port)',
  BOXLITE_E2E_REGISTRY_PORT: 'pin the registry port (default: a free port)',
  BOXLITE_E2E_POSTGRES_IMAGE: `containers provider image for Postgres (default ${DEFAULT_SERVICE_IMAGES.postgres})`,
  BOXLITE_E2E_REDIS_IMAGE: `containers provider image for Redis (default ${DEFAULT_SERVICE_IMAGES.redis})`,
  BOXLITE_E2E_REGISTRY_IMAGE: `containers provider image for the registry (default ${DEFAULT_SERVICE_IMAGES.registry})`,
  TESTCONTAINERS_RYUK_DISABLED:
    'true (default) keeps containers after setup exits; false enables Ryuk reaping',
  DOCKER_HOST: 'Docker endpoint (default unix:///var/run/docker.sock)',
} as const;

type Env = Record<string, string | undefined>;

function pickEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(`${name}=${JSON.stringify(raw)} is not one of: ${allowed.join(', ')}`);
}

function parsePort(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new UsageError(`${name}=${JSON.stringify(raw)} is not a TCP port (1-65535)`);
  }
  return port;
}

function parseBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new UsageError(`${name}=${JSON.stringify(raw)} is not a boolean (true/false)`);
}

export interface ConfigOverrides {
  provider?: string;
  target?: string | null;
}

/** Reads bootstrap configuration from env (and CLI overrides); malformed input is a UsageError. */
export function readConfig(env: Env = process.env, overrides: ConfigOverrides = {}): BootstrapConfig {
  const merged: Env = { ...env };
  if (overrides.provider !== undefined) merged.BOXLITE_E2E_PROVIDER = overrides.provider;
  const provider = pickEnum(merged, 'BOXLITE_E2E_PROVIDER', PROVIDERS, 'host');
  let target: TargetKind | null = null;
  if (overrides.target !== undefined && overrides.target !== null)
    merged.BOXLITE_E2E_TARGET = overrides.target;
  if (merged.BOXLITE_E2E_TARGET?.trim()) target = pickEnum(merged, 'BOXLITE_E2E_TARGET', TARGETS, 'sim');

  const rawState = merged.BOXLITE_E2E_STATE_DIR?.trim();
  const stateDir = rawState
    ? isAbsolute(rawState)
      ? rawState
      : resolve(rawState)
    : join(REPO_ROOT, '.e2e-state');

  const pinnedPorts: Partial<Record<ServiceName, number>> = {};
  const images = { ...DEFAULT_SERVICE_IMAGES };
  for (const name of SERVICE_NAMES) {
    const port = parsePort(merged, `BOXLITE_E2E_${name.toUpperCase()}_PORT`);
    if (port !== undefined) pinnedPorts[name] = port;
    const image = merged[`BOXLITE_E2E_${name.toUpperCase()}_IMAGE`]?.trim();
    if (image) images[name] = image;
  }
  const ryuk = !parseBool(merged, 'TESTCONTAINERS_RYUK_DISABLED', true);
  const dockerHost = merged.DOCKER_HOST?.trim() || 'unix:///var/run/docker.sock';
  return { provider, target, stateDir, pinnedPorts, images, ryuk, dockerHost };
}
