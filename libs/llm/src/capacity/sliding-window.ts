/** Requests and tokens counted in one minute-aligned window (the Redis hash's `r` and `t` fields). */
export interface WindowCounts {
  requests: number;
  tokens: number;
}

export interface SlidingWindowInput {
  now: number;
  windowMs: number;
  rpm: number;
  tpm: number;
  estimatedTokens: number;
  current: WindowCounts;
  previous: WindowCounts;
}

export interface SlidingWindowVerdict {
  reason: 'rpm' | 'tpm' | undefined;
  /** at least 1, like the script's reply, so callers never busy-loop */
  retryAfterMs: number;
  usedRequests: number;
  usedTokens: number;
}

const EPSILON = 1e-9;

/**
 * The decision of RESERVE_SCRIPT (capacity-scripts.ts) in TypeScript, for the in-memory limiter: change
 * both together. usage = previous window × the share of it still inside the last minute + current window.
 */
export function judgeSlidingWindow(input: SlidingWindowInput): SlidingWindowVerdict {
  const { now, windowMs, rpm, tpm, estimatedTokens, current, previous } = input;
  const elapsed = now % windowMs;
  const previousWeight = 1 - elapsed / windowMs;
  const usedRequests = previous.requests * previousWeight + current.requests;
  const usedTokens = previous.tokens * previousWeight + current.tokens;

  // ms until prev × weight + cur + need <= limit, if nothing else arrives meanwhile
  const waitMs = (limit: number, need: number, prev: number, cur: number): number => {
    const room = limit - need - cur;
    if (room >= 0) return Math.ceil((1 - room / prev) * windowMs - elapsed);
    return Math.ceil(windowMs - elapsed + (1 - (limit - need) / cur) * windowMs);
  };

  let reason: SlidingWindowVerdict['reason'];
  let wait = 0;
  if (rpm > 0 && usedRequests + 1 > rpm + EPSILON) {
    reason = 'rpm';
    wait = waitMs(rpm, 1, previous.requests, current.requests);
  }
  if (tpm > 0) {
    // a request larger than the whole budget waits for an idle window instead of being refused forever
    const need = Math.min(estimatedTokens, tpm);
    if (usedTokens + need > tpm + EPSILON) {
      const tokenWait = waitMs(tpm, need, previous.tokens, current.tokens);
      if (reason === undefined || tokenWait > wait) {
        reason = 'tpm';
        wait = tokenWait;
      }
    }
  }
  return { reason, retryAfterMs: Math.max(wait, 1), usedRequests, usedTokens };
}
