import type { DataSource, EntityManager } from 'typeorm';
import type { UsageEvent } from '../events/usage-event';
import { performanceRollupTable, ROLLUP_PERIODS, USAGE_CUBES, usageRollupTable } from './rollup-layout';
import { performanceRollup, usageRollup } from './rollup-rows';
import type { BulkInsert } from './unnest-insert';
import {
  insertAttemptsSql,
  insertEventsSql,
  upsertPerformanceRollupSql,
  upsertUsageRollupSql,
} from './usage-tables';

export interface WriteResult {
  inserted: number;
  /** Events already in the table (a batch delivered again after a crash before its ack). */
  duplicates: number;
}

/**
 * Writes one batch in one transaction: request rows, attempt rows, and the rollups of exactly the rows
 * that were new. Either all of it commits or none does, so a batch retried after a failure (PostgreSQL
 * down, crash before the ack) never counts an event twice.
 */
export class UsageBatchWriter {
  constructor(private readonly dataSource: DataSource) {}

  async write(batch: readonly UsageEvent[]): Promise<WriteResult> {
    const events = uniqueById(batch);
    if (events.length === 0) return { inserted: 0, duplicates: 0 };
    return this.dataSource.transaction(async (manager) => {
      const insertedRows = (await run(manager, insertEventsSql(events))) as { id: string }[];
      const insertedIds = new Set(insertedRows.map((row) => row.id));
      const fresh = events.filter((event) => insertedIds.has(event.id));
      if (fresh.length > 0) {
        const attempts = insertAttemptsSql(fresh);
        if (attempts) await run(manager, attempts);
        // always in this order, rows sorted by key: concurrent writers lock rollup rows in the same order
        for (const period of ROLLUP_PERIODS) {
          for (const cube of USAGE_CUBES) {
            const rows = usageRollup(fresh, cube, period.bucketMs);
            await run(manager, upsertUsageRollupSql(usageRollupTable(cube, period.name), cube, rows));
          }
          const rows = performanceRollup(fresh, period.bucketMs);
          await run(manager, upsertPerformanceRollupSql(performanceRollupTable(period.name), rows));
        }
      }
      return { inserted: fresh.length, duplicates: batch.length - fresh.length };
    });
  }
}

function run(manager: EntityManager, statement: BulkInsert): Promise<unknown> {
  return manager.query(statement.sql, statement.params);
}

function uniqueById(events: readonly UsageEvent[]): UsageEvent[] {
  const seen = new Map<string, UsageEvent>();
  for (const event of events) if (!seen.has(event.id)) seen.set(event.id, event);
  return [...seen.values()];
}
