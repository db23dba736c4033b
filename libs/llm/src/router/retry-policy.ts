import type { RetryConfig } from '@app/config';
import type { ProviderError } from '../core/provider-error';

export type RetryPolicyConfig = Pick<RetryConfig, 'baseDelayMs' | 'maxDelayMs'>;

/**
 * How long to wait before retrying the same deployment: exponential backoff with full jitter
 * (uniform in [0, min(maxDelayMs, baseDelayMs · 2^n)]), but never less than the vendor's Retry-After.
 */
export class RetryPolicy {
  constructor(
    private readonly config: RetryPolicyConfig,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * @param retryIndex 0 for the first retry of this deployment, 1 for the second...
   * @param remainingMs time left before the request's deadline
   * @returns the delay in ms, or undefined when the retry could not start before the deadline (so the
   *          caller should move on to the next deployment instead of waiting)
   */
  retryDelayMs(retryIndex: number, error: ProviderError, remainingMs: number): number | undefined {
    const cap = Math.min(this.config.maxDelayMs, this.config.baseDelayMs * 2 ** retryIndex);
    let delay = Math.floor(this.random() * cap);
    if (error.retryAfterMs !== undefined && error.retryAfterMs > delay) delay = error.retryAfterMs;
    return delay < remainingMs ? delay : undefined;
  }
}
