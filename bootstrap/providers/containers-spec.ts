/**
 * Pure facts of the containers provider: names, labels, the spec hash that decides whether
 * an existing container still matches what we would create, and the reuse verdict.
 * Kept free of Docker calls so it is unit-testable.
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { ServiceName } from '../../kernel/config.ts';
import type { StatePaths } from '../../kernel/paths.ts';
import type { Secrets } from '../../kernel/secrets.ts';
import { PG_DATABASE, PG_USER } from '../services/postgres.ts';

export const LABEL_STATE_DIR = 'boxlite-e2e.state-dir';
export const LABEL_SERVICE = 'boxlite-e2e.service';
export const LABEL_SPEC = 'boxlite-e2e.spec-hash';

/** Port the service listens on inside its container. */
export const CONTAINER_PORT: Record<ServiceName, number> = { postgres: 5432, redis: 6379, registry: 5000 };
/** Where each image keeps its data; bind-mounted from the state dir so `down` keeps it. */
export const CONTAINER_DATA_PATH: Record<ServiceName, string> = {
  postgres: '/var/lib/postgresql/data',
  redis: '/data',
  registry: '/var/lib/registry',
};
/** Log line each image prints once it serves (same wording as the upstream images). */
export const READY_LOG: Record<ServiceName, RegExp> = {
  postgres: /database system is ready to accept connections/,
  redis: /Ready to accept connections/,
  registry: /listening on /,
};
/** Postgres only stops fast on SIGINT; SIGTERM waits for clients (the upstream image does the same). */
export const STOP_SIGNAL: Partial<Record<ServiceName, string>> = { postgres: 'SIGINT' };

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Short stable hash of the state dir, so two state dirs on one engine never share a container. */
export function stateDirHash(stateDir: string): string {
  return sha(resolve(stateDir)).slice(0, 10);
}

export function containerName(stateDir: string, service: ServiceName): string {
  return `boxlite-e2e-${service}-${stateDirHash(stateDir)}`;
}

export function serviceDataDir(paths: StatePaths, service: ServiceName): string {
  return join(paths.dataDir, 'containers', service);
}

/** Label value for a state dir: resolved, so "/a/b/" and "/a/b" are the same stack. */
export function stateDirLabel(stateDir: string): string {
  return resolve(stateDir);
}

export function containerLabels(
  stateDir: string,
  service: ServiceName,
  specHash: string,
): Record<string, string> {
  return { [LABEL_STATE_DIR]: stateDirLabel(stateDir), [LABEL_SERVICE]: service, [LABEL_SPEC]: specHash };
}

/** Env the upstream-compatible images read (POSTGRES_* for Postgres; the others need none). */
export function containerEnv(service: ServiceName, secrets: Secrets): Record<string, string> {
  if (service !== 'postgres') return {};
  return { POSTGRES_USER: PG_USER, POSTGRES_PASSWORD: secrets.DB_PASSWORD, POSTGRES_DB: PG_DATABASE };
}

export interface SpecInputs {
  image: string;
  /** The local image id: a rebuilt image (same tag) must replace the container. */
  imageId: string;
  env: Record<string, string>;
  dataDir: string;
  containerPort: number;
}

/** Hash of everything baked into a container at creation; secrets only enter hashed. */
export function specHash(s: SpecInputs): string {
  const env = Object.entries(s.env).sort(([a], [b]) => a.localeCompare(b));
  return sha(JSON.stringify({ ...s, env })).slice(0, 16);
}

/** What we know about an existing container, reduced to what the verdict needs. */
export interface ExistingContainer {
  running: boolean;
  /** Docker status: created, running, exited, dead, paused, restarting, removing. */
  status: string;
  labels: Record<string, string>;
  /** Host port published for the service port on 127.0.0.1, if any. */
  hostPort: number | null;
}

export type Verdict = { action: 'reuse'; port: number } | { action: 'replace'; why: string };

/**
 * Whether an existing container can be kept as is (subject to a real health probe after).
 * Anything stopped, differently configured or on the wrong port is replaced; data stays.
 */
export function judgeExisting(
  c: ExistingContainer,
  want: { specHash: string; pinnedPort: number | undefined },
): Verdict {
  if (!c.running) return { action: 'replace', why: `container is ${c.status}` };
  if (c.labels[LABEL_SPEC] !== want.specHash) return { action: 'replace', why: 'image or settings changed' };
  if (c.hostPort === null) return { action: 'replace', why: 'service port is not published on 127.0.0.1' };
  if (want.pinnedPort !== undefined && want.pinnedPort !== c.hostPort) {
    return { action: 'replace', why: `pinned port ${want.pinnedPort} differs from published ${c.hostPort}` };
  }
  return { action: 'reuse', port: c.hostPort };
}

/** Host port bound to 127.0.0.1 for `containerPort/tcp` in a container inspect's NetworkSettings.Ports. */
export function loopbackHostPort(
  ports: Record<string, { HostIp: string; HostPort: string }[] | null> | undefined,
  containerPort: number,
): number | null {
  const b = ports?.[`${containerPort}/tcp`]?.find((x) => x.HostIp === '127.0.0.1');
  return b ? Number(b.HostPort) : null;
}

export function imageMissingMessage(image: string): string {
  return `image ${image} not found locally; run \`pnpm e2e:service-images\` (air-gapped: images are built from Debian packages)`;
}
