import type { DataSource } from 'typeorm';
import { percentileFromHistogram } from '../histogram/latency-histogram';
import type {
  PerformanceReport,
  PerformanceRow,
  Percentiles,
  UsageReport,
  UsageTotals,
} from './analytics-report.types';
import { PERFORMANCE_GROUP_COLUMNS, performanceSql, type PerformanceQuery } from './performance-query';
import { alignToHours } from './time-range';
import { usageSeriesSql, usageTotalsSql, type UsageQuery } from './usage-query';

type Row = Record<string, unknown>;

type GroupField = 'provider' | 'deployment' | 'model';

const GROUP_OUTPUT_NAMES: Record<string, GroupField> = {
  provider: 'provider',
  deployment_id: 'deployment',
  model: 'model',
};

/** Answers the analytics endpoints from the rollups (never the raw event tables). */
export class AnalyticsQueryService {
  constructor(private readonly dataSource: DataSource) {}

  async usage(query: UsageQuery): Promise<UsageReport> {
    const aligned = { ...query, range: alignToHours(query.range) };
    const totalsSql = usageTotalsSql(aligned, false);
    const [totalRows, groupRows, seriesRows] = await Promise.all([
      this.rows(totalsSql.sql, totalsSql.params),
      aligned.groupBy ? this.run(usageTotalsSql(aligned, true)) : undefined,
      aligned.granularity ? this.run(usageSeriesSql(aligned)) : undefined,
    ]);
    return {
      from: iso(aligned.range.from),
      to: iso(aligned.range.to),
      ...(aligned.groupBy ? { groupBy: aligned.groupBy } : {}),
      ...(aligned.granularity ? { granularity: aligned.granularity } : {}),
      totals: usageTotals(totalRows[0] ?? {}),
      ...(groupRows
        ? { groups: groupRows.map((row) => ({ key: groupKey(row.group_key), ...usageTotals(row) })) }
        : {}),
      ...(seriesRows
        ? {
            series: seriesRows.map((row) => ({
              bucket: (row.bucket as Date).toISOString(),
              ...(aligned.groupBy ? { key: groupKey(row.group_key) } : {}),
              ...usageTotals(row),
            })),
          }
        : {}),
    };
  }

  async performance(query: PerformanceQuery): Promise<PerformanceReport> {
    const aligned = { ...query, range: alignToHours(query.range) };
    const rows = await this.run(performanceSql(aligned));
    return {
      from: iso(aligned.range.from),
      to: iso(aligned.range.to),
      groupBy: aligned.groupBy,
      rows: rows.map((row) => performanceRow(row, PERFORMANCE_GROUP_COLUMNS[aligned.groupBy])),
    };
  }

  private run(statement: { sql: string; params: unknown[] }): Promise<Row[]> {
    return this.rows(statement.sql, statement.params);
  }

  private async rows(sql: string, params: unknown[]): Promise<Row[]> {
    return (await this.dataSource.query(sql, params)) as Row[];
  }
}

function usageTotals(row: Row): UsageTotals {
  const promptTokens = count(row.prompt_tokens);
  const completionTokens = count(row.completion_tokens);
  return {
    requests: count(row.requests),
    errors: count(row.errors),
    cacheHits: count(row.cache_hits),
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    costUsd: count(row.cost_usd),
  };
}

function performanceRow(row: Row, groupColumns: readonly string[]): PerformanceRow {
  const requests = count(row.requests);
  const attempts = count(row.attempts);
  const failedAttempts = count(row.failed_attempts);
  const latency = histogram(row.latency_hist);
  const ttft = histogram(row.ttft_hist);
  const upstreamLatency = histogram(row.attempt_latency_hist);
  const group: Partial<Record<GroupField, string | null>> = {};
  for (const column of groupColumns) group[GROUP_OUTPUT_NAMES[column]] = groupKey(row[column]);
  return {
    ...group,
    requests,
    errors: count(row.errors),
    errorRate: ratio(count(row.errors), requests),
    fallbacks: count(row.fallbacks),
    fallbackRate: ratio(count(row.fallbacks), requests),
    cacheHits: count(row.cache_hits),
    cacheHitRate: ratio(count(row.cache_hits), requests),
    latencyMs: percentiles(latency, true),
    ttftMs: percentiles(ttft, false),
    upstream: {
      attempts,
      failedAttempts,
      errorRate: ratio(failedAttempts, attempts),
      latencyMs: percentiles(upstreamLatency, true),
    },
  };
}

function percentiles(counts: number[], withP99: boolean): Percentiles {
  const result: Percentiles = {
    p50: percentileFromHistogram(counts, 0.5),
    p95: percentileFromHistogram(counts, 0.95),
  };
  if (withP99) result.p99 = percentileFromHistogram(counts, 0.99);
  return result;
}

/** PostgreSQL sends bigint and numeric as strings (they may not fit a double); counts here always do. */
function count(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return Number(value);
}

function histogram(value: unknown): number[] {
  return Array.isArray(value) ? value.map((v) => Number(v)) : [];
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** Rollups store "none" as ''; the API says null. */
function groupKey(value: unknown): string | null {
  return value === '' || value === null || value === undefined ? null : String(value);
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
