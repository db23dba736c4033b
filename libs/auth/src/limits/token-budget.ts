import type { CallerLimits } from './caller-limits';
import type { TokenWindows } from './rate-windows';

export interface TokenUsage {
  minute: number;
  day: number;
}

export interface TokenBudgetExceeded {
  window: 'minute' | 'day';
  limit: number;
  retryAfterMs: number;
  windowSeconds: number;
}

/**
 * Whether a caller may start another call: refused once the usage recorded in a window has reached its
 * limit (the call in flight when it was reached may overshoot: its tokens are only known afterwards).
 * When both are spent, the day, which waits longer, is reported.
 */
export function exceededTokenBudget(
  limits: Pick<CallerLimits, 'tpm' | 'tpd'>,
  usage: TokenUsage,
  windows: Pick<TokenWindows, 'minuteResetMs' | 'dayResetMs'>,
): TokenBudgetExceeded | undefined {
  if (limits.tpd > 0 && usage.day >= limits.tpd) {
    return { window: 'day', limit: limits.tpd, retryAfterMs: windows.dayResetMs, windowSeconds: 86_400 };
  }
  if (limits.tpm > 0 && usage.minute >= limits.tpm) {
    return { window: 'minute', limit: limits.tpm, retryAfterMs: windows.minuteResetMs, windowSeconds: 60 };
  }
  return undefined;
}
