import { resetProcessWide } from '@app/common';
import type { AppConfig } from '@app/config';
import { absentRedis } from '@app/redis';
import type Redis from 'ioredis';
import { responseCacheFor } from './cache.module';
import type { CachedCompletion } from './cached-completion';

const entry: CachedCompletion = {
  response: {
    id: 'chatcmpl-1',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Paris' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  },
  provider: 'openai',
  deploymentId: 'openai-main',
  model: 'gpt-4o',
  storedAt: 1_700_000_000_000,
};

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
