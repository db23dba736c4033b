import type { TokenWindows } from './rate-windows';
import type { TokenUsage } from './token-budget';

/**
 * Where callers' token usage is counted, per clock minute and UTC day (the keys of `tokenWindows`):
 * Redis in full mode, the process's memory in embedded mode. Both methods may reject; callers decide
 * whether that admits or refuses.
 */
export abstract class TokenUsageStore {
  abstract read(windows: Pick<TokenWindows, 'minuteKey' | 'dayKey'>): Promise<TokenUsage>;

  /** Adds `tokens` (a positive integer) to the caller's current minute and day. */
  abstract charge(windows: TokenWindows, tokens: number): Promise<void>;
}
