import type { PerformanceGroupBy } from './performance-query';
import type { Granularity, UsageGroupBy } from './usage-query';

export interface UsageTotals {
  requests: number;
  errors: number;
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
}

export interface UsageGroup extends UsageTotals {
  /** The group's value (user id, provider...); null for requests without one (e.g. nothing served). */
  key: string | null;
}

export interface UsagePoint extends UsageTotals {
  /** Start of the UTC hour or day, ISO 8601. */
  bucket: string;
  /** Present when grouped. */
  key?: string | null;
}

export interface UsageReport {
  /** The range actually covered: widened to whole hours. */
  from: string;
  to: string;
  groupBy?: UsageGroupBy;
  granularity?: Granularity;
  totals: UsageTotals;
  groups?: UsageGroup[];
  series?: UsagePoint[];
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99?: number | null;
}

export interface PerformanceRow {
  provider?: string | null;
  deployment?: string | null;
  model?: string | null;
  /** Requests served by this group (failed ones: by the last deployment tried); cache hits included. */
  requests: number;
  errors: number;
  errorRate: number | null;
  /** Requests that moved to another deployment at least once. */
  fallbacks: number;
  fallbackRate: number | null;
  cacheHits: number;
  cacheHitRate: number | null;
  /** End-to-end latency of requests that reached a vendor. */
  latencyMs: Percentiles;
  /** Time to first token of streams that reached a vendor. */
  ttftMs: Percentiles;
  /** Every call made to this group's deployments, failed ones included. */
  upstream: {
    attempts: number;
    failedAttempts: number;
    errorRate: number | null;
    latencyMs: Percentiles;
  };
}

export interface PerformanceReport {
  from: string;
  to: string;
  groupBy: PerformanceGroupBy;
  rows: PerformanceRow[];
}
