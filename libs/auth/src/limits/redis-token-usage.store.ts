import { RedisLuaScript } from '@app/redis';
import type Redis from 'ioredis';
import { MINUTE_MS, type TokenWindows } from './rate-windows';
import { TOKEN_CHARGE_SCRIPT } from './token-charge.script';
import type { TokenUsage } from './token-budget';
import { TokenUsageStore } from './token-usage.store';

/** Recorded usage outlives its window by this much (clock skew between instances). */
const KEY_GRACE_MS = MINUTE_MS;

/** Token usage in Redis, shared by every api and worker process: one round-trip to read, one to charge. */
export class RedisTokenUsageStore extends TokenUsageStore {
  private readonly chargeScript = new RedisLuaScript(TOKEN_CHARGE_SCRIPT);

  constructor(private readonly redis: Redis) {
    super();
  }

  async read(windows: Pick<TokenWindows, 'minuteKey' | 'dayKey'>): Promise<TokenUsage> {
    const [minute, day] = await this.redis.mget(windows.minuteKey, windows.dayKey);
    return { minute: Number(minute ?? 0), day: Number(day ?? 0) };
  }

  async charge(windows: TokenWindows, tokens: number): Promise<void> {
    await this.chargeScript.run(
      this.redis,
      [windows.minuteKey, windows.dayKey],
      [tokens, windows.minuteResetMs + KEY_GRACE_MS, windows.dayResetMs + KEY_GRACE_MS],
    );
  }
}
