import { RedisLuaScript } from '@app/redis';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { RATE_HIT_SCRIPT } from './rate-hit.script';
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

/**
 * @nestjs/throttler storage in Redis, so a limit holds across every api instance: one Lua script, one
 * round-trip per request (fixed window; with `blockDuration` 0 an over-limit caller waits for the window
 * to reset). `hit` can read the caller's token usage in the same script (see CallerThrottlerGuard).
 * The caller prefixes keys; give the client no ioredis `keyPrefix`.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly script = new RedisLuaScript(RATE_HIT_SCRIPT);

  constructor(private readonly redis: Redis) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    _throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    return (await this.hit(key, ttl, limit, blockDuration)).record;
  }

  async hit(
    key: string,
    ttlMs: number,
    limit: number,
    blockDurationMs: number,
    tokenKeys?: { minuteKey: string; dayKey: string },
  ): Promise<RateHit> {
    const keys = [key, `${key}:block`];
    if (tokenKeys) keys.push(tokenKeys.minuteKey, tokenKeys.dayKey);
    const reply = await this.script.run(this.redis, keys, [
      ttlMs,
      Math.max(0, limit),
      Math.max(0, blockDurationMs),
    ]);
    const [hits, windowLeftMs, blockLeftMs, minuteTokens, dayTokens] = parseReply(reply);
    const overLimit = limit > 0 && hits > limit;
    const retryAfterMs = blockLeftMs > 0 ? blockLeftMs : overLimit ? windowLeftMs : 0;
    return {
      record: {
        totalHits: hits,
        timeToExpire: Math.ceil(windowLeftMs / 1_000),
        isBlocked: retryAfterMs > 0,
        timeToBlockExpire: Math.ceil(retryAfterMs / 1_000),
      },
      windowLeftMs,
      retryAfterMs,
      ...(tokenKeys ? { tokens: { minute: minuteTokens, day: dayTokens } } : {}),
    };
  }
}

function parseReply(reply: unknown): [number, number, number, number, number] {
  if (!Array.isArray(reply) || reply.length !== 5 || !reply.every((n) => typeof n === 'number')) {
    throw new Error('unexpected reply from the rate limit script');
  }
  return reply as [number, number, number, number, number];
}
