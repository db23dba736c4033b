import { DomainException, ErrorCode } from '@app/common';
import { AppConfig } from '@app/config';
import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type Resolvable,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import {
  THROTTLER_BLOCK_DURATION,
  THROTTLER_KEY_GENERATOR,
  THROTTLER_LIMIT,
  THROTTLER_SKIP,
  THROTTLER_TRACKER,
  THROTTLER_TTL,
} from '@nestjs/throttler/dist/throttler.constants';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RouteMetadataCache, type RouteTargets } from '../authorization/route-metadata-cache';
import '../principal/request-principal';
import { trackerFor } from './caller-limits';
import { CallerLimitsService } from './caller-limits.service';
import { ENFORCE_TOKEN_BUDGET } from './enforce-token-budget.decorator';
import { rateLimitHeaders } from './rate-limit-headers';
import { EventLoopLoad } from './event-loop-load';
import { RateHeadroom } from './rate-headroom';
import { requestCounterKey, type TokenWindows } from './rate-windows';
import { CallerRateStorage, type RateHit } from './caller-rate.storage';

/** One throttler as a route's decorators (@SkipThrottle, @Throttle...) configure it. */
interface RouteThrottle {
  throttler: ThrottlerOptions;
  skip: boolean;
  limit: Resolvable<number>;
  ttl: Resolvable<number>;
  blockDuration: Resolvable<number> | undefined;
  getTracker: ThrottlerRequest['getTracker'];
  generateKey: ThrottlerRequest['generateKey'];
}

/**
 * Requests per minute per caller, after the auth guard: keyed by user id or API key id (client IP on
 * public routes), limited by role with per-user/per-key overrides, shared across api instances through
 * RedisThrottlerStorage (one round-trip, not awaited for callers far below their limits: see RateHeadroom;
 * MemoryThrottlerStorage in embedded mode). Answers carry
 * RateLimit-* headers; over the limit it is a 429 with Retry-After in the project's error format. Routes
 * marked @EnforceTokenBudget() also have the caller's token budget checked in that same round-trip.
 * @SkipThrottle() exempts a route (health).
 */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  private readonly tokenBudgetRoutes: RouteMetadataCache<boolean>;
  private readonly throttleRoutes: RouteMetadataCache<RouteThrottle[]>;
  /** Present when counts are a round-trip away and config allows admitting on an estimate. */
  private readonly headroom: RateHeadroom | undefined;
  /** A saturated process waits for the count anyway: see EventLoopLoad. */
  private readonly load = new EventLoopLoad();

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly rateStorage: CallerRateStorage,
    private readonly limits: CallerLimitsService,
    private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
    this.tokenBudgetRoutes = new RouteMetadataCache(
      (targets) => reflector.getAllAndOverride<boolean | undefined>(ENFORCE_TOKEN_BUDGET, targets) === true,
    );
    this.throttleRoutes = new RouteMetadataCache((targets) => this.readRouteThrottles(reflector, targets));
    this.headroom = rateStorage.shared && config.auth.limits.admitOnEstimate ? new RateHeadroom() : undefined;
  }

  /**
   * @nestjs/throttler's canActivate with each route's throttle decorators read once, not six metadata
   * lookups and three awaits per request; the same precedence (route, then throttler, then module options)
   * and the same checks of the settings.
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (await this.shouldSkip(context)) return true;
    let allowed = true;
    for (const route of this.throttleRoutes.for(context)) {
      const name = route.throttler.name ?? 'default';
      const skipIf = route.throttler.skipIf ?? this.commonOptions.skipIf;
      if (route.skip || skipIf?.(context)) continue;
      const limitSetting = resolve(route.limit, context);
      const limit = toNumber(isPromise(limitSetting) ? await limitSetting : limitSetting, 'limit', name);
      const ttlSetting = resolve(route.ttl, context);
      const ttl = toNumber(isPromise(ttlSetting) ? await ttlSetting : ttlSetting, 'ttl', name);
      const blockSetting = resolve(route.blockDuration ?? ttl, context);
      const blockDuration = toNumber(
        isPromise(blockSetting) ? await blockSetting : blockSetting,
        'blockDuration',
        name,
      );
      const { throttler, getTracker, generateKey } = route;
      const request = { context, limit, ttl, throttler, blockDuration, getTracker, generateKey };
      allowed = (await this.handleRequest(request)) && allowed;
    }
    return allowed;
  }

  /** Runs at a route's first request, after ThrottlerGuard.onModuleInit set the throttlers and defaults. */
  private readRouteThrottles(reflector: Reflector, targets: RouteTargets): RouteThrottle[] {
    return this.throttlers.map((throttler) => {
      const name = throttler.name ?? 'default';
      const read = <T>(key: string): T | undefined =>
        reflector.getAllAndOverride<T | undefined>(key + name, targets);
      return {
        throttler,
        skip: read<boolean>(THROTTLER_SKIP) === true,
        limit: read<Resolvable<number>>(THROTTLER_LIMIT) ?? throttler.limit,
        ttl: read<Resolvable<number>>(THROTTLER_TTL) ?? throttler.ttl,
        blockDuration: read<Resolvable<number>>(THROTTLER_BLOCK_DURATION) ?? throttler.blockDuration,
        getTracker:
          read<ThrottlerRequest['getTracker']>(THROTTLER_TRACKER) ??
          throttler.getTracker ??
          this.commonOptions.getTracker!,
        generateKey:
          read<ThrottlerRequest['generateKey']>(THROTTLER_KEY_GENERATOR) ??
          throttler.generateKey ??
          this.commonOptions.generateKey!,
      };
    });
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
    const checkTokens = principal !== undefined && this.tokenBudgetRoutes.for(context);
    const callerLimits = this.limits.limitsFor(principal);
    const tokenLimited = checkTokens && (callerLimits.tpm > 0 || callerLimits.tpd > 0);
    if (limit <= 0 && !tokenLimited) return true;

    const tracker = await request.getTracker(req as unknown as Record<string, unknown>, context);
    const key = request.generateKey(context, tracker, throttler.name ?? 'default');
    const now = Date.now();
    const windows = tokenLimited && principal ? this.limits.tokenWindowsFor(principal, now) : undefined;
    const estimate =
      this.headroom && !this.load.busy
        ? this.headroom.admit(key, limit, callerLimits, windows, now)
        : undefined;
    let hit: RateHit;
    if (estimate) {
      hit = estimate;
      this.countInBackground(key, ttl, limit, blockDuration, windows, now);
    } else {
      try {
        hit = await this.rateStorage.hit(key, ttl, limit, blockDuration, windows);
      } catch (error) {
        this.headroom?.forget(key);
        this.limits.failOpenOrThrow(error);
        return true;
      }
      this.headroom?.observe(key, hit, windows, now, false);
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

  /** A request admitted on the estimate is still counted; the answer refreshes the estimate. */
  private countInBackground(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    windows: TokenWindows | undefined,
    sentAt: number,
  ): void {
    this.rateStorage.hit(key, ttl, limit, blockDuration, windows).then(
      (confirmed) => this.headroom?.observe(key, confirmed, windows, sentAt, true),
      // the next request of this caller waits for Redis, and meets the fail-open policy there
      () => this.headroom?.forget(key),
    );
  }
}

/** A setting, or what its function of the request returns (a promise only if that function is async). */
function resolve(value: Resolvable<number>, context: ExecutionContext): number | Promise<number> {
  return typeof value === 'function' ? value(context) : value;
}

function isPromise(value: number | Promise<number>): value is Promise<number> {
  return typeof value === 'object';
}

/** As @nestjs/throttler checks its settings (a numeric string is accepted). */
function toNumber(value: unknown, option: string, throttlerName: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || Number.isNaN(number)) {
    throw new Error(
      `Invalid "${option}" for the "${throttlerName}" throttler: expected a number, got ${JSON.stringify(value)}.`,
    );
  }
  return number;
}
