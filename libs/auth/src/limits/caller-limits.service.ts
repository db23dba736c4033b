import { DomainException, ErrorCode } from '@app/common';
import { AppConfig } from '@app/config';
import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../principal/principal';
import { errorMessage, ThrottledWarning } from '../shared/throttled-warning';
import { resolveCallerLimits, trackerFor, type CallerLimits } from './caller-limits';
import { rateLimitHeaders } from './rate-limit-headers';
import { tokenWindows, type TokenWindows } from './rate-windows';
import { exceededTokenBudget, type TokenUsage } from './token-budget';
import { TokenUsageStore } from './token-usage.store';

/**
 * Per-caller token budgets (per minute and per UTC day, per user or API key), shared by every api and
 * worker process through a TokenUsageStore (Redis; process memory in embedded mode). Before a chat
 * call: `assertWithinTokenBudget` (one round-trip), or mark the route @EnforceTokenBudget() to have the
 * throttler guard check it in its own round-trip. After the call: `recordTokens` with the real usage
 * (one round-trip, never throws: fire and forget).
 */
@Injectable()
export class CallerLimitsService {
  private readonly warning = new ThrottledWarning(new Logger(CallerLimitsService.name));

  constructor(
    private readonly tokens: TokenUsageStore,
    private readonly config: AppConfig,
  ) {}

  limitsFor(principal: Principal | undefined): CallerLimits {
    return resolveCallerLimits(principal, this.config.auth.limits);
  }

  tokenWindowsFor(principal: Principal, now = Date.now()): TokenWindows {
    return tokenWindows(this.config.redis.keyPrefix, trackerFor(principal), now);
  }

  /** 429 with Retry-After and RateLimit-* headers when the caller's token budget is spent. */
  async assertWithinTokenBudget(principal: Principal): Promise<void> {
    const limits = this.limitsFor(principal);
    if (limits.tpm <= 0 && limits.tpd <= 0) return;
    const now = Date.now();
    const windows = this.tokenWindowsFor(principal, now);
    let usage: TokenUsage;
    try {
      usage = await this.tokens.read(windows);
    } catch (error) {
      this.failOpenOrThrow(error);
      return;
    }
    this.assertUsageWithin(limits, usage, windows);
  }

  /** Throws the 429 for usage already read (by the throttler guard's script). */
  assertUsageWithin(limits: CallerLimits, usage: TokenUsage, windows: TokenWindows): void {
    const exceeded = exceededTokenBudget(limits, usage, windows);
    if (!exceeded) return;
    throw new DomainException({
      status: 429,
      code: ErrorCode.RateLimited,
      message: `Token limit reached: ${exceeded.limit} tokens per ${exceeded.window}`,
      retryAfterMs: exceeded.retryAfterMs,
      headers: rateLimitHeaders({
        limit: exceeded.limit,
        remaining: 0,
        resetMs: exceeded.retryAfterMs,
        windowSeconds: exceeded.windowSeconds,
      }),
    });
  }

  /** Adds a finished call's tokens to the caller's minute and day. Never rejects. */
  async recordTokens(principal: Principal, tokens: number): Promise<void> {
    const amount = Math.floor(tokens);
    if (!Number.isFinite(amount) || amount <= 0) return;
    const windows = this.tokenWindowsFor(principal);
    try {
      await this.tokens.charge(windows, amount);
    } catch (error) {
      this.warning.warn(`token usage not recorded: ${errorMessage(error)}`);
    }
  }

  /** Redis could not answer a limit check: admit (warn, at most twice a minute) or refuse with 503. */
  failOpenOrThrow(error: unknown): void {
    if (this.config.auth.limits.failOpen) {
      this.warning.warn(`caller limits not enforced, Redis failed: ${errorMessage(error)}`);
      return;
    }
    throw new DomainException({
      status: 503,
      code: ErrorCode.ServiceUnavailable,
      message: 'Rate limiting is unavailable; try again shortly',
      retryAfterMs: 5_000,
    });
  }
}
