import { DatabaseConfig, isEmbedded, type AppConfig } from '@app/config';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * Runs `run` against the database the config names. In embedded mode that is the in-process one, opened
 * for the call and closed after: refused while a gateway holds its data folder (one process per folder).
 * For the command-line tools (migrate, user:create).
 */
export async function withConfiguredDatabase<T>(
  config: AppConfig,
  run: (database: DatabaseConfig) => Promise<T>,
): Promise<T> {
  if (!isEmbedded(config)) return run(config.database);
  const postgres = await startEmbeddedPostgres(config.embedded.dataDir);
  try {
    return await run(Object.assign(new DatabaseConfig(), config.database, { url: postgres.url }));
  } finally {
    await postgres.stop();
  }
}
