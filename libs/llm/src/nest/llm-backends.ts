import { processWide } from '@app/common';
import { isEmbedded, type AppConfig } from '@app/config';
import type Redis from 'ioredis';
import { MemoryCapacityLimiter } from '../capacity/memory-capacity-limiter';
import { RedisCapacityLimiter } from '../capacity/redis-capacity-limiter';
import { HealthMonitor } from '../health/health-monitor';
import type { CapacityLimiter, CircuitBreaker } from '../router/deployment-gates';

/**
 * Full mode counts every instance's attempts in Redis. Embedded mode has no Redis, and its api and worker
 * containers share one process: they share one in-memory limiter, so both count against the same
 * per-deployment windows, as vendor limits do.
 */
export function capacityLimiterFor(config: AppConfig, redis: Redis): CapacityLimiter {
  if (isEmbedded(config)) return processWide('llm:capacity-limiter', () => new MemoryCapacityLimiter());
  return new RedisCapacityLimiter(redis, { keyPrefix: config.redis.keyPrefix });
}

/**
 * Without a Redis client the monitor keeps no shared store: no flush timer, and /providers shows this
 * container's live view.
 */
export function healthMonitorFor(config: AppConfig, redis: Redis, breaker: CircuitBreaker): HealthMonitor {
  if (isEmbedded(config)) return new HealthMonitor({ breaker });
  return new HealthMonitor({ redis, keyPrefix: config.redis.keyPrefix, breaker });
}
