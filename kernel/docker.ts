/** The Docker client every stage uses: always built from an explicit DOCKER_HOST value. */
import Docker from 'dockerode';
import { UsageError } from './errors.ts';

export type DockerEndpoint =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number; protocol: 'http' | 'https' };

/** Parses a DOCKER_HOST value; anything we cannot talk to is a usage error. */
export function parseDockerHost(dockerHost: string): DockerEndpoint {
  if (dockerHost.startsWith('unix://')) {
    const socketPath = dockerHost.slice('unix://'.length);
    if (!socketPath.startsWith('/'))
      throw new UsageError(`DOCKER_HOST=${dockerHost} must name an absolute socket path`);
    return { kind: 'unix', socketPath };
  }
  let url: URL;
  try {
    url = new URL(dockerHost);
  } catch {
    throw new UsageError(`DOCKER_HOST=${JSON.stringify(dockerHost)} is not unix:///path or tcp://host:port`);
  }
  if (!['tcp:', 'http:', 'https:'].includes(url.protocol) || !url.hostname) {
    throw new UsageError(`DOCKER_HOST=${JSON.stringify(dockerHost)} is not unix:///path or tcp://host:port`);
  }
  const https = url.protocol === 'https:';
  return {
    kind: 'tcp',
    host: url.hostname,
    port: Number(url.port) || (https ? 2376 : 2375),
    protocol: https ? 'https' : 'http',
  };
}

/** A dockerode client for DOCKER_HOST (explicit, so it never depends on process.env). */
export function dockerClient(dockerHost: string, timeoutMs?: number): Docker {
  const ep = parseDockerHost(dockerHost);
  const timeout = timeoutMs === undefined ? {} : { timeout: timeoutMs };
  if (ep.kind === 'unix') return new Docker({ socketPath: ep.socketPath, ...timeout });
  return new Docker({ host: ep.host, port: ep.port, protocol: ep.protocol, ...timeout });
}
