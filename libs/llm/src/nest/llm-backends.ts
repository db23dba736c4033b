import { processWide } from '@app/common';
import { isEmbedded, type AppConfig } from '@app/config';
import type Redis from 'ioredis';
import { MemoryCapacityLimiter } from '../capacity/memory-capacity-limiter';
import { RedisCapacityLimiter } from '../capacity/redis-capacity-limiter';
import { HealthMonitor } from '../health/health-monitor';
import { InMemoryCircuitBreaker } from '../router/circuit-breaker';
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

/** Breakers are per process in both modes; embedded mode's two containers share theirs. */
export function circuitBreakerFor(config: AppConfig): CircuitBreaker {
  const create = (): CircuitBreaker => new InMemoryCircuitBreaker(config.routing.breaker);
  return isEmbedded(config) ? processWide('llm:circuit-breaker', create) : create();
}

/**
 * Without a Redis client the monitor keeps no shared store (no flush timer). Embedded mode's api and
 * worker containers share one monitor, so /providers shows the worker's calls too.
 */
export function healthMonitorFor(config: AppConfig, redis: Redis, breaker: CircuitBreaker): HealthMonitor {
  if (isEmbedded(config)) return processWide('llm:health-monitor', () => new HealthMonitor({ breaker }));
  return new HealthMonitor({ redis, keyPrefix: config.redis.keyPrefix, breaker });
}
