import 'reflect-metadata';
import { exitGracefullyOnSignals, exitOnStartupFailure } from '@app/common';
import { isEmbedded, loadConfigOrExit } from '@app/config';
import { ConsoleLogger, Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import { apiProcessCount, runApiCluster } from './cluster/api-cluster';
import { serveClusterMetrics } from './cluster/cluster-metrics';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  if (isEmbedded(config)) {
    const { runEmbedded } = await import('./embedded/run-embedded.js');
    return runEmbedded(config);
  }
  const processes = apiProcessCount(config.server.processes);
  if (processes > 1 && cluster.isPrimary) {
    const { shutdownTimeoutMs } = config.server;
    serveClusterMetrics();
    return runApiCluster({
      processes,
      shutdownTimeoutMs,
      logger: new ConsoleLogger('ApiCluster', { json: true }),
    });
  }
  // loaded here, not at the top: a cluster's primary only forks and supervises, without the app's modules
  const { createApiApp } = await import('./create-api-app.js');
  const app = await createApiApp(config);
  await app.listen({ port: config.server.port, host: config.server.host });
  const logger = new Logger('Api');
  logger.log(`api listening on ${await app.getUrl()}`);
  // Fastify stops accepting connections and waits for in-flight requests (streams included).
  exitGracefullyOnSignals(() => app.close(), config.server.shutdownTimeoutMs, logger);
}

bootstrap().catch(exitOnStartupFailure('api'));
