import { processWide } from '@app/common';
import { AppConfig, isEmbedded } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { MemoryResponseStore } from './memory-response-store';
import { RedisResponseStore } from './redis-response-store';
import { ResponseCache } from './response-cache';

/**
 * Full mode: the response cache on the shared Redis connection. Embedded mode: one in-memory store for
 * the whole process, so the api and the worker containers answer from the same entries.
 */
export function responseCacheFor(config: AppConfig, redis: Redis): ResponseCache {
  const responses = isEmbedded(config)
    ? processWide('cache:responses', () => new MemoryResponseStore(config.cache))
    : new RedisResponseStore(redis, config);
  return new ResponseCache(responses, config.cache);
}

/** RedisModule and AppConfigModule are global. */
@Module({
  providers: [{ provide: ResponseCache, inject: [AppConfig, REDIS_CLIENT], useFactory: responseCacheFor }],
  exports: [ResponseCache],
})
export class CacheModule {}
