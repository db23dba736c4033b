import type { BreakerState } from '../router/deployment-gates';
import type { DeploymentStats, LastError } from './deployment-stats';
import {
  classifyHealth,
  DEFAULT_HEALTH_THRESHOLDS,
  type HealthSnapshot,
  type HealthThresholds,
} from './health-state';
import { LatencyHistogram, type SparseHistogram } from './latency-histogram';

/** One process's view of one deployment, as flushed to Redis (one hash field per instance). */
export interface InstanceHealthReport {
  at: number;
  requests: number;
  errors: number;
  inFlight: number;
  consecutiveFailures: number;
  latency: SparseHistogram;
  ttft: SparseHistogram;
  latencyBaselineMs: number | null;
  lastError: LastError | null;
  lastSuccessAt: number | null;
  probeFailing: boolean;
  lastProbeAt: number | null;
  breaker: BreakerState;
}

export interface SharedHealthSnapshot extends HealthSnapshot {
  /** processes whose fresh report went into this view */
  instances: number;
}

export function reportOf(stats: DeploymentStats, breaker: BreakerState, now: number): InstanceHealthReport {
  const window = stats.window(now);
  return {
    at: now,
    requests: window.requests,
    errors: window.errors,
    inFlight: stats.inFlight,
    consecutiveFailures: stats.consecutiveFailures,
    latency: window.latency.toSparse(),
    ttft: window.ttft.toSparse(),
    latencyBaselineMs: stats.latencyBaselineMs ?? null,
    lastError: stats.lastError ?? null,
    lastSuccessAt: stats.lastSuccessAt ?? null,
    probeFailing: stats.probeFailing,
    lastProbeAt: stats.lastProbeAt ?? null,
    breaker,
  };
}

const BREAKER_SEVERITY: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * Merges the views of several processes: traffic and histograms add up; the freshest event decides
 * whether the deployment is currently failing; the most severe breaker wins (breakers are per process).
 */
export function mergeReports(
  reports: InstanceHealthReport[],
  thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
): SharedHealthSnapshot {
  const latency = new LatencyHistogram();
  const ttft = new LatencyHistogram();
  let requests = 0;
  let errors = 0;
  let inFlight = 0;
  let consecutiveFailures = 0;
  let breaker: BreakerState = 'closed';
  let lastError: LastError | null = null;
  let lastSuccessAt: number | null = null;
  let latestProbe: InstanceHealthReport | undefined;
  let baselineWeightedSum = 0;
  let baselineWeight = 0;

  for (const report of reports) {
    requests += report.requests;
    errors += report.errors;
    inFlight += report.inFlight;
    consecutiveFailures = Math.max(consecutiveFailures, report.consecutiveFailures);
    latency.addSparse(report.latency);
    ttft.addSparse(report.ttft);
    if (BREAKER_SEVERITY[report.breaker] > BREAKER_SEVERITY[breaker]) breaker = report.breaker;
    if (report.lastError && (!lastError || report.lastError.at > lastError.at)) lastError = report.lastError;
    if (report.lastSuccessAt !== null && (lastSuccessAt === null || report.lastSuccessAt > lastSuccessAt)) {
      lastSuccessAt = report.lastSuccessAt;
    }
    if (
      report.lastProbeAt !== null &&
      (!latestProbe || report.lastProbeAt > (latestProbe.lastProbeAt ?? 0))
    ) {
      latestProbe = report;
    }
    if (report.latencyBaselineMs !== null) {
      const weight = sparseCount(report.latency) + 1;
      baselineWeightedSum += report.latencyBaselineMs * weight;
      baselineWeight += weight;
    }
  }

  const recoveredSince = (at: number | null | undefined): boolean =>
    lastSuccessAt !== null && at != null && lastSuccessAt > at;
  if (recoveredSince(lastError?.at)) consecutiveFailures = 0;
  const probeFailing =
    latestProbe !== undefined && latestProbe.probeFailing && !recoveredSince(latestProbe.lastProbeAt);

  const latencyP50 = latency.percentile(0.5);
  const state = classifyHealth(
    {
      breaker,
      probeFailing,
      consecutiveFailures,
      requests,
      errors,
      latencyP50Ms: latencyP50,
      latencySamples: latency.count,
      latencyBaselineMs: baselineWeight > 0 ? baselineWeightedSum / baselineWeight : undefined,
    },
    thresholds,
  );
  return {
    state,
    latencyP50Ms: latencyP50 ?? null,
    latencyP95Ms: latency.percentile(0.95) ?? null,
    ttftP50Ms: ttft.percentile(0.5) ?? null,
    errorRate: requests > 0 ? errors / requests : 0,
    requests,
    inFlight,
    consecutiveFailures,
    lastError,
    lastSuccessAt,
    breaker,
    instances: reports.length,
  };
}

function sparseCount(sparse: SparseHistogram): number {
  let count = 0;
  for (const [, n] of sparse) count += n;
  return count;
}

/** Reads a report written by any instance (possibly an older version); undefined when unusable. */
export function parseReport(raw: string): InstanceHealthReport | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const numbers = ['at', 'requests', 'errors', 'inFlight', 'consecutiveFailures'] as const;
  if (!numbers.every((field) => typeof value[field] === 'number')) return undefined;
  if (!isSparse(value.latency) || !isSparse(value.ttft)) return undefined;
  if (value.breaker !== 'closed' && value.breaker !== 'open' && value.breaker !== 'half-open')
    return undefined;
  return {
    at: value.at as number,
    requests: value.requests as number,
    errors: value.errors as number,
    inFlight: value.inFlight as number,
    consecutiveFailures: value.consecutiveFailures as number,
    latency: value.latency,
    ttft: value.ttft,
    latencyBaselineMs: numberOrNull(value.latencyBaselineMs),
    lastError: isLastError(value.lastError) ? value.lastError : null,
    lastSuccessAt: numberOrNull(value.lastSuccessAt),
    probeFailing: value.probeFailing === true,
    lastProbeAt: numberOrNull(value.lastProbeAt),
    breaker: value.breaker,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSparse(value: unknown): value is SparseHistogram {
  return (
    Array.isArray(value) &&
    value.every(
      (pair) => Array.isArray(pair) && pair.length === 2 && pair.every((n) => typeof n === 'number'),
    )
  );
}

function isLastError(value: unknown): value is LastError {
  return (
    isRecord(value) &&
    typeof value.code === 'string' &&
    typeof value.message === 'string' &&
    typeof value.at === 'number'
  );
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}
