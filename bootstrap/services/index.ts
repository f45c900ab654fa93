/** One table of what each service is: URL shape, credentials, and its real health check. */
import type { ServiceName } from '../../kernel/config.ts';
import type { Secrets } from '../../kernel/secrets.ts';
import type { Endpoint } from '../../kernel/stack-file.ts';
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
