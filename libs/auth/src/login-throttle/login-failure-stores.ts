import { processWide } from '@app/common';
import { isEmbedded, type AppConfig } from '@app/config';
import type Redis from 'ioredis';
import type { LoginFailureStore } from './login-failure.store';
import { MemoryLoginFailureStore } from './memory-login-failure.store';
import { RedisLoginFailureStore } from './redis-login-failure.store';

/** Redis in full mode; in embedded mode (no Redis, one process) the process's memory. */
export function loginFailureStoreFor(config: AppConfig, redis: Redis): LoginFailureStore {
  return isEmbedded(config)
    ? processWide('auth:login-failures', () => new MemoryLoginFailureStore())
    : new RedisLoginFailureStore(redis);
}
