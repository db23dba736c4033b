import type { DeploymentConfig } from '@app/config';
import type { ProviderError } from '../core/provider-error';

/**
 * The router consults these before and after every attempt. Breakers are per process (like Envoy's
 * outlier detection); capacity is shared through Redis by every api and worker instance; health
 * outcomes are recorded in memory on the request path and flushed to Redis off it.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreaker {
  /** false while open; in half-open lets a single trial request through */
  tryAcquire(deploymentId: string): boolean;
  onSuccess(deploymentId: string): void;
  onFailure(deploymentId: string, error: ProviderError): void;
  state(deploymentId: string): BreakerState;
  /** ms until an open breaker goes half-open (0 when not open) */
  remainingCooldownMs(deploymentId: string): number;
}

export interface CapacityReservation {
  deploymentId: string;
  estimatedTokens: number;
  /** the window the reservation was counted in, so `settle` corrects the same counter */
  windowStart: number;
}

export type CapacityDecision =
  { ok: true; reservation: CapacityReservation } | { ok: false; retryAfterMs: number; reason: 'rpm' | 'tpm' };

export interface CapacityLimiter {
  /** One Redis round-trip when the deployment has rpm/tpm limits, none otherwise. */
  reserve(deployment: DeploymentConfig, estimatedTokens: number): Promise<CapacityDecision>;
  /** Replace the estimate with real usage; never awaited on the request path. */
  settle(reservation: CapacityReservation, actualTokens: number): void;
  /** Remaining requests/tokens in the current window, for /providers (null = unlimited). */
  remaining(deployment: DeploymentConfig): Promise<{ requests: number | null; tokens: number | null }>;
}

export interface AttemptOutcome {
  ok: boolean;
  latencyMs: number;
  /** time to first token, streams only */
  ttftMs?: number;
  error?: ProviderError;
}

export interface HealthRecorder {
  attemptStarted(deploymentId: string): void;
  attemptFinished(deploymentId: string, outcome: AttemptOutcome): void;
  /** in-flight attempts in this process (least-busy strategy) */
  inFlight(deploymentId: string): number;
  /** moving-window latency estimate in ms (least-latency strategy); undefined when unknown */
  latencyEstimateMs(deploymentId: string): number | undefined;
}
