import { resetProcessWide } from '@app/common';
import { AppConfig } from '@app/config';
import { absentRedis } from '@app/redis';
import type Redis from 'ioredis';
import { loginFailureStoreFor } from '../login-throttle/login-failure-stores';
import { MemoryLoginFailureStore } from '../login-throttle/memory-login-failure.store';
import { RedisLoginFailureStore } from '../login-throttle/redis-login-failure.store';
import { callerRateStorageFor, tokenUsageStoreFor } from './caller-limit-stores';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { MemoryTokenUsageStore } from './memory-token-usage.store';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { RedisTokenUsageStore } from './redis-token-usage.store';
import { tokenWindows } from './rate-windows';

function configIn(mode: AppConfig['mode']): AppConfig {
  return Object.assign(new AppConfig(), { mode });
}

describe('choosing the limit stores by mode', () => {
  afterEach(() => resetProcessWide());

  it('counts in Redis in full mode', () => {
    const redis = {} as Redis; // never called: only handed to the Redis stores
    const config = configIn('full');
    const tokens = tokenUsageStoreFor(config, redis);
    expect(tokens).toBeInstanceOf(RedisTokenUsageStore);
    expect(callerRateStorageFor(config, redis, tokens)).toBeInstanceOf(RedisThrottlerStorage);
    expect(loginFailureStoreFor(config, redis)).toBeInstanceOf(RedisLoginFailureStore);
  });

  it('counts in memory in embedded mode, never touching the (absent) Redis client', async () => {
    const redis = absentRedis();
    const config = configIn('embedded');
    const tokens = tokenUsageStoreFor(config, redis);
    const rates = callerRateStorageFor(config, redis, tokens);
    const logins = loginFailureStoreFor(config, redis);
    expect(tokens).toBeInstanceOf(MemoryTokenUsageStore);
    expect(rates).toBeInstanceOf(MemoryThrottlerStorage);
    expect(logins).toBeInstanceOf(MemoryLoginFailureStore);

    const windows = tokenWindows('p:', 'user:u1', Date.now());
    await tokens.charge(windows, 5);
    await expect(rates.hit('p:rate:{user:u1}:default', 60_000, 2, 0, windows)).resolves.toMatchObject({
      record: { totalHits: 1 },
      tokens: { minute: 5, day: 5 },
    });
    await logins.recordFailure(['p:login:ip:1'], Date.now(), 60_000);
    await expect(logins.read(['p:login:ip:1'])).resolves.toHaveLength(1);
  });

  it('shares embedded state across the containers of one process (api and worker)', async () => {
    const config = configIn('embedded');
    const apiTokens = tokenUsageStoreFor(config, absentRedis());
    const workerTokens = tokenUsageStoreFor(config, absentRedis());
    expect(workerTokens).toBe(apiTokens);
    expect(loginFailureStoreFor(config, absentRedis())).toBe(loginFailureStoreFor(config, absentRedis()));

    const key = 'p:rate:{user:u1}:default';
    const apiRates = callerRateStorageFor(config, absentRedis(), apiTokens);
    const otherRates = callerRateStorageFor(config, absentRedis(), workerTokens);
    await apiRates.hit(key, 60_000, 2, 0);
    await expect(otherRates.hit(key, 60_000, 2, 0)).resolves.toMatchObject({ record: { totalHits: 2 } });
  });
});
