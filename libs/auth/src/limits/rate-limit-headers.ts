export interface RateLimitState {
  limit: number;
  remaining: number;
  resetMs: number;
  windowSeconds: number;
}

/**
 * IETF draft (draft-ietf-httpapi-ratelimit-headers) fields: the limit, what is left of it, seconds until
 * the window resets, and the policy (`<limit>;w=<window seconds>`).
 */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'ratelimit-limit': String(state.limit),
    'ratelimit-remaining': String(Math.max(0, state.remaining)),
    'ratelimit-reset': String(Math.max(0, Math.ceil(state.resetMs / 1_000))),
    'ratelimit-policy': `${state.limit};w=${state.windowSeconds}`,
  };
}
