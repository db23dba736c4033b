import type { DatabaseConfig } from '@app/config';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';
import { TypeOrmNestLogger } from './typeorm-logger';

/**
 * One place that turns config into TypeORM options: used by the Nest module and the migrate command.
 * `unboundedQueries` (the migrate command) lifts database.queryTimeoutMs for long migrations.
 */
export function typeormOptions(
  config: DatabaseConfig,
  opts: { unboundedQueries?: boolean } = {},
): DataSourceOptions {
  const queryTimeoutMs = opts.unboundedQueries ? 0 : config.queryTimeoutMs;
  return {
    type: 'postgres',
    url: config.url,
    synchronize: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    // The migrations use core gen_random_uuid(): no extension to install (PGlite could not anyway).
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    extra: {
      max: config.poolSize,
      connectionTimeoutMillis: config.connectTimeoutMs,
      // pg's client-side bound on each query (a hung server, a partition without resets)
      ...(queryTimeoutMs > 0 ? { query_timeout: queryTimeoutMs } : {}),
      // notice a peer that vanished without closing the connection
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    },
    logging: ['error', 'warn', 'migration'],
    logger: new TypeOrmNestLogger(),
    maxQueryExecutionTime: 1_000,
  };
}
