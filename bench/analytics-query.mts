/**
 * Analytics query benchmark: 1,000,000 usage events (and their attempts) over 30 days, generated in SQL
 * (generate_series) into a throwaway database, rollups rebuilt from them, then the analytics queries
 * timed through the real query service, next to the same questions asked of the raw table.
 *
 *   nest build api && node bench/analytics-query.mts [--events 1000000] [--days 30] [--runs 7]
 *
 * DATABASE_URL: a server where the user may create databases (default postgres://postgres@127.0.0.1:5432/postgres).
 * Prints a markdown table (median of --runs after one warm-up run).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import typeorm from 'typeorm';
import type * as QueryServiceModule from '../libs/analytics/src/query/analytics-query.service.ts';
import type * as RebuildModule from '../libs/analytics/src/writer/rollup-rebuild.ts';
import type * as HistogramModule from '../libs/analytics/src/histogram/latency-histogram.ts';
import type * as OptionsModule from '../libs/database/src/typeorm-options.ts';
import type * as MigrationsModule from '../libs/database/src/run-migrations.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '30' },
    runs: { type: 'string', default: '7' },
  },
});
const EVENTS = Number(values.events);
const DAYS = Number(values.days);
const RUNS = Number(values.runs);
const DAY_MS = 86_400_000;

/** The built code (dist), typed by its sources: the benchmark runs exactly what the gateway runs. */
async function fromDist<T>(path: string): Promise<T> {
  return (await import(new URL(`../dist/${path}`, import.meta.url).href)) as T;
}
const { AnalyticsQueryService } = await fromDist<typeof QueryServiceModule>(
  'libs/analytics/src/query/analytics-query.service.js',
);
const { rebuildRollups } = await fromDist<typeof RebuildModule>(
  'libs/analytics/src/writer/rollup-rebuild.js',
);
const { LATENCY_BUCKET_BOUNDS_MS } = await fromDist<typeof HistogramModule>(
  'libs/analytics/src/histogram/latency-histogram.js',
);
const { typeormOptions } = await fromDist<typeof OptionsModule>('libs/database/src/typeorm-options.js');
const { runMigrations } = await fromDist<typeof MigrationsModule>('libs/database/src/run-migrations.js');
const { DataSource } = typeorm;

/** Served by: provider, deployment, public model, share of traffic, USD per million in/out. */
const CATALOG = [
  ['openai', 'openai-main', 'gpt-4o-mini', 0.35, 0.15, 0.6],
  ['openai', 'openai-main', 'gpt-4o', 0.15, 2.5, 10],
  ['azure', 'azure-west', 'gpt-4o', 0.1, 2.5, 10],
  ['anthropic', 'anthropic-main', 'claude-sonnet', 0.15, 3, 15],
  ['bedrock', 'bedrock-east', 'claude-sonnet', 0.05, 3, 15],
  ['anthropic', 'anthropic-main', 'claude-haiku', 0.1, 0.8, 4],
  ['openai-compatible', 'local-vllm', 'llama-3.1-8b', 0.07, 0, 0],
  ['azure', 'azure-east', 'gpt-4o-mini', 0.03, 0.15, 0.6],
] as const;

const textArray = (column: number): string =>
  `ARRAY[${CATALOG.map((row) => `'${row[column]}'`).join(', ')}]::text[]`;
const numberArray = (column: number): string =>
  `ARRAY[${CATALOG.map((row) => row[column]).join(', ')}]::numeric[]`;
const cumulativeShares = (): string => {
  let sum = 0;
  return `ARRAY[${CATALOG.slice(0, -1)
    .map((row) => (sum += row[3] as number))
    .join(', ')}]::float8[]`;
};

/**
 * One statement per table. Per event: catalog entry by traffic share, 200 users (skewed), 60 % of calls
 * with one of two API keys, routes 70/20/10 (chat, stream, task), 2 % errors, 1 % aborted streams, 8 % cache
 * hits, 3 % fallbacks, exponential latencies. setseed makes every run generate the same data.
 */
const GENERATE_EVENTS = `
  INSERT INTO usage_events
  SELECT id, occurred_at, 'bench-' || g, kind, user_id, api_key_id, route, model_group,
    CASE WHEN outcome = 'error' THEN NULL ELSE (${textArray(0)})[c] END,
    CASE WHEN outcome = 'error' THEN NULL ELSE (${textArray(1)})[c] END,
    CASE WHEN outcome = 'error' THEN NULL ELSE (${textArray(2)})[c] END,
    outcome, CASE outcome WHEN 'ok' THEN 200 WHEN 'error' THEN 503 ELSE 499 END,
    CASE outcome WHEN 'ok' THEN NULL WHEN 'error' THEN 'no_deployment_available' ELSE 'aborted' END,
    CASE WHEN outcome = 'error' THEN 0 ELSE prompt END, CASE WHEN outcome = 'error' THEN 0 ELSE completion END,
    CASE WHEN cache_hit OR outcome = 'error' THEN 0
      ELSE round((prompt * (${numberArray(4)})[c] + completion * (${numberArray(5)})[c]) / 1000000, 10) END,
    latency, CASE WHEN kind = 'stream' THEN 20 + floor(-ln(1 - random()) * 250)::int END,
    CASE WHEN cache_hit THEN 0 WHEN fallback THEN 2 ELSE 1 END, CASE WHEN fallback THEN 1 ELSE 0 END,
    cache_hit, outcome = 'aborted'
  FROM (
    SELECT g, gen_random_uuid() AS id,
      now() - random() * interval '${DAYS} days' AS occurred_at,
      1 + width_bucket(random(), ${cumulativeShares()}) AS c,
      'user-' || lpad(floor(200 * random() ^ 2)::int::text, 4, '0') AS user_id,
      r_route, r_outcome, r_key,
      CASE WHEN r_route < 0.7 THEN 'chat' WHEN r_route < 0.9 THEN 'stream' ELSE 'task' END AS kind,
      CASE WHEN r_route < 0.7 THEN 'POST /v1/chat/completions' WHEN r_route < 0.9 THEN 'POST /chat/stream' ELSE 'task' END AS route,
      CASE WHEN r_outcome < 0.02 THEN 'error' WHEN r_outcome < 0.03 AND r_route >= 0.7 AND r_route < 0.9 THEN 'aborted' ELSE 'ok' END AS outcome,
      r_outcome > 0.92 AND r_route < 0.7 AS cache_hit,
      r_outcome BETWEEN 0.03 AND 0.06 AS fallback,
      50 + floor(random() * 2000)::int AS prompt, 10 + floor(random() * 500)::int AS completion,
      150 + floor(-ln(1 - random()) * 900)::int AS latency
    FROM (SELECT g, random() AS r_route, random() AS r_outcome, random() AS r_key FROM generate_series(1, $1) AS g) AS draws
  ) AS e
  CROSS JOIN LATERAL (
    SELECT CASE WHEN e.r_key < 0.4 THEN NULL ELSE 'key-' || e.user_id || '-' || (1 + floor(e.r_key * 2)::int % 2) END AS api_key_id,
      (${textArray(2)})[e.c] AS model_group
  ) AS k`;

/** Attempt rows: none for cache hits, a failed first attempt on another deployment for fallbacks. */
const GENERATE_ATTEMPTS = `
  INSERT INTO usage_attempts
  SELECT e.id, 0, e.occurred_at, 'openai', 'openai-fallback', coalesce(e.model, e.model_group), e.model_group,
    false, 'upstream_unavailable', 503, 20 + floor(random() * 200)::int, NULL
  FROM usage_events e WHERE e.fallbacks > 0
  UNION ALL
  SELECT e.id, e.fallbacks, e.occurred_at, coalesce(e.provider, 'openai'), coalesce(e.deployment_id, 'openai-main'),
    coalesce(e.model, e.model_group), coalesce(e.model, e.model_group), e.outcome <> 'error',
    CASE WHEN e.outcome = 'error' THEN 'upstream_unavailable' END, CASE WHEN e.outcome = 'error' THEN 503 END,
    greatest(e.latency_ms - 10, 1), e.ttft_ms
  FROM usage_events e WHERE NOT e.cache_hit`;

interface Timing {
  query: string;
  source: string;
  rows: number;
  medianMs: number;
  p95Ms: number;
}

async function time(query: string, source: string, run: () => Promise<number>): Promise<Timing> {
  await run();
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    rows = await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return {
    query,
    source,
    rows,
    medianMs: samples[Math.floor(samples.length / 2)],
    p95Ms: samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.95) - 1)],
  };
}

async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  process.stderr.write(`${label}: ${((performance.now() - started) / 1_000).toFixed(1)} s\n`);
  return result;
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `mpb_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const database = { url: url.toString(), migrationsRun: false, poolSize: 4, connectTimeoutMs: 5_000, queryTimeoutMs: 0 };
  // silent: the generation and rebuild statements are slow on purpose, and the final DROP ends the pool
  const dataSource = new DataSource({
    ...typeormOptions(database),
    logger: 'simple-console',
    logging: false,
    maxQueryExecutionTime: 0,
  });
  try {
    await runMigrations(database);
    await dataSource.initialize();
    await dataSource.query('SELECT setseed(0.42)');
    await step(`generate ${EVENTS.toLocaleString('en')} events`, () =>
      dataSource.query(GENERATE_EVENTS, [EVENTS]),
    );
    await step('generate attempts', () => dataSource.query(GENERATE_ATTEMPTS));
    await step('analyze', () => dataSource.query('ANALYZE'));
    const now = Date.now();
    const firstDay = Math.floor(now / DAY_MS) * DAY_MS - DAYS * DAY_MS;
    await step('rebuild hourly and daily rollups', () =>
      rebuildRollups(dataSource, { from: firstDay, to: firstDay + (DAYS + 1) * DAY_MS }),
    );
    await dataSource.query('ANALYZE');
    const sizes = (await dataSource.query(
      `SELECT relname AS table, n_live_tup AS rows FROM pg_stat_user_tables
       WHERE relname LIKE 'usage%' OR relname LIKE 'performance%' ORDER BY relname`,
    )) as { table: string; rows: string }[];

    const service = new AnalyticsQueryService(dataSource);
    const range = { from: now - DAYS * DAY_MS, to: now };
    const since = new Date(range.from).toISOString();
    const raw = (sql: string) => async () => ((await dataSource.query(sql, [since])) as unknown[]).length;
    const timings: Timing[] = [
      await time('30-day totals', 'rollups', async () => {
        await service.usage({ range, filters: {} });
        return 1;
      }),
      await time(
        '30-day totals',
        'raw events',
        raw(
          `SELECT count(*), sum(prompt_tokens), sum(completion_tokens), sum(cost_usd) FROM usage_events WHERE occurred_at >= $1`,
        ),
      ),
      await time('30 days by user (totals + daily series)', 'rollups', async () => {
        const report = await service.usage({
          range,
          filters: {},
          groupBy: 'user',
          granularity: 'day',
          limit: 1_000,
        });
        return (report.groups?.length ?? 0) + (report.series?.length ?? 0);
      }),
      await time(
        '30 days by user, daily series',
        'raw events',
        raw(
          `SELECT date_trunc('day', occurred_at AT TIME ZONE 'UTC'), user_id, count(*), sum(prompt_tokens),
           sum(completion_tokens), sum(cost_usd) FROM usage_events WHERE occurred_at >= $1 GROUP BY 1, 2`,
        ),
      ),
      await time('30 days by model, hourly series', 'rollups', async () => {
        const report = await service.usage({ range, filters: {}, groupBy: 'model', granularity: 'hour' });
        return report.series?.length ?? 0;
      }),
      await time('30 days of one user by provider, daily series', 'rollups', async () => {
        const report = await service.usage({
          range,
          filters: { userId: 'user-0007' },
          groupBy: 'provider',
          granularity: 'day',
        });
        return report.series?.length ?? 0;
      }),
      await time('30-day performance by deployment (p50/p95/p99)', 'rollups', async () => {
        const report = await service.performance({ range, groupBy: 'deployment', filters: {} });
        return report.rows.length;
      }),
      await time('30-day performance by model', 'rollups', async () => {
        const report = await service.performance({ range, groupBy: 'model', filters: {} });
        return report.rows.length;
      }),
      await time(
        '30-day latency p50/p95/p99 by deployment',
        'raw events',
        raw(
          `SELECT deployment_id, percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms)
         FROM usage_events WHERE occurred_at >= $1 AND NOT cache_hit GROUP BY deployment_id`,
        ),
      ),
    ];

    const lines = [
      `Analytics queries: ${EVENTS.toLocaleString('en')} events over ${DAYS} days, median of ${RUNS} runs after a warm-up (${LATENCY_BUCKET_BOUNDS_MS.length + 1} latency buckets)`,
      '',
      '| query | reads | rows out | median ms | p95 ms |',
      '|---|---|---:|---:|---:|',
      ...timings.map(
        (t) => `| ${t.query} | ${t.source} | ${t.rows} | ${t.medianMs.toFixed(1)} | ${t.p95Ms.toFixed(1)} |`,
      ),
      '',
      '| table | rows |',
      '|---|---:|',
      ...sizes.map((s) => `| ${s.table} | ${Number(s.rows).toLocaleString('en')} |`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
