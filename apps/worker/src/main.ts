import 'reflect-metadata';
import { exitGracefullyOnSignals, exitOnStartupFailure } from '@app/common';
import { loadConfigOrExit } from '@app/config';
import { Logger } from '@nestjs/common';
import { createWorkerApp } from './create-worker-app';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createWorkerApp(config);
  const logger = new Logger('Worker');
  logger.log(`worker started (pid ${process.pid})`);
  // Processors stop taking jobs and finish the running ones within the timeout.
  exitGracefullyOnSignals(
    async () => {
      await app.close();
      logger.log('worker stopped');
    },
    config.server.shutdownTimeoutMs,
    logger,
  );
}

bootstrap().catch(exitOnStartupFailure('worker'));
