/** The Docker client every stage uses: always built from an explicit DOCKER_HOST value. */
import Docker from 'dockerode';
import { parseDockerHost } from './docker-host.ts';

/** A dockerode client for DOCKER_HOST (explicit, so it never depends on process.env). */
export function dockerClient(dockerHost: string, timeoutMs?: number): Docker {
  const ep = parseDockerHost(dockerHost);
  const timeout = timeoutMs === undefined ? {} : { timeout: timeoutMs };
  if (ep.kind === 'unix') return new Docker({ socketPath: ep.socketPath, ...timeout });
  return new Docker({ host: ep.host, port: ep.port, protocol: ep.protocol, ...timeout });
}
