/** One column of a bulk insert: its name, the PostgreSQL array type its values are sent as, and the values. */
export interface BulkColumn {
  name: string;
  type: string;
  /** A cast applied after unnesting, e.g. `integer[]` for a histogram sent as an array literal. */
  cast?: string;
}

export interface BulkInsert {
  sql: string;
  params: unknown[][];
}

/**
 * A multi-row INSERT with one parameter per column whatever the row count (`SELECT ... FROM unnest($1,
 * $2, ...)`): no 65,535-parameter limit, one plan, and rows go in array order (a stable lock order).
 */
export function bulkInsertSql(
  table: string,
  columns: readonly BulkColumn[],
  values: readonly unknown[][],
  onConflict: string,
): BulkInsert {
  const names = columns.map((c) => c.name);
  const unnested = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const selected = columns.map((c) => (c.cast ? `${c.name}::${c.cast}` : c.name)).join(', ');
  return {
    sql:
      `INSERT INTO ${table} AS target (${names.join(', ')}) ` +
      `SELECT ${selected} FROM unnest(${unnested}) AS source(${names.join(', ')}) ${onConflict}`,
    params: [...values],
  };
}

/** Transposes rows into one array per column, in the order of `columns`. */
export function columnValues<T>(rows: readonly T[], columns: readonly ((row: T) => unknown)[]): unknown[][] {
  return columns.map((pick) => rows.map(pick));
}
