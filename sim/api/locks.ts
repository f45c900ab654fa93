/**
 * Per-box locks in Redis: SET NX PX with an owner token, released only by its owner (Lua
 * compare-and-delete) so a lock that expired and was re-taken is never freed by the old
 * holder. A caller that cannot get the lock within `waitMs` gets 409 invalid_state.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Endpoint } from '../../kernel/stack-file.ts';
import { ApiError, busy } from './errors.ts';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class BoxLocks {
  private readonly redis: Redis;

  constructor(endpoint: Endpoint) {
    this.redis = new Redis({
      host: endpoint.host,
      port: endpoint.port,
      connectTimeout: 2000,
      commandTimeout: 2000,
      maxRetriesPerRequest: 1,
      // Fail fast while Redis is down instead of queueing requests behind it.
      enableOfflineQueue: false,
      retryStrategy: (n) => Math.min(n * 200, 2000),
    });
    this.redis.on('error', () => {});
  }

  async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('redis did not become ready within 5s')), 5000);
      this.redis.once('ready', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  async withBoxLock<T>(
    boxId: string,
    opts: { ttlMs: number; waitMs: number },
    fn: () => Promise<T>,
  ): Promise<T> {
    const key = `boxlite-sim:lock:box:${boxId}`;
    const token = randomBytes(12).toString('hex');
    const deadline = Date.now() + opts.waitMs;
    for (;;) {
      let got: string | null;
      try {
        got = await this.redis.set(key, token, 'PX', opts.ttlMs, 'NX');
      } catch (err) {
        throw new ApiError(
          'upstream_unavailable',
          `lock service (redis) unavailable: ${(err as Error).message}`,
        );
      }
      if (got === 'OK') break;
      if (Date.now() >= deadline) throw busy();
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
    }
    try {
      return await fn();
    } finally {
      await this.redis.eval(RELEASE, 1, key, token).catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
