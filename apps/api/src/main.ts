import 'reflect-metadata';
import { ConfigValidationError, loadConfig, type AppConfig } from '@app/config';
import { Logger } from '@nestjs/common';
import { createApiApp } from './create-api-app';

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApiApp(config);
  await app.listen({ port: config.server.port, host: config.server.host });
  const logger = new Logger('Api');
  logger.log(`api listening on ${await app.getUrl()}`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: draining for up to ${config.server.shutdownTimeoutMs} ms`);
    const force = setTimeout(() => {
      logger.warn('drain timeout reached, exiting');
      process.exit(1);
    }, config.server.shutdownTimeoutMs);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `api failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
