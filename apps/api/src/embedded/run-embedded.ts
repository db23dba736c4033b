import { exitGracefullyOnSignals } from '@app/common';
import { DatabaseConfig, type AppConfig } from '@app/config';
import { startEmbeddedPostgres } from '@app/database';
import { migrateQueueSchema, QUEUE_SCHEMA } from '@app/redis';
import { Logger } from '@nestjs/common';
import { createWorkerApp } from '../../../worker/src/create-worker-app';
import { createApiApp } from '../create-api-app';

/**
 * Embedded mode: PostgreSQL (PGlite) inside this process, no Redis, and the api and the worker as two
 * Nest containers of this one process. Same modules, migrations and API as the full stack.
 */
export async function runEmbedded(config: AppConfig): Promise<void> {
  const logger = new Logger('Embedded');
  // The app's tables first, then BullMQ's (its queue functions are called unqualified).
  const postgres = await startEmbeddedPostgres(config.embedded.dataDir, ['public', QUEUE_SCHEMA]);
  try {
    // The section is optional in embedded mode (pool size, timeouts may still be set there).
    config.database = Object.assign(new DatabaseConfig(), config.database, { url: postgres.url });
    config.server.processes = 1;
    await migrateQueueSchema(postgres.url);
    const api = await createApiApp(config);
    const worker = await createWorkerApp(config);
    await api.listen({ port: config.server.port, host: config.server.host });
    logger.warn(
      `embedded mode: PostgreSQL in-process (PGlite, data in ${postgres.dataDir}), no Redis, api and worker ` +
        'in this one process. Not for production: one process only (no second instance, no separate ' +
        'workers), limits and caches are per process. For the full stack ' +
        'set mode: full (MPB_MODE=full) with DATABASE_URL and REDIS_URL.',
    );
    logger.log(`api listening on ${await api.getUrl()} (embedded mode, pid ${process.pid})`);
    exitGracefullyOnSignals(
      async () => {
        await api.close();
        await worker.close();
        await postgres.stop();
      },
      config.server.shutdownTimeoutMs,
      logger,
    );
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
