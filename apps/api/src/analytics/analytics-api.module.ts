import { AnalyticsModule, AnalyticsQueryService } from '@app/analytics';
import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AnalyticsController } from './analytics.controller';
import { ApiMetricsServer } from './api-metrics.server';
import { HttpMetricsHook } from './http-metrics.hook';
import { MetricsController } from './metrics.controller';

/** Usage accounting of api requests, the admin analytics endpoints and GET /metrics. */
@Module({
  imports: [AnalyticsModule.forRoot('api')],
  controllers: [AnalyticsController, MetricsController],
  providers: [
    {
      provide: AnalyticsQueryService,
      inject: [DataSource],
      useFactory: (db: DataSource) => new AnalyticsQueryService(db),
    },
    HttpMetricsHook,
    ApiMetricsServer,
  ],
})
export class AnalyticsApiModule {}
