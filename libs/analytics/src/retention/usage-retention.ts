import type { DataSource } from 'typeorm';
import { DAY_MS, performanceRollupTable, USAGE_CUBES, usageRollupTable } from '../writer/rollup-layout';

export interface RetentionPolicy {
  /** Raw request and attempt rows (0 = forever). */
  eventsDays: number;
  /** Hourly rollups (0 = forever); daily rollups are always kept. */
  hourlyRollupDays: number;
}

export type PurgeResult = Record<string, number>;

/** Rows per DELETE: short transactions, so the writer's inserts never wait long on a purge. */
const CHUNK = 10_000;

const EVENT_TABLES = [
  { table: 'usage_events', column: 'occurred_at' },
  { table: 'usage_attempts', column: 'occurred_at' },
];
const HOURLY_TABLES = [
  ...USAGE_CUBES.map((cube) => ({ table: usageRollupTable(cube, 'hourly'), column: 'bucket' })),
  { table: performanceRollupTable('hourly'), column: 'bucket' },
];

/** Deletes what is older than the retention settings, in chunks; returns the rows deleted per table. */
export async function purgeExpiredUsage(
  dataSource: DataSource,
  policy: RetentionPolicy,
  now: number,
): Promise<PurgeResult> {
  const result: PurgeResult = {};
  const plans = [
    ...(policy.eventsDays > 0 ? EVENT_TABLES.map((t) => ({ ...t, days: policy.eventsDays })) : []),
    ...(policy.hourlyRollupDays > 0
      ? HOURLY_TABLES.map((t) => ({ ...t, days: policy.hourlyRollupDays }))
      : []),
  ];
  for (const { table, column, days } of plans) {
    const cutoff = new Date(now - days * DAY_MS).toISOString();
    result[table] = await deleteInChunks(dataSource, table, column, cutoff);
  }
  return result;
}

async function deleteInChunks(
  dataSource: DataSource,
  table: string,
  column: string,
  cutoff: string,
): Promise<number> {
  let total = 0;
  for (;;) {
    const runner = dataSource.createQueryRunner();
    try {
      const result = (await runner.query(
        `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${column} < $1 LIMIT ${CHUNK}))`,
        [cutoff],
        true,
      )) as { affected?: number };
      const deleted = result.affected ?? 0;
      total += deleted;
      if (deleted < CHUNK) return total;
    } finally {
      await runner.release();
    }
  }
}
