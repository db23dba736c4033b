import type { DataSource, EntityManager } from 'typeorm';
import { LATENCY_BUCKET_BOUNDS_MS, LATENCY_BUCKET_COUNT } from '../histogram/latency-histogram';
import type { TimeRange } from '../query/time-range';
import {
  DAY_MS,
  performanceRollupTable,
  ROLLUP_PERIODS,
  USAGE_CUBES,
  usageRollupTable,
  type UsageCube,
  type UsageDimension,
} from './rollup-layout';

/** How each dimension is read from a usage_events row (the SQL twin of DIMENSION_VALUE). */
const DIMENSION_SQL: Readonly<Record<UsageDimension, string>> = {
  user_id: "coalesce(user_id, '')",
  api_key_id: "coalesce(api_key_id, '')",
  route: 'route',
  model_group: 'model_group',
  provider: "coalesce(provider, '')",
  deployment_id: "coalesce(deployment_id, '')",
  model: "coalesce(model, '')",
};

/** Integer latencies: bucket i holds (bound[i-1], bound[i]], so its lower bound is bound[i-1] + 1. */
const LOWER_BOUNDS = `ARRAY[${LATENCY_BUCKET_BOUNDS_MS.map((b) => b + 1).join(',')}]::integer[]`;

/** UTC bucket start of `column` for buckets of $3 seconds (independent of the session time zone). */
const bucketOf = (column: string): string => `to_timestamp(floor(extract(epoch FROM ${column}) / $3) * $3)`;

/**
 * Recomputes the hourly and daily rollups of whole UTC days from the raw rows: for rollups lost or
 * changed, for a bulk import, and as the reference the writer's incremental upserts must equal. Locks the
 * rollup tables for the transaction (writers wait, then add their own rows on top), so it is safe while
 * traffic is being written. The range must be whole UTC days.
 */
export async function rebuildRollups(dataSource: DataSource, range: TimeRange): Promise<void> {
  if (range.from % DAY_MS !== 0 || range.to % DAY_MS !== 0)
    throw new Error('rebuildRollups needs whole UTC days');
  await dataSource.transaction(async (manager) => {
    const tables = ROLLUP_PERIODS.flatMap((period) => [
      ...USAGE_CUBES.map((cube) => usageRollupTable(cube, period.name)),
      performanceRollupTable(period.name),
    ]);
    await manager.query(`LOCK TABLE ${tables.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
    // one-off aggregations over many rows: hash them in memory, and skip JIT (compiling costs more than it saves)
    await manager.query(`SET LOCAL work_mem = '256MB'`);
    await manager.query('SET LOCAL jit = off');
    const params = [new Date(range.from).toISOString(), new Date(range.to).toISOString()];
    for (const table of tables)
      await manager.query(`DELETE FROM ${table} WHERE bucket >= $1 AND bucket < $2`, params);
    for (const period of ROLLUP_PERIODS) {
      const periodParams = [...params, period.bucketMs / 1_000];
      for (const cube of USAGE_CUBES) {
        await rebuildUsage(manager, usageRollupTable(cube, period.name), cube, periodParams);
      }
      await rebuildPerformance(manager, performanceRollupTable(period.name), periodParams);
    }
  });
}

function rebuildUsage(
  manager: EntityManager,
  table: string,
  cube: UsageCube,
  params: unknown[],
): Promise<unknown> {
  const groups = cube.dimensions.map((_, i) => i + 2).join(', ');
  return manager.query(
    `INSERT INTO ${table} (bucket, ${cube.dimensions.join(', ')},
       requests, errors, cache_hits, prompt_tokens, completion_tokens, cost_usd)
     SELECT ${bucketOf('occurred_at')}, ${cube.dimensions.map((d) => DIMENSION_SQL[d]).join(', ')},
       count(*), count(*) FILTER (WHERE outcome = 'error'), count(*) FILTER (WHERE cache_hit),
       sum(prompt_tokens), sum(completion_tokens), sum(cost_usd)
     FROM usage_events WHERE occurred_at >= $1 AND occurred_at < $2
     GROUP BY 1, ${groups}`,
    params,
  );
}

/**
 * The writer's rules in SQL: a request counts where it was served (a failed one: its last attempt's
 * deployment), an attempt where it went. Only aggregations, no joins between intermediate results (their
 * row estimates are poor): one row per sample in long form, counted per histogram bucket, then per key
 * with each histogram's sparse (bucket, count) pairs made dense.
 */
function rebuildPerformance(manager: EntityManager, table: string, params: unknown[]): Promise<unknown> {
  const keys = 'bucket, provider, deployment_id, model';
  const counters = ['requests', 'errors', 'fallbacks', 'cache_hits', 'attempts', 'failed_attempts'];
  const sparse = (h: number): string =>
    `array_agg(i ORDER BY i) FILTER (WHERE histogram = ${h}) AS i${h}, ` +
    `array_agg(n ORDER BY i) FILTER (WHERE histogram = ${h}) AS n${h}`;
  const dense = (h: number): string =>
    `(SELECT array_agg(coalesce(m.n, 0) ORDER BY s.i) FROM generate_series(0, ${LATENCY_BUCKET_COUNT - 1}) AS s(i) ` +
    `LEFT JOIN unnest(i${h}, n${h}) AS m(i, n) ON m.i = s.i)`;
  return manager.query(
    `WITH requests AS (
       SELECT ${bucketOf('e.occurred_at')} AS bucket,
         coalesce(e.provider, last.provider, '') AS provider,
         coalesce(e.deployment_id, last.deployment_id, '') AS deployment_id,
         coalesce(e.model, last.model, '') AS model,
         e.outcome, e.fallbacks, e.cache_hit, e.latency_ms, e.ttft_ms
       FROM usage_events e
       LEFT JOIN LATERAL (
         SELECT a.provider, a.deployment_id, a.model FROM usage_attempts a
         WHERE e.deployment_id IS NULL AND a.event_id = e.id ORDER BY a.attempt_index DESC LIMIT 1
       ) last ON true
       WHERE e.occurred_at >= $1 AND e.occurred_at < $2
     ),
     samples AS (
       SELECT ${keys}, 1 AS requests, (outcome = 'error')::int AS errors, (fallbacks > 0)::int AS fallbacks,
         cache_hit::int AS cache_hits, 0 AS attempts, 0 AS failed_attempts,
         CASE WHEN NOT cache_hit THEN 0 END AS histogram, width_bucket(latency_ms, ${LOWER_BOUNDS}) AS i
       FROM requests
       UNION ALL
       SELECT ${keys}, 0, 0, 0, 0, 0, 0, 1, width_bucket(ttft_ms, ${LOWER_BOUNDS})
       FROM requests WHERE NOT cache_hit AND ttft_ms IS NOT NULL
       UNION ALL
       SELECT ${bucketOf('occurred_at')}, provider, deployment_id, model, 0, 0, 0, 0, 1, (NOT ok)::int,
         2, width_bucket(latency_ms, ${LOWER_BOUNDS})
       FROM usage_attempts WHERE occurred_at >= $1 AND occurred_at < $2
     ),
     per_bucket AS (
       SELECT ${keys}, histogram, i, count(*)::integer AS n, ${counters.map((c) => `sum(${c}) AS ${c}`).join(', ')}
       FROM samples GROUP BY ${keys}, histogram, i
     ),
     per_key AS (
       SELECT ${keys}, ${counters.map((c) => `sum(${c}) AS ${c}`).join(', ')}, ${sparse(0)}, ${sparse(1)}, ${sparse(2)}
       FROM per_bucket GROUP BY ${keys}
     )
     INSERT INTO ${table} (${keys}, ${counters.join(', ')}, latency_hist, ttft_hist, attempt_latency_hist)
     SELECT ${keys}, ${counters.join(', ')}, ${dense(0)}, ${dense(1)}, ${dense(2)} FROM per_key`,
    params,
  );
}
