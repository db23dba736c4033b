import { processWide } from '@app/common';
import { isEmbedded, type AppConfig } from '@app/config';
import { ThrottlerStorageService } from '@nestjs/throttler';
import type Redis from 'ioredis';
import type { CallerRateStorage } from './caller-rate.storage';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { MemoryTokenUsageStore } from './memory-token-usage.store';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { RedisTokenUsageStore } from './redis-token-usage.store';
import type { TokenUsageStore } from './token-usage.store';

/**
 * Full mode counts in Redis. Embedded mode has no Redis (the client throws) and runs the api and the
 * worker as two Nest containers in one process: the worker records tokens the api checks, so the
 * in-memory state is process-wide rather than per container.
 */
export function tokenUsageStoreFor(config: AppConfig, redis: Redis): TokenUsageStore {
  return isEmbedded(config)
    ? processWide('auth:token-usage', () => new MemoryTokenUsageStore())
    : new RedisTokenUsageStore(redis);
}

export function callerRateStorageFor(
  config: AppConfig,
  redis: Redis,
  tokens: TokenUsageStore,
): CallerRateStorage {
  if (!isEmbedded(config)) return new RedisThrottlerStorage(redis);
  const windows = processWide('auth:request-windows', () => new ThrottlerStorageService());
  return new MemoryThrottlerStorage(windows, tokens);
}
