import { resetProcessWide } from '@app/common';
import type { AppConfig } from '@app/config';
import { absentRedis } from '@app/redis';
import { MemoryCapacityLimiter } from '../capacity/memory-capacity-limiter';
import { RedisCapacityLimiter } from '../capacity/redis-capacity-limiter';
import { capacityLimiterFor } from './llm-backends';

const config = (mode: AppConfig['mode']): AppConfig => ({ mode, redis: { keyPrefix: 'unit:' } }) as AppConfig;

describe('capacityLimiterFor', () => {
  afterEach(() => resetProcessWide());

  it('uses Redis in full mode, one limiter per container', () => {
    const redis = absentRedis();
    const limiter = capacityLimiterFor(config('full'), redis);
    expect(limiter).toBeInstanceOf(RedisCapacityLimiter);
    expect(capacityLimiterFor(config('full'), redis)).not.toBe(limiter);
  });

  it('uses one in-memory limiter for the whole process in embedded mode', () => {
    const limiter = capacityLimiterFor(config('embedded'), absentRedis());
    expect(limiter).toBeInstanceOf(MemoryCapacityLimiter);
    expect(capacityLimiterFor(config('embedded'), absentRedis())).toBe(limiter);
  });
});
