import { GatewayMetrics, MetricsHttpServer } from '@app/analytics';
import { AppConfig } from '@app/config';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/** The worker's GET /metrics on `analytics.metrics.workerPort` (0 = none). */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: MetricsHttpServer;

  constructor(
    private readonly config: AppConfig,
    metrics: GatewayMetrics,
  ) {
    this.server = new MetricsHttpServer(metrics.registry);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { metrics } = this.config.analytics;
    if (!metrics.enabled || !metrics.workerPort) return;
    const port = await this.server.listen(metrics.workerPort, this.config.server.host);
    new Logger('WorkerMetrics').log(`worker metrics on port ${port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
  }
}
