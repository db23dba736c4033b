import { ChatModule } from '@app/chat';
import { AppConfig } from '@app/config';
import { ModelCatalog } from '@app/llm';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { UsageBatchProducer } from '../ingest/usage-batch-producer';
import { UsageRecorder } from '../ingest/usage-recorder';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { PriceTable } from '../pricing/price-table';
import { AnalyticsSubscriptions } from './analytics-subscriptions';
import { ANALYTICS_ORIGIN, type AnalyticsOrigin } from './analytics.tokens';
import { publicModelResolver } from './public-model-resolver';
import { ThrottledWarning } from './throttled-warning';

/**
 * Usage accounting and metrics for a process that serves chat (api, worker): the recorder, its Redis
 * producer, the metrics registry and the subscriptions that feed them. Global: anything may record
 * usage (`UsageRecorder.record`) or add metrics (`GatewayMetrics.registry`).
 */
@Module({})
export class AnalyticsModule {
  static forRoot(origin: AnalyticsOrigin): DynamicModule {
    return {
      module: AnalyticsModule,
      global: true,
      imports: [ChatModule],
      providers: [
        { provide: ANALYTICS_ORIGIN, useValue: origin },
        { provide: GatewayMetrics, useFactory: () => new GatewayMetrics() },
        {
          provide: PriceTable,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => new PriceTable(config.analytics.prices),
        },
        {
          provide: UsageBatchProducer,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => new UsageBatchProducer(config),
        },
        {
          provide: UsageRecorder,
          inject: [AppConfig, UsageBatchProducer, GatewayMetrics, PriceTable, ModelCatalog, ANALYTICS_ORIGIN],
          useFactory: (
            config: AppConfig,
            producer: UsageBatchProducer,
            metrics: GatewayMetrics,
            prices: PriceTable,
            catalog: ModelCatalog,
            origin: AnalyticsOrigin,
          ) => {
            const warning = new ThrottledWarning(new Logger('UsageRecorder'));
            const { ingest } = config.analytics;
            return new UsageRecorder(producer, metrics, {
              enabled: config.analytics.enabled,
              batching: {
                batchSize: ingest.batchSize,
                flushIntervalMs: ingest.flushIntervalMs,
                maxBuffered: ingest.maxBufferedEvents,
              },
              mapping: { origin, prices, publicModel: publicModelResolver(catalog) },
              warn: (message) => warning.warn(message),
            });
          },
        },
        AnalyticsSubscriptions,
      ],
      exports: [GatewayMetrics, PriceTable, UsageRecorder, UsageBatchProducer, ANALYTICS_ORIGIN],
    };
  }
}
