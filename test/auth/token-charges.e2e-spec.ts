import { tokenWindows } from '@app/auth/limits/rate-windows';
import { RedisTokenUsageStore } from '@app/auth/limits/redis-token-usage.store';
import type Redis from 'ioredis';
import { connectedClient, unreachableClient } from '../llm/redis-test-clients';
import { uniquePrefix } from '../support/services';

/** Counts the commands a client sends, by name. */
function countCommands(redis: Redis): Map<string, number> {
  const counts = new Map<string, number>();
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
    counts.set(command.name, (counts.get(command.name) ?? 0) + 1);
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as Redis['sendCommand'];
  return counts;
}

describe('RedisTokenUsageStore: token charges on a real Redis', () => {
  let redis: Redis;

  beforeAll(async () => {
    redis = await connectedClient();
  });
  afterAll(() => redis?.quit());

  it('sums the charges of a busy caller into one script call per window pair, resolved once stored', async () => {
    const prefix = uniquePrefix('charges');
    const store = new RedisTokenUsageStore(redis);
    const now = Date.now();
    const alice = tokenWindows(prefix, 'user:alice', now);
    const bob = tokenWindows(prefix, 'key:bob', now);
    const counts = countCommands(redis);

    const charges = [
      ...Array.from({ length: 20 }, () => store.charge(alice, 7)),
      store.charge(bob, 3),
      store.charge(bob, 4),
    ];
    await Promise.all(charges);

    expect(await store.read(alice)).toEqual({ minute: 140, day: 140 });
    expect(await store.read(bob)).toEqual({ minute: 7, day: 7 });
    const scriptCalls = (counts.get('evalsha') ?? 0) + (counts.get('eval') ?? 0);
    expect(scriptCalls).toBeGreaterThanOrEqual(2);
    expect(scriptCalls).toBeLessThanOrEqual(4); // a first NOSCRIPT retries once per window pair
    expect(await redis.pttl(alice.minuteKey)).toBeGreaterThan(alice.minuteResetMs);
  });

  it('keeps charges made after a send for the next one', async () => {
    const prefix = uniquePrefix('charges');
    const store = new RedisTokenUsageStore(redis);
    const windows = tokenWindows(prefix, 'user:carol', Date.now());
    await store.charge(windows, 5);
    await store.charge(windows, 6);
    expect(await store.read(windows)).toEqual({ minute: 11, day: 11 });
  });

  it('sends what is still gathering when flushed (shutdown), without waiting for the batch', async () => {
    const prefix = uniquePrefix('charges');
    const store = new RedisTokenUsageStore(redis, 60_000);
    const windows = tokenWindows(prefix, 'user:dave', Date.now());
    const charged = store.charge(windows, 9);
    await store.onModuleDestroy();
    await charged;
    expect(await store.read(windows)).toEqual({ minute: 9, day: 9 });
  });

  it('rejects every charge of a batch Redis did not take', async () => {
    const down = await unreachableClient();
    try {
      const store = new RedisTokenUsageStore(down, 1);
      const windows = tokenWindows(uniquePrefix('charges'), 'user:erin', Date.now());
      const outcomes = await Promise.allSettled([store.charge(windows, 1), store.charge(windows, 2)]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    } finally {
      down.disconnect();
    }
  });
});
