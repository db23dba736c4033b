import { addToHistogram, emptyHistogram } from '../histogram/latency-histogram';
import type { UsageEvent } from '../events/usage-event';
import { DIMENSION_VALUE, NONE, type UsageCube } from './rollup-layout';

/** Cost is summed in integer units of 1e-10 USD (the column's scale), so sums stay exact. */
export const COST_UNITS_PER_USD = 1e10;

export interface UsageRollupRow {
  bucket: number;
  /** The cube's dimension values, in the cube's order. */
  dimensions: string[];
  requests: number;
  errors: number;
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  costUnits: number;
}

export interface PerformanceRollupRow {
  bucket: number;
  provider: string;
  deploymentId: string;
  model: string;
  requests: number;
  errors: number;
  fallbacks: number;
  cacheHits: number;
  /** Requests that reached a vendor (cache hits excluded). */
  latencyHistogram: number[];
  /** Streams that reached a vendor. */
  ttftHistogram: number[];
  attempts: number;
  failedAttempts: number;
  attemptLatencyHistogram: number[];
}

/** Start of the UTC hour or day holding `epochMs`. */
export function bucketStart(epochMs: number, bucketMs: number): number {
  return Math.floor(epochMs / bucketMs) * bucketMs;
}

/** Sums events into one cube's rows for buckets of `bucketMs`, sorted by key (a stable lock order). */
export function usageRollup(
  events: readonly UsageEvent[],
  cube: UsageCube,
  bucketMs: number,
): UsageRollupRow[] {
  const rows = new Map<string, UsageRollupRow>();
  for (const event of events) {
    const bucket = bucketStart(event.occurredAt, bucketMs);
    const dimensions = cube.dimensions.map((dimension) => DIMENSION_VALUE[dimension](event));
    const id = keyOf([bucket, ...dimensions]);
    let row = rows.get(id);
    if (!row) {
      row = {
        bucket,
        dimensions,
        requests: 0,
        errors: 0,
        cacheHits: 0,
        promptTokens: 0,
        completionTokens: 0,
        costUnits: 0,
      };
      rows.set(id, row);
    }
    row.requests++;
    if (event.outcome === 'error') row.errors++;
    if (event.cacheHit) row.cacheHits++;
    row.promptTokens += event.promptTokens;
    row.completionTokens += event.completionTokens;
    row.costUnits += Math.round(event.costUsd * COST_UNITS_PER_USD);
  }
  return sortedValues(rows);
}

/**
 * Sums events into performance rollup rows. Request figures go to the deployment that served (a failed
 * request: the last one tried); attempt figures go to the deployment each attempt went to.
 */
export function performanceRollup(events: readonly UsageEvent[], bucketMs: number): PerformanceRollupRow[] {
  const rows = new Map<string, PerformanceRollupRow>();
  const rowFor = (
    bucket: number,
    provider: string,
    deploymentId: string,
    model: string,
  ): PerformanceRollupRow => {
    const id = keyOf([bucket, provider, deploymentId, model]);
    let row = rows.get(id);
    if (!row) {
      row = {
        bucket,
        provider,
        deploymentId,
        model,
        requests: 0,
        errors: 0,
        fallbacks: 0,
        cacheHits: 0,
        latencyHistogram: emptyHistogram(),
        ttftHistogram: emptyHistogram(),
        attempts: 0,
        failedAttempts: 0,
        attemptLatencyHistogram: emptyHistogram(),
      };
      rows.set(id, row);
    }
    return row;
  };
  for (const event of events) {
    const bucket = bucketStart(event.occurredAt, bucketMs);
    const last = event.attempts[event.attempts.length - 1];
    const row = rowFor(
      bucket,
      event.provider ?? last?.provider ?? NONE,
      event.deploymentId ?? last?.deploymentId ?? NONE,
      event.model ?? last?.model ?? NONE,
    );
    row.requests++;
    if (event.outcome === 'error') row.errors++;
    if (event.fallbacks > 0) row.fallbacks++;
    if (event.cacheHit) row.cacheHits++;
    else {
      addToHistogram(row.latencyHistogram, event.latencyMs);
      if (event.ttftMs !== null) addToHistogram(row.ttftHistogram, event.ttftMs);
    }
    for (const attempt of event.attempts) {
      const target = rowFor(bucket, attempt.provider, attempt.deploymentId, attempt.model);
      target.attempts++;
      if (!attempt.ok) target.failedAttempts++;
      addToHistogram(target.attemptLatencyHistogram, attempt.latencyMs);
    }
  }
  return sortedValues(rows);
}

function keyOf(parts: readonly (string | number)[]): string {
  return parts.join('\u0000');
}

function sortedValues<T>(rows: Map<string, T>): T[] {
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}
