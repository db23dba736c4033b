import 'reflect-metadata';
import { exitGracefullyOnSignals, exitOnStartupFailure } from '@app/common';
import { loadConfigOrExit } from '@app/config';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoLogger));
  await app.init();
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
