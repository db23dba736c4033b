import type { DeploymentConfig } from '@app/config';
import { LRUCache } from 'lru-cache';
import type { CapacityDecision, CapacityLimiter, CapacityReservation } from '../router/deployment-gates';
import { hasLimits, headroom, sanitizeTokens } from './capacity-limits';
import { CAPACITY_KEY_TTL_MS, CAPACITY_WINDOW_MS, capacityKey, windowStartOf } from './capacity-window';
import { judgeSlidingWindow, type WindowCounts } from './sliding-window';

export interface MemoryCapacityLimiterOptions {
  clock?: () => number;
  /** Windows kept at most (two per limited deployment are live). Default 10,000. */
  maxWindows?: number;
}

const EMPTY: WindowCounts = Object.freeze({ requests: 0, tokens: 0 });

/**
 * RPM/TPM per deployment for a single process (embedded mode): the Redis limiter's windows, keys, TTL and
 * sliding-window math, held in an LRU cache. Every container of the process must share one instance
 * (`processWide`), since vendor limits are per deployment, not per caller.
 */
export class MemoryCapacityLimiter implements CapacityLimiter {
  private readonly windows: LRUCache<string, WindowCounts>;
  private readonly clock: () => number;
  /** Reservations whose tokens were counted: only these are corrected, and only once. */
  private readonly pendingSettlement = new WeakSet<CapacityReservation>();

  constructor(options: MemoryCapacityLimiterOptions = {}) {
    this.clock = options.clock ?? (() => Date.now());
    this.windows = new LRUCache<string, WindowCounts>({
      max: options.maxWindows ?? 10_000,
      ttl: CAPACITY_KEY_TTL_MS,
      // exact expiry on every read, against the same clock as the window math (no cached "now" timer)
      ttlResolution: 0,
      perf: { now: this.clock },
    });
  }

  reserve(deployment: DeploymentConfig, estimatedTokens: number): Promise<CapacityDecision> {
    const now = this.clock();
    const estimate = sanitizeTokens(estimatedTokens);
    const reservation: CapacityReservation = {
      deploymentId: deployment.id,
      estimatedTokens: estimate,
      windowStart: windowStartOf(now),
    };
    if (!hasLimits(deployment)) return Promise.resolve({ ok: true, reservation });

    const [currentKey, previousKey] = this.windowKeys(deployment.id, reservation.windowStart);
    const current = this.windows.get(currentKey) ?? { requests: 0, tokens: 0 };
    const verdict = judgeSlidingWindow({
      now,
      windowMs: CAPACITY_WINDOW_MS,
      rpm: deployment.rpm,
      tpm: deployment.tpm,
      estimatedTokens: estimate,
      current,
      previous: this.windows.get(previousKey) ?? EMPTY,
    });
    if (verdict.reason)
      return Promise.resolve({ ok: false, retryAfterMs: verdict.retryAfterMs, reason: verdict.reason });

    current.requests += 1;
    if (deployment.tpm > 0) {
      current.tokens += estimate;
      this.pendingSettlement.add(reservation);
    }
    this.windows.set(currentKey, current); // (re)starts the TTL, like the script's PEXPIRE
    return Promise.resolve({ ok: true, reservation });
  }

  settle(reservation: CapacityReservation, actualTokens: number): void {
    if (!this.pendingSettlement.delete(reservation)) return;
    const delta = sanitizeTokens(actualTokens) - reservation.estimatedTokens;
    // a window that already expired is not recreated (the Redis settle script behaves the same)
    const counted = this.windows.get(this.windowKeys(reservation.deploymentId, reservation.windowStart)[0]);
    if (counted) counted.tokens += delta;
  }

  remaining(deployment: DeploymentConfig): Promise<{ requests: number | null; tokens: number | null }> {
    if (!hasLimits(deployment)) return Promise.resolve({ requests: null, tokens: null });
    const now = this.clock();
    const [currentKey, previousKey] = this.windowKeys(deployment.id, windowStartOf(now));
    const verdict = judgeSlidingWindow({
      now,
      windowMs: CAPACITY_WINDOW_MS,
      rpm: deployment.rpm,
      tpm: deployment.tpm,
      estimatedTokens: 0,
      current: this.windows.get(currentKey) ?? EMPTY,
      previous: this.windows.get(previousKey) ?? EMPTY,
    });
    return Promise.resolve({
      requests: deployment.rpm > 0 ? headroom(deployment.rpm, verdict.usedRequests) : null,
      tokens: deployment.tpm > 0 ? headroom(deployment.tpm, verdict.usedTokens) : null,
    });
  }

  private windowKeys(deploymentId: string, windowStart: number): [string, string] {
    return [
      capacityKey('', deploymentId, windowStart),
      capacityKey('', deploymentId, windowStart - CAPACITY_WINDOW_MS),
    ];
  }
}
