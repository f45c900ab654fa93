/**
 * The bootstrap configuration every stage below the entry points receives: which provider,
 * target and state dir, pinned ports, service images, Ryuk, the Docker endpoint and the
 * program search path. Declared once as an option table; entry points resolve it (with
 * their own flags) through kernel/options.ts and hand the typed result down.
 */
import { join } from 'node:path';
import { DOCKER_HOST_OPTION } from './docker-host.ts';
import type { Env } from './env-catalogue.ts';
import { envOnly, type OptionTable, type Resolved, resolveOptions } from './options.ts';
import { REPO_ROOT } from './paths.ts';

export const PROVIDERS = ['host', 'containers'] as const;
export type ProviderKind = (typeof PROVIDERS)[number];
export const TARGETS = ['sim', 'boxlite', 'serve'] as const;
export type TargetKind = (typeof TARGETS)[number];
export const SERVICE_NAMES = ['postgres', 'redis', 'registry'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Local images for the containers provider; `pnpm e2e:service-images` builds these tags. */
export const DEFAULT_SERVICE_IMAGES: Record<ServiceName, string> = {
  postgres: 'boxlite-e2e/postgres:local',
  redis: 'boxlite-e2e/redis:local',
  registry: 'boxlite-e2e/registry:local',
};

/** Debian's default PATH, for a process started without one. */
const DEFAULT_SEARCH_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface BootstrapConfig {
  provider: ProviderKind;
  target: TargetKind | null;
  stateDir: string;
  /** Port the user pinned per service; a pinned port that is taken is an error, not a silent move. */
  pinnedPorts: Partial<Record<ServiceName, number>>;
  images: Record<ServiceName, string>;
  ryuk: boolean;
  /** Docker endpoint of every Docker client: containers provider, engine start-up, sim runner. */
  dockerHost: string;
  /** Where binaries (dockerd, apt tools) are looked up. */
  searchPath: string;
  /** Target sim: the runner's bound on one Docker call (unset: the runner's default). */
  simDockerTimeoutMs?: number;
}

const port = (service: string) =>
  ({ type: 'port', doc: `pin the ${service} port (default: a free port)` }) as const;
const image = (name: ServiceName) =>
  ({
    type: 'string',
    default: DEFAULT_SERVICE_IMAGES[name],
    doc: `containers provider image for ${name}`,
  }) as const;

/**
 * The bootstrap options. `--provider` and `--target` are flags where a CLI offers them;
 * `envOnly(BOOTSTRAP_OPTIONS)` is the same table for CLIs that do not.
 */
export const BOOTSTRAP_OPTIONS = {
  provider: {
    flag: 'provider',
    env: 'BOXLITE_E2E_PROVIDER',
    type: 'enum',
    values: PROVIDERS,
    default: 'host',
    doc: 'service provider: host | containers',
  },
  target: {
    flag: 'target',
    env: 'BOXLITE_E2E_TARGET',
    type: 'enum',
    values: TARGETS,
    doc: 'stack target: sim | boxlite | serve',
  },
  stateDir: {
    env: 'BOXLITE_E2E_STATE_DIR',
    type: 'path',
    default: join(REPO_ROOT, '.e2e-state'),
    doc: 'where stack.json, secrets, data and logs live',
  },
  postgresPort: { env: 'BOXLITE_E2E_POSTGRES_PORT', ...port('Postgres') },
  redisPort: { env: 'BOXLITE_E2E_REDIS_PORT', ...port('Redis') },
  registryPort: { env: 'BOXLITE_E2E_REGISTRY_PORT', ...port('registry') },
  postgresImage: { env: 'BOXLITE_E2E_POSTGRES_IMAGE', ...image('postgres') },
  redisImage: { env: 'BOXLITE_E2E_REDIS_IMAGE', ...image('redis') },
  registryImage: { env: 'BOXLITE_E2E_REGISTRY_IMAGE', ...image('registry') },
  ryukDisabled: {
    env: 'TESTCONTAINERS_RYUK_DISABLED',
    type: 'bool',
    default: true,
    doc: 'true keeps containers after setup exits; false enables Ryuk reaping',
  },
  dockerHost: DOCKER_HOST_OPTION,
  searchPath: { env: 'PATH', type: 'string', default: DEFAULT_SEARCH_PATH, doc: 'program search path' },
  simDockerTimeoutMs: {
    env: 'BOXLITE_SIM_DOCKER_TIMEOUT_MS',
    type: 'int',
    min: 1,
    doc: "the sim runner's bound on one Docker call, ms (default: the runner's)",
  },
} as const satisfies OptionTable;

export type BootstrapOptions = Resolved<typeof BOOTSTRAP_OPTIONS>;

/** Turns resolved bootstrap options into the config the stages take. */
export function bootstrapConfig(o: BootstrapOptions): BootstrapConfig {
  const pinned = { postgres: o.postgresPort, redis: o.redisPort, registry: o.registryPort };
  const pinnedPorts: Partial<Record<ServiceName, number>> = {};
  for (const name of SERVICE_NAMES) {
    const p = pinned[name];
    if (p !== undefined) pinnedPorts[name] = p;
  }
  return {
    provider: o.provider,
    target: o.target ?? null,
    stateDir: o.stateDir,
    pinnedPorts,
    images: { postgres: o.postgresImage, redis: o.redisImage, registry: o.registryImage },
    ryuk: !o.ryukDisabled,
    dockerHost: o.dockerHost,
    searchPath: o.searchPath,
    ...(o.simDockerTimeoutMs !== undefined ? { simDockerTimeoutMs: o.simDockerTimeoutMs } : {}),
  };
}

/** The config an env record describes (no flags): for tests and env-only callers. */
export function readConfig(env: Env): BootstrapConfig {
  return bootstrapConfig(resolveOptions(envOnly(BOOTSTRAP_OPTIONS), [], env).values);
}
