import type { MigrationInterface, QueryRunner } from 'typeorm';

const HISTOGRAM_COLUMNS = ['latency_hist', 'ttft_hist', 'attempt_latency_hist'];

/** The usage rollups and their dimensions (libs/analytics/src/writer/rollup-layout.ts). */
const USAGE_CUBES: Record<string, string[]> = {
  model: ['route', 'model_group', 'provider', 'deployment_id', 'model'],
  caller: ['user_id', 'api_key_id'],
  full: ['user_id', 'api_key_id', 'route', 'model_group', 'provider', 'deployment_id', 'model'],
};

/**
 * Usage accounting (libs/analytics): one row per request, one per upstream attempt, and hourly and daily
 * rollups the writer maintains in the same transaction as the raw rows (usage three times over different
 * dimensions, performance once with latency histograms). Rollup dimensions are NOT NULL ('' = none) so
 * they form the primary key the upserts conflict on.
 */
export class Analytics1795395000000 implements MigrationInterface {
  name = 'Analytics1795395000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE usage_events (
        id uuid PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        request_id text,
        kind text NOT NULL CHECK (kind IN ('chat', 'stream', 'task')),
        user_id text,
        api_key_id text,
        route text NOT NULL,
        model_group text NOT NULL,
        provider text,
        deployment_id text,
        model text,
        outcome text NOT NULL CHECK (outcome IN ('ok', 'error', 'aborted')),
        status smallint NOT NULL,
        error_code text,
        prompt_tokens integer NOT NULL,
        completion_tokens integer NOT NULL,
        cost_usd numeric(20, 10) NOT NULL,
        latency_ms integer NOT NULL,
        ttft_ms integer,
        attempts smallint NOT NULL,
        fallbacks smallint NOT NULL,
        cache_hit boolean NOT NULL,
        stream_aborted boolean NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX usage_events_occurred_at_idx ON usage_events (occurred_at)`);
    await queryRunner.query(`CREATE INDEX usage_events_user_idx ON usage_events (user_id, occurred_at)`);
    await queryRunner.query(`CREATE INDEX usage_events_request_id_idx ON usage_events (request_id)`);

    // No foreign key to usage_events: both are purged by time, and inserts stay cheap.
    await queryRunner.query(`
      CREATE TABLE usage_attempts (
        event_id uuid NOT NULL,
        attempt_index smallint NOT NULL,
        occurred_at timestamptz NOT NULL,
        provider text NOT NULL,
        deployment_id text NOT NULL,
        model text NOT NULL,
        vendor_model text NOT NULL,
        ok boolean NOT NULL,
        error_code text,
        status smallint,
        latency_ms integer NOT NULL,
        ttft_ms integer,
        PRIMARY KEY (event_id, attempt_index)
      )`);
    await queryRunner.query(`CREATE INDEX usage_attempts_occurred_at_idx ON usage_attempts (occurred_at)`);

    for (const period of ['hourly', 'daily']) {
      for (const [cube, dimensions] of Object.entries(USAGE_CUBES)) {
        await queryRunner.query(`
          CREATE TABLE usage_rollup_${cube}_${period} (
            bucket timestamptz NOT NULL,
            ${dimensions.map((d) => `${d} text NOT NULL`).join(',\n            ')},
            requests bigint NOT NULL,
            errors bigint NOT NULL,
            cache_hits bigint NOT NULL,
            prompt_tokens bigint NOT NULL,
            completion_tokens bigint NOT NULL,
            cost_usd numeric(24, 10) NOT NULL,
            PRIMARY KEY (bucket, ${dimensions.join(', ')})
          )`);
      }
      // the full rollup is read for one user's or one key's usage: find their rows without a range scan
      for (const column of ['user_id', 'api_key_id']) {
        await queryRunner.query(
          `CREATE INDEX usage_rollup_full_${period}_${column}_idx ON usage_rollup_full_${period} (${column}, bucket)`,
        );
      }

      await queryRunner.query(`
        CREATE TABLE performance_rollup_${period} (
          bucket timestamptz NOT NULL,
          provider text NOT NULL,
          deployment_id text NOT NULL,
          model text NOT NULL,
          requests bigint NOT NULL,
          errors bigint NOT NULL,
          fallbacks bigint NOT NULL,
          cache_hits bigint NOT NULL,
          ${HISTOGRAM_COLUMNS.map((c) => `${c} integer[] NOT NULL`).join(',\n          ')},
          attempts bigint NOT NULL,
          failed_attempts bigint NOT NULL,
          PRIMARY KEY (bucket, provider, deployment_id, model)
        )`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const period of ['hourly', 'daily']) {
      await queryRunner.query(`DROP TABLE IF EXISTS performance_rollup_${period}`);
      for (const cube of Object.keys(USAGE_CUBES)) {
        await queryRunner.query(`DROP TABLE IF EXISTS usage_rollup_${cube}_${period}`);
      }
    }
    await queryRunner.query('DROP TABLE IF EXISTS usage_attempts');
    await queryRunner.query('DROP TABLE IF EXISTS usage_events');
  }
}
