import { ThrottlerStorageService } from '@nestjs/throttler';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { MemoryTokenUsageStore } from './memory-token-usage.store';
import { requestCounterKey, tokenWindows } from './rate-windows';

const MINUTE = 60_000;

describe('MemoryThrottlerStorage', () => {
  let windows: ThrottlerStorageService;
  let tokens: MemoryTokenUsageStore;
  let storage: MemoryThrottlerStorage;
  const alice = requestCounterKey('p:', 'user:alice', 'default');

  beforeEach(() => {
    jest.useFakeTimers({ now: Date.UTC(2026, 10, 23, 13, 45, 10) });
    windows = new ThrottlerStorageService();
    tokens = new MemoryTokenUsageStore();
    storage = new MemoryThrottlerStorage(windows, tokens);
  });

  afterEach(() => {
    windows.onApplicationShutdown();
    jest.useRealTimers();
  });

  const hits = async (key: string, n: number, limit = 3) => {
    const results = [];
    for (let i = 0; i < n; i++) results.push(await storage.hit(key, MINUTE, limit, 0));
    return results;
  };

  it('counts requests up to the limit, then refuses with the wait until a slot frees', async () => {
    const results = await hits(alice, 4);
    expect(results.map((r) => [r.record.totalHits, r.record.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(results[0]).toMatchObject({ windowLeftMs: MINUTE, retryAfterMs: 0 });
    expect(results[3].retryAfterMs).toBe(MINUTE);

    jest.advanceTimersByTime(20_500);
    const refused = await storage.hit(alice, MINUTE, 3, 0);
    expect(refused.record.isBlocked).toBe(true);
    // Whole seconds, rounded up (the Retry-After header's unit).
    expect(refused.retryAfterMs).toBe(40_000);
  });

  it('admits again once the window has passed', async () => {
    await hits(alice, 4);
    jest.advanceTimersByTime(MINUTE);
    const [again] = await hits(alice, 1);
    expect(again.record).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('keeps a counter per key: per user, per API key, per IP', async () => {
    await hits(alice, 4);
    for (const tracker of ['user:bob', 'key:alice-batch', 'ip:127.0.0.1']) {
      const [first] = await hits(requestCounterKey('p:', tracker, 'default'), 1);
      expect(first.record).toMatchObject({ totalHits: 1, isBlocked: false });
    }
  });

  it('holds an over-limit caller for the block duration when one is set', async () => {
    await hits(alice, 3);
    const blocked = await storage.hit(alice, MINUTE, 3, 5 * MINUTE);
    expect(blocked.record.isBlocked).toBe(true);
    expect(blocked.retryAfterMs).toBe(5 * MINUTE);
  });

  it('does not count requests with no limit (0), but still reads token usage', async () => {
    const tokenKeys = tokenWindows('p:', 'user:alice', Date.now());
    await tokens.charge(tokenKeys, 700);
    const hit = await storage.hit(alice, MINUTE, 0, 0, tokenKeys);
    expect(hit).toMatchObject({ record: { totalHits: 0, isBlocked: false }, retryAfterMs: 0 });
    expect(hit.tokens).toEqual({ minute: 700, day: 700 });
    const [counted] = await hits(alice, 1);
    expect(counted.record.totalHits).toBe(1);
  });

  it('reads the caller’s token usage with a counted request, and none without token keys', async () => {
    const tokenKeys = tokenWindows('p:', 'user:alice', Date.now());
    await tokens.charge(tokenKeys, 40);
    expect((await storage.hit(alice, MINUTE, 3, 0, tokenKeys)).tokens).toEqual({ minute: 40, day: 40 });
    expect((await storage.hit(alice, MINUTE, 3, 0)).tokens).toBeUndefined();
  });

  it('serves @nestjs/throttler’s increment() with the same record', async () => {
    const record = await storage.increment(alice, MINUTE, 1, 0, 'default');
    expect(record).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await storage.increment(alice, MINUTE, 1, 0, 'default')).toMatchObject({ isBlocked: true });
  });
});
