import type { DeploymentConfig } from '@app/config';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { CapacityDecision, CapacityLimiter, CapacityReservation } from '../router/deployment-gates';
import { hasLimits, headroom, sanitizeTokens } from './capacity-limits';
import { CAPACITY_KEY_TTL_MS, CAPACITY_WINDOW_MS, capacityKey, windowStartOf } from './capacity-window';
import { parseReserveReply, RESERVE_SCRIPT, SETTLE_SCRIPT } from './capacity-scripts';
import { LuaScript } from './lua-script';
import { errorMessage, ThrottledWarning, type WarnLogger } from './throttled-warning';

export interface RedisCapacityLimiterOptions {
  /** Prepended to every key (`RedisConfig.keyPrefix`); give the client no ioredis `keyPrefix` of its own. */
  keyPrefix: string;
  clock?: () => number;
  /** Admit when Redis cannot answer, so a Redis blip never becomes a failed request. Default true. */
  failOpen?: boolean;
  /** At most one "failing open" warning per this many ms. Default 30 s. */
  warningIntervalMs?: number;
  logger?: WarnLogger;
}

/**
 * RPM/TPM per deployment, shared by every api and worker process through Redis: one Lua script checks
 * and reserves both limits atomically, so a deployment with limits costs exactly one round-trip per
 * attempt and one without limits costs none.
 *
 * Expects a client that fails fast while disconnected (`enableOfflineQueue: false` and a short
 * `commandTimeout`, as `createRedisClient` in @app/redis sets up); a client that is not ready is not even
 * asked, so a reconnecting Redis adds no latency.
 */
export class RedisCapacityLimiter implements CapacityLimiter {
  private readonly reserveScript = new LuaScript(RESERVE_SCRIPT);
  private readonly settleScript = new LuaScript(SETTLE_SCRIPT);
  private readonly keyPrefix: string;
  private readonly clock: () => number;
  private readonly failOpen: boolean;
  private readonly warning: ThrottledWarning;
  /** Reservations whose tokens were counted in Redis: only these are corrected, and only once. */
  private readonly pendingSettlement = new WeakSet<CapacityReservation>();

  constructor(
    private readonly redis: Redis,
    options: RedisCapacityLimiterOptions,
  ) {
    this.keyPrefix = options.keyPrefix;
    this.clock = options.clock ?? (() => Date.now());
    this.failOpen = options.failOpen ?? true;
    const logger = options.logger ?? new Logger(RedisCapacityLimiter.name);
    this.warning = new ThrottledWarning(logger, options.warningIntervalMs ?? 30_000, this.clock);
  }

  async reserve(deployment: DeploymentConfig, estimatedTokens: number): Promise<CapacityDecision> {
    const now = this.clock();
    const estimate = sanitizeTokens(estimatedTokens);
    const reservation: CapacityReservation = {
      deploymentId: deployment.id,
      estimatedTokens: estimate,
      windowStart: windowStartOf(now),
    };
    if (!hasLimits(deployment)) return { ok: true, reservation };
    if (this.failOpen && this.redis.status !== 'ready') {
      this.warning.warn(`capacity limits not enforced: Redis is ${this.redis.status}; failing open`);
      return { ok: true, reservation };
    }

    try {
      const reply = parseReserveReply(
        await this.reserveScript.run(this.redis, this.windowKeys(deployment.id, reservation.windowStart), [
          now,
          CAPACITY_WINDOW_MS,
          deployment.rpm,
          deployment.tpm,
          estimate,
          1,
          CAPACITY_KEY_TTL_MS,
        ]),
      );
      if (!reply.admitted)
        return { ok: false, retryAfterMs: reply.retryAfterMs, reason: reply.reason ?? 'rpm' };
    } catch (error) {
      if (!this.failOpen) throw error;
      this.warning.warn(`capacity limits not enforced: ${errorMessage(error)}; failing open`);
      return { ok: true, reservation };
    }

    if (deployment.tpm > 0) this.pendingSettlement.add(reservation);
    return { ok: true, reservation };
  }

  settle(reservation: CapacityReservation, actualTokens: number): void {
    if (!this.pendingSettlement.delete(reservation)) return;
    const delta = sanitizeTokens(actualTokens) - reservation.estimatedTokens;
    if (delta === 0 || this.redis.status !== 'ready') return;
    const key = capacityKey(this.keyPrefix, reservation.deploymentId, reservation.windowStart);
    this.settleScript
      .run(this.redis, [key], [delta])
      .catch((error: unknown) => this.warning.warn(`capacity settle dropped: ${errorMessage(error)}`));
  }

  /** Headroom in the sliding window right now; rejects when Redis cannot answer (not on the request path). */
  async remaining(deployment: DeploymentConfig): Promise<{ requests: number | null; tokens: number | null }> {
    if (!hasLimits(deployment)) return { requests: null, tokens: null };
    const now = this.clock();
    const reply = parseReserveReply(
      await this.reserveScript.run(this.redis, this.windowKeys(deployment.id, windowStartOf(now)), [
        now,
        CAPACITY_WINDOW_MS,
        deployment.rpm,
        deployment.tpm,
        0,
        0,
        CAPACITY_KEY_TTL_MS,
      ]),
    );
    return {
      requests: deployment.rpm > 0 ? headroom(deployment.rpm, reply.usedRequests) : null,
      tokens: deployment.tpm > 0 ? headroom(deployment.tpm, reply.usedTokens) : null,
    };
  }

  private windowKeys(deploymentId: string, windowStart: number): [string, string] {
    return [
      capacityKey(this.keyPrefix, deploymentId, windowStart),
      capacityKey(this.keyPrefix, deploymentId, windowStart - CAPACITY_WINDOW_MS),
    ];
  }
}
