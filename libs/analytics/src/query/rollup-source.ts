import type { SqlParams } from './sql-params';
import { splitByDays, type TimeRange } from './time-range';

export interface RollupTables {
  hourly: string;
  daily: string;
}

/** Column = value conditions; columns come from a whitelist, values become parameters. */
export type ColumnFilters = ReadonlyArray<readonly [column: string, value: string]>;

/**
 * The rollup rows covering a range, as one relation (`UNION ALL` of slices): hourly rows only when hour
 * resolution is needed, otherwise daily rows for whole days and hourly rows for the edges.
 */
export function rollupSource(
  tables: RollupTables,
  columns: readonly string[],
  range: TimeRange,
  filters: ColumnFilters,
  params: SqlParams,
  hourResolution: boolean,
): string {
  const slices = hourResolution ? { hourly: [range], daily: undefined } : splitByDays(range);
  const conditions = filters.map(([column, value]) => `${column} = ${params.add(value)}`);
  const select = (table: string, ranges: TimeRange[]): string => {
    const inRange = ranges
      .map(
        (r) =>
          `(bucket >= ${params.add(new Date(r.from).toISOString())} AND bucket < ${params.add(new Date(r.to).toISOString())})`,
      )
      .join(' OR ');
    const where = [`(${inRange})`, ...conditions].join(' AND ');
    return `SELECT ${columns.join(', ')} FROM ${table} WHERE ${where}`;
  };
  const parts: string[] = [];
  if (slices.hourly.length > 0) parts.push(select(tables.hourly, slices.hourly));
  if (slices.daily) parts.push(select(tables.daily, [slices.daily]));
  return parts.join(' UNION ALL ');
}

/** Maps filter names to columns through a whitelist; an unknown name throws (it never reaches SQL). */
export function whitelistedFilters<K extends string>(
  filters: Partial<Record<K, string>>,
  columns: Readonly<Record<K, string>>,
): ColumnFilters {
  const result: [string, string][] = [];
  for (const [name, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(columns, name)) throw new Error(`unknown filter: ${name}`);
    result.push([columns[name as K], value as string]);
  }
  return result;
}
