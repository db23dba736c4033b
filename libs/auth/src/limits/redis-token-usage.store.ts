import { RedisLuaScript } from '@app/redis';
import type { OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { MINUTE_MS, type TokenWindows } from './rate-windows';
import { TOKEN_CHARGE_SCRIPT } from './token-charge.script';
import type { TokenUsage } from './token-budget';
import { TokenUsageStore } from './token-usage.store';

/** Recorded usage outlives its window by this much (clock skew between instances). */
const KEY_GRACE_MS = MINUTE_MS;

/** How long charges gather before they are sent: far below any window a budget is counted in. */
export const TOKEN_CHARGE_BATCH_MS = 10;

/** Charges gathered for one send, summed per caller window; `sent` settles when Redis has them all. */
interface ChargeBatch {
  charges: Map<string, { windows: TokenWindows; tokens: number }>;
  timer: NodeJS.Timeout;
  sent: Promise<void>;
  settle: (error?: unknown) => void;
}

/**
 * Token usage in Redis, shared by every api and worker process: one round-trip to read. Charges are
 * summed per caller window for TOKEN_CHARGE_BATCH_MS and then sent together (one script call per caller
 * window, pipelined): under load most requests of a busy caller share one call instead of each making a
 * round-trip after its answer. A charge resolves (or rejects) when its batch has been sent; what is
 * still gathering when the module shuts down is sent first.
 */
export class RedisTokenUsageStore extends TokenUsageStore implements OnModuleDestroy {
  private readonly chargeScript = new RedisLuaScript(TOKEN_CHARGE_SCRIPT);
  private gathering: ChargeBatch | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly batchMs = TOKEN_CHARGE_BATCH_MS,
  ) {
    super();
  }

  async read(windows: Pick<TokenWindows, 'minuteKey' | 'dayKey'>): Promise<TokenUsage> {
    const [minute, day] = await this.redis.mget(windows.minuteKey, windows.dayKey);
    return { minute: Number(minute ?? 0), day: Number(day ?? 0) };
  }

  charge(windows: TokenWindows, tokens: number): Promise<void> {
    const batch = (this.gathering ??= this.openBatch());
    const key = `${windows.minuteKey}\n${windows.dayKey}`;
    const pending = batch.charges.get(key);
    if (pending) {
      pending.tokens += tokens;
      pending.windows = windows; // the latest expiries
    } else {
      batch.charges.set(key, { windows, tokens });
    }
    return batch.sent;
  }

  /** Sends what is gathering now (also at shutdown, before the Redis client closes). */
  async flush(): Promise<void> {
    const batch = this.gathering;
    if (!batch) return;
    this.gathering = undefined;
    clearTimeout(batch.timer);
    try {
      await Promise.all(
        [...batch.charges.values()].map(({ windows, tokens }) =>
          this.chargeScript.run(
            this.redis,
            [windows.minuteKey, windows.dayKey],
            [tokens, windows.minuteResetMs + KEY_GRACE_MS, windows.dayResetMs + KEY_GRACE_MS],
          ),
        ),
      );
      batch.settle();
    } catch (error) {
      batch.settle(error ?? new Error('token charge failed'));
    }
  }

  onModuleDestroy(): Promise<void> {
    return this.flush();
  }

  private openBatch(): ChargeBatch {
    let settle!: (error?: unknown) => void;
    const sent = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // each charge's caller handles the outcome; a batch nobody awaits must not be an unhandled rejection
    sent.catch(() => undefined);
    const timer = setTimeout(() => void this.flush(), this.batchMs);
    timer.unref();
    return { charges: new Map(), timer, sent, settle };
  }
}
