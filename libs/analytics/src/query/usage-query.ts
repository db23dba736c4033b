import { SqlParams } from './sql-params';
import { cubeFor, usageRollupTable } from '../writer/rollup-layout';
import { rollupSource, whitelistedFilters, type ColumnFilters, type RollupTables } from './rollup-source';
import type { TimeRange } from './time-range';

/** groupBy values and the rollup column each one reads: the only column names a caller can pick. */
export const USAGE_GROUP_COLUMNS = {
  user: 'user_id',
  key: 'api_key_id',
  provider: 'provider',
  deployment: 'deployment_id',
  model: 'model',
  modelGroup: 'model_group',
  route: 'route',
} as const;
export type UsageGroupBy = keyof typeof USAGE_GROUP_COLUMNS;
export const USAGE_GROUP_BY = Object.keys(USAGE_GROUP_COLUMNS) as UsageGroupBy[];

/** Filters and their columns, likewise whitelisted; values are always parameters. */
export const USAGE_FILTER_COLUMNS = {
  userId: 'user_id',
  apiKeyId: 'api_key_id',
  provider: 'provider',
  deployment: 'deployment_id',
  model: 'model',
  modelGroup: 'model_group',
  route: 'route',
} as const;
export type UsageFilter = keyof typeof USAGE_FILTER_COLUMNS;
export type UsageFilters = Partial<Record<UsageFilter, string>>;

export type Granularity = 'hour' | 'day';
export const GRANULARITIES: readonly Granularity[] = ['hour', 'day'];

export interface UsageQuery {
  range: TimeRange;
  groupBy?: UsageGroupBy;
  /** Most groups returned (by requests, descending). */
  limit?: number;
  granularity?: Granularity;
  filters: UsageFilters;
}

export interface SqlStatement {
  sql: string;
  params: unknown[];
}

const MEASURES = ['requests', 'errors', 'cache_hits', 'prompt_tokens', 'completion_tokens', 'cost_usd'];
const SUMS = MEASURES.map((m) => `sum(${m}) AS ${m}`).join(', ');

/** Totals (one row), or per group when `groupBy` is set; always from the coarsest rollup that fits. */
export function usageTotalsSql(query: UsageQuery, grouped: boolean): SqlStatement {
  const params = new SqlParams();
  const group = grouped ? groupColumn(query.groupBy) : undefined;
  const source = rollupSource(
    tablesFor(query.filters, group),
    ['bucket', ...(group ? [group] : []), ...MEASURES],
    query.range,
    filterColumns(query.filters),
    params,
    false,
  );
  if (!group) return { sql: `SELECT ${SUMS} FROM (${source}) AS slices`, params: params.values };
  const limit = query.limit === undefined ? '' : ` LIMIT ${params.add(query.limit)}`;
  const sql =
    `SELECT ${group} AS group_key, ${SUMS} FROM (${source}) AS slices ` +
    `GROUP BY ${group} ORDER BY requests DESC, group_key${limit}`;
  return { sql, params: params.values };
}

/** One row per bucket (and group, when grouped), oldest first. */
export function usageSeriesSql(query: UsageQuery): SqlStatement {
  if (!query.granularity) throw new Error('usageSeriesSql needs a granularity');
  const params = new SqlParams();
  const group = query.groupBy ? groupColumn(query.groupBy) : undefined;
  const hourly = query.granularity === 'hour';
  const source = rollupSource(
    tablesFor(query.filters, group),
    ['bucket', ...(group ? [group] : []), ...MEASURES],
    query.range,
    filterColumns(query.filters),
    params,
    hourly,
  );
  const bucket = hourly ? 'bucket' : `date_trunc('day', bucket AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;
  const groupSelect = group ? `, ${group} AS group_key` : '';
  const groupBy = group ? `, ${group}` : '';
  return {
    sql:
      `SELECT ${bucket} AS bucket${groupSelect}, ${SUMS} FROM (${source}) AS slices ` +
      `GROUP BY 1${groupBy} ORDER BY 1${groupBy}`,
    params: params.values,
  };
}

/** The column for a groupBy value; throws on anything outside the whitelist (never reaches SQL). */
export function groupColumn(groupBy: string | undefined): string {
  if (groupBy === undefined || !Object.hasOwn(USAGE_GROUP_COLUMNS, groupBy)) {
    throw new Error(`unknown groupBy: ${String(groupBy)}`);
  }
  return USAGE_GROUP_COLUMNS[groupBy as UsageGroupBy];
}

/** The hourly and daily tables of the smallest rollup with every column the query groups or filters by. */
function tablesFor(filters: UsageFilters, group: string | undefined): RollupTables {
  const columns = filterColumns(filters).map(([column]) => column);
  const cube = cubeFor(group ? [...columns, group] : columns);
  return { hourly: usageRollupTable(cube, 'hourly'), daily: usageRollupTable(cube, 'daily') };
}

export function filterColumns(filters: UsageFilters): ColumnFilters {
  return whitelistedFilters(filters, USAGE_FILTER_COLUMNS);
}
