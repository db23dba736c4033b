import { performanceRollupTable } from '../writer/rollup-layout';
import { SqlParams } from './sql-params';
import { rollupSource, whitelistedFilters } from './rollup-source';
import type { SqlStatement } from './usage-query';
import type { TimeRange } from './time-range';

/** groupBy values and the columns that identify a row: the only column names a caller can pick. */
export const PERFORMANCE_GROUP_COLUMNS = {
  provider: ['provider'],
  deployment: ['provider', 'deployment_id'],
  model: ['model'],
} as const;
export type PerformanceGroupBy = keyof typeof PERFORMANCE_GROUP_COLUMNS;
export const PERFORMANCE_GROUP_BY = Object.keys(PERFORMANCE_GROUP_COLUMNS) as PerformanceGroupBy[];

export const PERFORMANCE_FILTER_COLUMNS = {
  provider: 'provider',
  deployment: 'deployment_id',
  model: 'model',
} as const;
export type PerformanceFilter = keyof typeof PERFORMANCE_FILTER_COLUMNS;
export type PerformanceFilters = Partial<Record<PerformanceFilter, string>>;

export interface PerformanceQuery {
  range: TimeRange;
  groupBy: PerformanceGroupBy;
  filters: PerformanceFilters;
}

const TABLES = { hourly: performanceRollupTable('hourly'), daily: performanceRollupTable('daily') };
const MEASURES = ['requests', 'errors', 'fallbacks', 'cache_hits', 'attempts', 'failed_attempts'];
const HISTOGRAMS = ['latency_hist', 'ttft_hist', 'attempt_latency_hist'];

/**
 * Per group: summed counters and summed latency histograms (element-wise, via unnest WITH ORDINALITY),
 * from which the caller estimates percentiles. One statement, reading rollups only.
 */
export function performanceSql(query: PerformanceQuery): SqlStatement {
  const params = new SqlParams();
  const groups = groupColumns(query.groupBy);
  const keys = groups.join(', ');
  const source = rollupSource(
    TABLES,
    [...groups, ...MEASURES, ...HISTOGRAMS],
    query.range,
    whitelistedFilters(query.filters, PERFORMANCE_FILTER_COLUMNS),
    params,
    false,
  );
  const sums = MEASURES.map((m) => `sum(${m}) AS ${m}`).join(', ');
  const bucketSums = ['l', 't', 'a'].map((h) => `sum(h.${h}) AS ${h}`).join(', ');
  const arrays = HISTOGRAMS.map((name, i) => `array_agg(${'lta'[i]} ORDER BY i) AS ${name}`).join(', ');
  const sql = `
    WITH slices AS (${source}),
    totals AS (SELECT ${keys}, ${sums} FROM slices GROUP BY ${keys}),
    buckets AS (
      SELECT ${keys}, h.i, ${bucketSums}
      FROM slices, unnest(${HISTOGRAMS.join(', ')}) WITH ORDINALITY AS h(l, t, a, i)
      GROUP BY ${keys}, h.i
    ),
    histograms AS (SELECT ${keys}, ${arrays} FROM buckets GROUP BY ${keys})
    SELECT * FROM totals JOIN histograms USING (${keys}) ORDER BY ${keys}`;
  return { sql, params: params.values };
}

export function groupColumns(groupBy: string): readonly string[] {
  if (!Object.hasOwn(PERFORMANCE_GROUP_COLUMNS, groupBy)) throw new Error(`unknown groupBy: ${groupBy}`);
  return PERFORMANCE_GROUP_COLUMNS[groupBy as PerformanceGroupBy];
}
