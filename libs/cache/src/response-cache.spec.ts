import type { AppConfig } from '@app/config';
import type Redis from 'ioredis';
import { MemoryResponseStore } from './memory-response-store';
import { RedisResponseStore } from './redis-response-store';
import { ResponseCache } from './response-cache';
import { CACHED_COMPLETION } from './testing/cached-completion.fixture';

const entry = CACHED_COMPLETION;

/** get/set over a Map; `get` can be made to fail or to hang. */
class MapRedis {
  readonly values = new Map<string, string>();
  readonly sets: unknown[][] = [];
  mode: 'ok' | 'fail' | 'hang' = 'ok';

  get(key: string): Promise<string | null> {
    if (this.mode === 'fail') return Promise.reject(new Error('Connection is closed.'));
    if (this.mode === 'hang') return new Promise(() => undefined);
    return Promise.resolve(this.values.get(key) ?? null);
  }

  set(...args: unknown[]): Promise<'OK'> {
    this.sets.push(args);
    this.values.set(args[0] as string, args[1] as string);
    return this.mode === 'fail' ? Promise.reject(new Error('down')) : Promise.resolve('OK');
  }
}

const config = {
  redis: { keyPrefix: 'mpb:' },
  cache: { enabled: true, ttlSeconds: 60, maxEntryBytes: 2_000, cacheStreams: false, lookupTimeoutMs: 20 },
} as AppConfig;

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ResponseCache', () => {
  let redis: MapRedis;
  let cache: ResponseCache;

  beforeEach(() => {
    redis = new MapRedis();
    cache = new ResponseCache(new RedisResponseStore(redis as unknown as Redis, config), config.cache);
  });

  it('stores off the request path with the TTL, under <prefix>cache:<key>, and reads it back', async () => {
    cache.store('abc', entry);
    expect(redis.sets).toEqual([]);
    await nextTick();
    expect(redis.sets).toEqual([['mpb:cache:abc', JSON.stringify(entry), 'EX', 60]]);
    expect(await cache.lookup('abc')).toEqual(entry);
  });

  it('skips entries over maxEntryBytes', async () => {
    const big = { ...entry, response: { ...entry.response, id: 'x'.repeat(3_000) } };
    cache.store('big', big);
    await nextTick();
    expect(redis.sets).toEqual([]);
  });

  it('treats absent, unreadable, failed and slow lookups as misses', async () => {
    expect(await cache.lookup('absent')).toBeUndefined();
    redis.values.set('mpb:cache:garbage', '{"not":"an entry"}');
    expect(await cache.lookup('garbage')).toBeUndefined();
    redis.values.set('mpb:cache:broken', '{');
    expect(await cache.lookup('broken')).toBeUndefined();
    redis.mode = 'fail';
    expect(await cache.lookup('abc')).toBeUndefined();
    redis.mode = 'hang';
    const startedAt = Date.now();
    expect(await cache.lookup('abc')).toBeUndefined();
    expect(Date.now() - startedAt).toBeLessThan(500);
  });

  it('never lets a failed store surface', async () => {
    redis.mode = 'fail';
    cache.store('abc', entry);
    await nextTick();
    await nextTick();
    expect(redis.sets).toHaveLength(1);
  });
});

describe('ResponseCache on a memory store (embedded mode)', () => {
  let now: number;
  let memory: MemoryResponseStore;
  let cache: ResponseCache;

  beforeEach(() => {
    now = 1_000_000;
    memory = new MemoryResponseStore(config.cache, { clock: () => now });
    cache = new ResponseCache(memory, config.cache);
  });

  it('stores off the request path and answers a hit with a fresh copy of the entry', async () => {
    cache.store('abc', entry);
    expect(memory.size).toBe(0);
    await nextTick();
    const hit = await cache.lookup('abc');
    expect(hit).toEqual(entry);
    if (hit) hit.response.id = 'altered by a caller';
    expect(await cache.lookup('abc')).toEqual(entry);
  });

  it('misses absent keys, other keys and expired entries', async () => {
    expect(await cache.lookup('abc')).toBeUndefined();
    cache.store('abc', entry);
    await nextTick();
    expect(await cache.lookup('abd')).toBeUndefined();
    now += config.cache.ttlSeconds * 1_000 + 1;
    expect(await cache.lookup('abc')).toBeUndefined();
  });

  it('skips entries over maxEntryBytes', async () => {
    cache.store('big', { ...entry, response: { ...entry.response, id: 'x'.repeat(3_000) } });
    await nextTick();
    expect(memory.size).toBe(0);
  });
});
