import Redis, { type RedisOptions } from 'ioredis';
import { once } from 'node:events';
import { freePort } from '../support/hermetic-services';
import { testRedisUrl } from '../support/services';

/** The request-path settings of `createRedisClient` (@app/redis): fail fast instead of queueing. */
export const FAIL_FAST_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 1_000,
  connectTimeout: 1_000,
  retryStrategy: (times) => Math.min(times * 100, 2_000),
};

export async function connectedClient(
  url = testRedisUrl(),
  options: RedisOptions = FAIL_FAST_OPTIONS,
): Promise<Redis> {
  const redis = new Redis(url, options);
  redis.on('error', () => undefined);
  if (redis.status !== 'ready') await once(redis, 'ready');
  return redis;
}

/**
 * A client pointed at a port nobody listens on, i.e. Redis down. A short `disconnectTimeout`: ioredis
 * otherwise keeps a 2 s timer after `disconnect()` on a socket that already closed, delaying Jest's exit.
 */
export async function unreachableClient(options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, {
    ...FAIL_FAST_OPTIONS,
    connectTimeout: 200,
    disconnectTimeout: 50,
    ...options,
  });
  redis.on('error', () => undefined);
  return redis;
}
