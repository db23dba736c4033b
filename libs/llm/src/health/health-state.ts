import type { BreakerState } from '../router/deployment-gates';
import type { LastError } from './deployment-stats';

export type HealthState = 'healthy' | 'degraded' | 'down' | 'cooling';

export interface HealthSnapshot {
  state: HealthState;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  ttftP50Ms: number | null;
  /** errors / requests over the stats window (0 when there were no requests) */
  errorRate: number;
  requests: number;
  inFlight: number;
  consecutiveFailures: number;
  lastError: LastError | null;
  lastSuccessAt: number | null;
  breaker: BreakerState;
}

export interface HealthThresholds {
  /** this many failures in a row (requests or probes) and nothing since: down */
  downAfterConsecutiveFailures: number;
  degradedErrorRate: number;
  /** below this many requests in the window the error rate is noise */
  minRequestsForErrorRate: number;
  /** window p50 above baseline × this: degraded */
  degradedLatencyFactor: number;
  minSamplesForLatency: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  downAfterConsecutiveFailures: 3,
  degradedErrorRate: 0.2,
  minRequestsForErrorRate: 5,
  degradedLatencyFactor: 3,
  minSamplesForLatency: 5,
};

export interface HealthSignals {
  breaker: BreakerState;
  probeFailing: boolean;
  consecutiveFailures: number;
  requests: number;
  errors: number;
  latencyP50Ms: number | undefined;
  latencySamples: number;
  latencyBaselineMs: number | undefined;
}

/** Worst first: a cooling breaker explains everything else, then outright failure, then symptoms. */
export function classifyHealth(
  signals: HealthSignals,
  thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
): HealthState {
  if (signals.breaker !== 'closed') return 'cooling';
  if (signals.probeFailing || signals.consecutiveFailures >= thresholds.downAfterConsecutiveFailures)
    return 'down';
  const errorRate = signals.requests > 0 ? signals.errors / signals.requests : 0;
  if (signals.requests >= thresholds.minRequestsForErrorRate && errorRate >= thresholds.degradedErrorRate)
    return 'degraded';
  if (isSlowerThanBaseline(signals, thresholds)) return 'degraded';
  return 'healthy';
}

function isSlowerThanBaseline(signals: HealthSignals, thresholds: HealthThresholds): boolean {
  if (signals.latencyP50Ms === undefined || signals.latencyBaselineMs === undefined) return false;
  if (signals.latencySamples < thresholds.minSamplesForLatency) return false;
  return signals.latencyP50Ms > signals.latencyBaselineMs * thresholds.degradedLatencyFactor;
}
