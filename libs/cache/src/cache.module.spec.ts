import { resetProcessWide } from '@app/common';
import type { AppConfig } from '@app/config';
import { absentRedis } from '@app/redis';
import type Redis from 'ioredis';
import { responseCacheFor } from './cache.module';
import { CACHED_COMPLETION } from './testing/cached-completion.fixture';

const entry = CACHED_COMPLETION;

const config = (mode: AppConfig['mode']): AppConfig =>
  ({
    mode,
    redis: { keyPrefix: 'unit:' },
    cache: { enabled: true, ttlSeconds: 60, maxEntryBytes: 2_000, cacheStreams: false, lookupTimeoutMs: 20 },
  }) as AppConfig;

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('responseCacheFor', () => {
  afterEach(() => resetProcessWide());

  it('embedded: the api and worker containers answer from one store, and Redis is never called', async () => {
    const api = responseCacheFor(config('embedded'), absentRedis());
    const worker = responseCacheFor(config('embedded'), absentRedis());
    worker.store('k', entry);
    await nextTick();
    expect(await api.lookup('k')).toEqual(entry);
  });

  it('full: reads and writes through the Redis client', async () => {
    const values = new Map<string, string>();
    const redis = {
      get: (key: string) => Promise.resolve(values.get(key) ?? null),
      set: (key: string, value: string) => Promise.resolve(void values.set(key, value)),
    };
    const cache = responseCacheFor(config('full'), redis as unknown as Redis);
    cache.store('k', entry);
    await nextTick();
    expect([...values.keys()]).toEqual(['unit:cache:k']);
    expect(await cache.lookup('k')).toEqual(entry);
  });
});
