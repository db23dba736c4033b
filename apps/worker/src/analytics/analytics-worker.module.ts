import { AnalyticsModule } from '@app/analytics';
import { Module } from '@nestjs/common';
import { UsageRetentionJob } from './usage-retention.job';
import { UsageWriterWorker } from './usage-writer.worker';
import { WorkerMetricsServer } from './worker-metrics.server';

/** Analytics in the worker: usage events of tasks, the writer into PostgreSQL, the retention purge. */
@Module({
  imports: [AnalyticsModule.forRoot('worker')],
  providers: [UsageWriterWorker, UsageRetentionJob, WorkerMetricsServer],
})
export class AnalyticsWorkerModule {}
