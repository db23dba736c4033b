import { ThrottlerStorageService } from '@nestjs/throttler';
import { CallerRateStorage, type RateHit, type TokenKeys } from './caller-rate.storage';
import type { TokenUsageStore } from './token-usage.store';

/** Every request key already names its throttler (see requestCounterKey). */
const THROTTLER_NAME = 'default';

const NOT_COUNTED: RateHit['record'] = {
  totalHits: 0,
  timeToExpire: 0,
  isBlocked: false,
  timeToBlockExpire: 0,
};

/**
 * Embedded mode's request counting: @nestjs/throttler's own in-memory storage, read alongside the
 * caller's token usage. Unlike the Redis script's fixed window, each hit expires `ttl` after it was
 * made; the 429, Retry-After and RateLimit-* answers are the same. The storage is not a Nest provider
 * here, so one container's shutdown does not clear windows another container in the process still uses.
 */
export class MemoryThrottlerStorage extends CallerRateStorage {
  readonly shared = false;

  constructor(
    private readonly windows: ThrottlerStorageService,
    private readonly tokens: TokenUsageStore,
  ) {
    super();
  }

  async hit(
    key: string,
    ttlMs: number,
    limit: number,
    blockDurationMs: number,
    tokenKeys?: TokenKeys,
  ): Promise<RateHit> {
    const tokens = tokenKeys ? { tokens: await this.tokens.read(tokenKeys) } : {};
    if (limit <= 0) return { record: NOT_COUNTED, windowLeftMs: 0, retryAfterMs: 0, ...tokens };
    const record = await this.windows.increment(
      key,
      ttlMs,
      limit,
      Math.max(0, blockDurationMs),
      THROTTLER_NAME,
    );
    // The library answers in whole seconds; a refusal always asks for at least one.
    const retryAfterMs = record.isBlocked ? Math.max(1, record.timeToBlockExpire) * 1_000 : 0;
    return { record, windowLeftMs: Math.max(0, record.timeToExpire) * 1_000, retryAfterMs, ...tokens };
  }
}
