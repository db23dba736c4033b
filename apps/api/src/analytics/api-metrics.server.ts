import { GatewayMetrics, MetricsHttpServer } from '@app/analytics';
import { AppConfig } from '@app/config';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { metricsSource, type MetricsText } from '../cluster/cluster-metrics';

/**
 * With `analytics.metrics.port` set: GET /metrics on that port, unauthenticated (instead of on the api).
 * `scrape` is what either answers: this process's metrics, or in an api cluster the whole cluster's.
 */
@Injectable()
export class ApiMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: MetricsHttpServer;
  readonly scrape: () => Promise<MetricsText>;
  /** The port bound, once listening on a separate port. */
  port: number | undefined;

  constructor(
    private readonly config: AppConfig,
    metrics: GatewayMetrics,
  ) {
    this.scrape = metricsSource(metrics.registry);
    this.server = new MetricsHttpServer(this.scrape);
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
