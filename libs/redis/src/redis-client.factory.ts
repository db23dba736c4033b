import type { RedisConfig } from '@app/config';
import Redis, { type RedisOptions } from 'ioredis';

export type RedisRole = 'default' | 'queue' | 'subscriber';

/**
 * The one way a Redis connection is made. `default` fails fast while disconnected (so the request path
 * never hangs on Redis) and auto-pipelines; `queue` is what BullMQ requires (blocking commands, no per-request retry cap).
 */
export function createRedisClient(config: RedisConfig, role: RedisRole = 'default', name = 'mpb'): Redis {
  const base: RedisOptions = {
    connectionName: `${name}-${role}`,
    connectTimeout: config.connectTimeoutMs,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  };
  const options: RedisOptions =
    role === 'default'
      ? {
          ...base,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          commandTimeout: config.connectTimeoutMs,
          // Commands issued in the same tick (concurrent requests' limit checks, token charges, cache
          // lookups) leave in one write: far fewer syscalls under load, same round-trip for each.
          enableAutoPipelining: true,
        }
      : { ...base, maxRetriesPerRequest: null, enableReadyCheck: false };
  const client = new Redis(config.url, options);
  // Connection errors are reported by readiness and the retry strategy reconnects; don't crash on them.
  client.on('error', () => undefined);
  return client;
}
