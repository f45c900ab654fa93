/** Redis as the stack uses it: loopback only, no password (like upstream's local stack). */
import { Redis } from 'ioredis';
import type { Endpoint } from '../../kernel/stack-file.ts';

export const redisUrl = (e: Endpoint) => `redis://${e.host}:${e.port}`;

/** Real health check: PING must answer PONG; returns the server version. */
export async function probeRedis(e: Endpoint): Promise<string> {
  const client = new Redis({
    host: e.host,
    port: e.port,
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const pong = await client.ping();
    if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } finally {
    client.disconnect();
  }
}
