import { DomainException, ErrorCode } from '@app/common';
import { AppConfig } from '@app/config';
import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import '../principal/request-principal';
import { trackerFor } from './caller-limits';
import { CallerLimitsService } from './caller-limits.service';
import { ENFORCE_TOKEN_BUDGET } from './enforce-token-budget.decorator';
import { rateLimitHeaders } from './rate-limit-headers';
import { requestCounterKey } from './rate-windows';
import { RedisThrottlerStorage, type RateHit } from './redis-throttler.storage';

/**
 * Requests per minute per caller, after the auth guard: keyed by user id or API key id (client IP on
 * public routes), limited by role with per-user/per-key overrides, shared across api instances through
 * RedisThrottlerStorage (one round-trip). Answers carry RateLimit-* headers; over the limit it is a 429
 * with Retry-After in the project's error format. Routes marked @EnforceTokenBudget() also have the
 * caller's token budget checked in that same round-trip. @SkipThrottle() exempts a route (health).
 */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly redisStorage: RedisThrottlerStorage,
    private readonly limits: CallerLimitsService,
    private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = (req as unknown as FastifyRequest).principal;
    return principal ? trackerFor(principal) : `ip:${await super.getTracker(req)}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return requestCounterKey(this.config.redis.keyPrefix, tracker, throttlerName);
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, blockDuration, throttler } = request;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = req.principal;
    const checkTokens =
      principal !== undefined &&
      this.reflector.getAllAndOverride<boolean | undefined>(ENFORCE_TOKEN_BUDGET, [
        context.getHandler(),
        context.getClass(),
      ]) === true;
    const callerLimits = this.limits.limitsFor(principal);
    const tokenLimited = checkTokens && (callerLimits.tpm > 0 || callerLimits.tpd > 0);
    if (limit <= 0 && !tokenLimited) return true;

    const tracker = await request.getTracker(req as unknown as Record<string, unknown>, context);
    const key = request.generateKey(context, tracker, throttler.name ?? 'default');
    const now = Date.now();
    const windows = tokenLimited && principal ? this.limits.tokenWindowsFor(principal, now) : undefined;
    let hit: RateHit;
    try {
      hit = await this.redisStorage.hit(key, ttl, limit, blockDuration, windows);
    } catch (error) {
      this.limits.failOpenOrThrow(error);
      return true;
    }

    if (limit > 0) {
      const headers = rateLimitHeaders({
        limit,
        remaining: limit - hit.record.totalHits,
        resetMs: hit.retryAfterMs || hit.windowLeftMs,
        windowSeconds: Math.round(ttl / 1_000),
      });
      if (hit.record.isBlocked) {
        throw new DomainException({
          status: 429,
          code: ErrorCode.RateLimited,
          message: `Too many requests: the limit is ${limit} per ${Math.round(ttl / 1_000)} s`,
          retryAfterMs: hit.retryAfterMs,
          headers,
        });
      }
      const reply = context.switchToHttp().getResponse<FastifyReply>();
      for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
    }
    if (windows && hit.tokens) this.limits.assertUsageWithin(callerLimits, hit.tokens, windows);
    return true;
  }
}
