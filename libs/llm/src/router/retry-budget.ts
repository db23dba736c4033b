import type { RetryConfig } from '@app/config';
import { type RouterClock, systemClock } from './clock';
import { RollingCounter } from './rolling-counter';

const REQUESTS = 0;
const RETRIES = 1;
const WINDOW_MS = 1_000;
const BUCKETS = 10;

export type RetryBudgetConfig = Pick<RetryConfig, 'budgetRatio' | 'budgetMinPerSecond'>;

/**
 * Envoy-style retry budget for this process: over the last second, retries may be at most
 * max(budgetMinPerSecond, budgetRatio × requests). A retry is any attempt after a request's first.
 * Only retries of the same deployment ask for permission; fallbacks to another deployment are counted
 * (they are load the failure caused) but never refused, because they are what keeps requests succeeding
 * and they are already bounded by the candidate list and the breakers. So under a failing deployment the
 * fallbacks use up the budget and same-deployment retries stop first.
 */
export class RetryBudget {
  private readonly window = new RollingCounter(WINDOW_MS, BUCKETS, 2);

  constructor(
    private readonly config: RetryBudgetConfig,
    private readonly clock: Pick<RouterClock, 'now'> = systemClock,
  ) {}

  recordRequest(): void {
    this.window.add(REQUESTS, this.clock.now());
  }

  recordFallback(): void {
    this.window.add(RETRIES, this.clock.now());
  }

  /** Counts the retry and returns true when the budget allows it. */
  tryAcquireRetry(): boolean {
    const now = this.clock.now();
    if (this.window.sum(RETRIES, now) + 1 > this.limit(now)) return false;
    this.window.add(RETRIES, now);
    return true;
  }

  /** Current counts, for metrics and tests. */
  snapshot(): { requests: number; retries: number; limit: number } {
    const now = this.clock.now();
    return {
      requests: this.window.sum(REQUESTS, now),
      retries: this.window.sum(RETRIES, now),
      limit: this.limit(now),
    };
  }

  private limit(now: number): number {
    return Math.max(this.config.budgetMinPerSecond, this.config.budgetRatio * this.window.sum(REQUESTS, now));
  }
}
