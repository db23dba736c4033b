import { GatewayMetrics, MetricsHttpServer } from '@app/analytics';
import { AppConfig } from '@app/config';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/** With `analytics.metrics.port` set: GET /metrics on that port, unauthenticated (instead of on the api). */
@Injectable()
export class ApiMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: MetricsHttpServer;
  /** The port bound, once listening on a separate port. */
  port: number | undefined;

  constructor(
    private readonly config: AppConfig,
    metrics: GatewayMetrics,
  ) {
    this.server = new MetricsHttpServer(metrics.registry);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { enabled, port } = this.config.analytics.metrics;
    if (!enabled || port === 0) return;
    this.port = await this.server.listen(port, this.config.server.host);
    new Logger('Metrics').log(`metrics on port ${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
  }
}
