/** One table of what each service is: URL shape, credentials, and its real health check. */
import type { ServiceName } from '../core/config.ts';
import type { Secrets } from '../core/secrets.ts';
import type { Endpoint } from '../core/stack-file.ts';
import { PG_CREDENTIALS, postgresUrl, probePostgres } from './postgres.ts';
import { probeRedis, redisUrl } from './redis.ts';
import { probeRegistry, registryUrl } from './registry.ts';

export interface ServiceKind {
  url(e: Endpoint): string;
  credentials: Record<string, string>;
  /** Resolves with the server version when healthy; throws with the reason otherwise. */
  probe(e: Endpoint, secrets: Secrets): Promise<string>;
}

export const SERVICES: Record<ServiceName, ServiceKind> = {
  postgres: {
    url: postgresUrl,
    credentials: PG_CREDENTIALS,
    probe: (e, s) => probePostgres(e, s.DB_PASSWORD),
  },
  redis: { url: redisUrl, credentials: {}, probe: (e) => probeRedis(e) },
  registry: { url: registryUrl, credentials: {}, probe: (e) => probeRegistry(e) },
};

/**
 * Bounded health wait: polls the probe until it passes or the deadline hits, then throws
 * with the last reason and where to look. `isAlive` lets a crashed process fail fast.
 */
export async function waitHealthy(
  what: string,
  probe: () => Promise<string>,
  opts: { timeoutMs: number; logHint: string; isAlive?: () => boolean | Promise<boolean> },
): Promise<string> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = 'no attempt';
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    try {
      return await probe();
    } catch (err) {
      last = (err as Error).message;
    }
    if (opts.isAlive && !(await opts.isAlive()))
      throw new Error(`${what} exited during start-up (${last}); see ${opts.logHint}`);
    if (Date.now() > deadline)
      throw new Error(`${what} not healthy after ${opts.timeoutMs / 1000} s (${last}); see ${opts.logHint}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
