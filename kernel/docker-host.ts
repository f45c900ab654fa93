/**
 * DOCKER_HOST as a value: its default, its option-table entry and its parser. Kept apart
 * from the client (kernel/docker.ts) so config tables do not load dockerode.
 */
import { UsageError } from './errors.ts';
import type { OptionSpec } from './options.ts';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/**
 * The Docker endpoint option, shared by every table that needs one (bootstrap, sim runner):
 * the runner gets it as `--docker-host` from whoever launches it, so it never depends on
 * which variables its supervisor happened to pass on.
 */
export const DOCKER_HOST_OPTION = {
  env: 'DOCKER_HOST',
  type: 'string',
  default: DEFAULT_DOCKER_HOST,
  doc: 'Docker endpoint: unix:///path or tcp://host:port',
  check: (v: string) => void parseDockerHost(v),
} as const satisfies OptionSpec;

export type DockerEndpoint =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number; protocol: 'http' | 'https' };

/** Parses a DOCKER_HOST value; anything we cannot talk to is a usage error. */
export function parseDockerHost(dockerHost: string): DockerEndpoint {
  if (dockerHost.startsWith('unix://')) {
    const socketPath = dockerHost.slice('unix://'.length);
    if (!socketPath.startsWith('/'))
      throw new UsageError(`${JSON.stringify(dockerHost)} must name an absolute socket path`);
    return { kind: 'unix', socketPath };
  }
  let url: URL;
  try {
    url = new URL(dockerHost);
  } catch {
    throw new UsageError(`${JSON.stringify(dockerHost)} is not unix:///path or tcp://host:port`);
  }
  if (!['tcp:', 'http:', 'https:'].includes(url.protocol) || !url.hostname)
    throw new UsageError(`${JSON.stringify(dockerHost)} is not unix:///path or tcp://host:port`);
  const https = url.protocol === 'https:';
  return {
    kind: 'tcp',
    host: url.hostname,
    port: Number(url.port) || (https ? 2376 : 2375),
    protocol: https ? 'https' : 'http',
  };
}
