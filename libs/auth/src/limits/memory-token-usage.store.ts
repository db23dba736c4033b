import { LRUCache } from 'lru-cache';
import type { TokenWindows } from './rate-windows';
import type { TokenUsage } from './token-budget';
import { TokenUsageStore } from './token-usage.store';

/** Two counters per active caller; past this the least recently used are forgotten (memory stays bounded). */
const MAX_COUNTERS = 100_000;

/**
 * Token usage in this process (embedded mode: the api and the worker share one instance through
 * `processWide`). Each counter expires when its minute or day ends, as the Redis keys do.
 */
export class MemoryTokenUsageStore extends TokenUsageStore {
  private readonly counters: LRUCache<string, number>;

  constructor(clock: () => number = () => Date.now(), maxCounters = MAX_COUNTERS) {
    super();
    // ttlResolution 0: read the clock on every check rather than caching it behind a timer.
    this.counters = new LRUCache<string, number>({
      max: maxCounters,
      perf: { now: clock },
      ttlResolution: 0,
    });
  }

  async read(windows: Pick<TokenWindows, 'minuteKey' | 'dayKey'>): Promise<TokenUsage> {
    return {
      minute: this.counters.get(windows.minuteKey) ?? 0,
      day: this.counters.get(windows.dayKey) ?? 0,
    };
  }

  async charge(windows: TokenWindows, tokens: number): Promise<void> {
    this.add(windows.minuteKey, tokens, windows.minuteResetMs);
    this.add(windows.dayKey, tokens, windows.dayResetMs);
  }

  private add(key: string, tokens: number, ttlMs: number): void {
    this.counters.set(key, (this.counters.get(key) ?? 0) + tokens, { ttl: Math.max(1, ttlMs) });
  }
}
