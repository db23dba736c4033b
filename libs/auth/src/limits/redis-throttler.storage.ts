import { RedisLuaScript } from '@app/redis';
import type Redis from 'ioredis';
import { CallerRateStorage, rateHit, type RateHit, type TokenKeys } from './caller-rate.storage';
import { RATE_HIT_SCRIPT } from './rate-hit.script';

/**
 * @nestjs/throttler storage in Redis, so a limit holds across every api instance: one Lua script, one
 * round-trip per request (fixed window; with `blockDuration` 0 an over-limit caller waits for the window
 * to reset). `hit` can read the caller's token usage in the same script (see CallerThrottlerGuard).
 * The caller prefixes keys; give the client no ioredis `keyPrefix`.
 */
export class RedisThrottlerStorage extends CallerRateStorage {
  readonly shared = true;
  private readonly script = new RedisLuaScript(RATE_HIT_SCRIPT);

  constructor(private readonly redis: Redis) {
    super();
  }

  async hit(
    key: string,
    ttlMs: number,
    limit: number,
    blockDurationMs: number,
    tokenKeys?: TokenKeys,
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
    const tokens = tokenKeys ? { minute: minuteTokens, day: dayTokens } : undefined;
    return rateHit(hits, windowLeftMs, retryAfterMs, tokens);
  }
}

function parseReply(reply: unknown): [number, number, number, number, number] {
  if (!Array.isArray(reply) || reply.length !== 5 || !reply.every((n) => typeof n === 'number')) {
    throw new Error('unexpected reply from the rate limit script');
  }
  return reply as [number, number, number, number, number];
}
