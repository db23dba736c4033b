import type { ThrottlerStorage } from '@nestjs/throttler';
import type { TokenWindows } from './rate-windows';
import type { TokenUsage } from './token-budget';

/** @nestjs/throttler's record type (not exported by the package itself). */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

export interface RateHit {
  record: ThrottlerStorageRecord;
  /** ms until the request window resets */
  windowLeftMs: number;
  /** ms until a blocked caller may try again (0 when not blocked) */
  retryAfterMs: number;
  /** the caller's recorded token usage, when token keys were given */
  tokens?: TokenUsage;
}

export type TokenKeys = Pick<TokenWindows, 'minuteKey' | 'dayKey'>;

/** A RateHit from the counted hits, the window and block time left, and (when read) the token usage. */
export function rateHit(
  hits: number,
  windowLeftMs: number,
  retryAfterMs: number,
  tokens?: TokenUsage,
): RateHit {
  return {
    record: {
      totalHits: hits,
      timeToExpire: Math.ceil(windowLeftMs / 1_000),
      isBlocked: retryAfterMs > 0,
      timeToBlockExpire: Math.ceil(retryAfterMs / 1_000),
    },
    windowLeftMs,
    retryAfterMs,
    ...(tokens ? { tokens } : {}),
  };
}

/**
 * Where CallerThrottlerGuard counts requests: Redis in full mode (shared by every instance), the
 * process's memory in embedded mode. `hit` counts one request (limit 0 = not counted) and, given the
 * caller's token keys, also reads the token usage recorded for them.
 */
export abstract class CallerRateStorage implements ThrottlerStorage {
  /** True when counts live in a store other processes share (a round-trip away, see RateHeadroom). */
  abstract readonly shared: boolean;

  abstract hit(
    key: string,
    ttlMs: number,
    limit: number,
    blockDurationMs: number,
    tokenKeys?: TokenKeys,
  ): Promise<RateHit>;

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    _throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    return (await this.hit(key, ttl, limit, blockDuration)).record;
  }
}
