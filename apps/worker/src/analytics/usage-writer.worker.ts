import {
  decodeUsageBatch,
  GatewayMetrics,
  isPermanentWriteError,
  ThrottledWarning,
  USAGE_QUEUE,
  UsageBatchWriter,
  writeRetryDelayMs,
  type UsageBatchJob,
  type UsageEvent,
} from '@app/analytics';
import { AppConfig } from '@app/config';
import { closeQueueConnection, createWorker, openQueueConnection, type QueueConnection } from '@app/redis';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import { DataSource } from 'typeorm';

/** A worker killed mid-batch leaves its job stalled; the batch is idempotent, so it is always picked up again. */
const MAX_STALLED_COUNT = 1_000;

/**
 * Drains usage batches from Redis into PostgreSQL. A job completes (is acknowledged) only after its
 * transaction committed; while PostgreSQL is down, jobs fail and come back after a capped exponential
 * delay, so events wait in Redis instead of being lost.
 */
@Injectable()
export class UsageWriterWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UsageWriter');
  private readonly failures = new ThrottledWarning(this.logger);
  private readonly writer: UsageBatchWriter;
  private connection: QueueConnection | undefined;
  private worker: Worker<UsageBatchJob> | undefined;

  constructor(
    private readonly config: AppConfig,
    dataSource: DataSource,
    private readonly metrics: GatewayMetrics,
  ) {
    this.writer = new UsageBatchWriter(dataSource);
  }

  onApplicationBootstrap(): void {
    const { writer } = this.config.analytics;
    this.connection = openQueueConnection(this.config, 'usage-writer');
    this.worker = createWorker<UsageBatchJob>(USAGE_QUEUE, (job) => this.process(job), this.connection, {
      concurrency: writer.concurrency,
      maxStalledCount: MAX_STALLED_COUNT,
      settings: {
        backoffStrategy: (attemptsMade) =>
          writeRetryDelayMs(attemptsMade, writer.retryDelayMs, writer.maxRetryDelayMs),
      },
    });
    this.worker.on('error', (error) => this.failures.warn(`usage writer: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await closeQueueConnection(this.connection);
  }

  private async process(job: Job<UsageBatchJob>): Promise<void> {
    let events: UsageEvent[];
    try {
      events = await decodeUsageBatch(job.data);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.metrics.usageWriteFailures.inc({ kind: 'permanent' });
      this.logger.error(`usage batch ${job.id} kept in the failed set: ${message}`);
      throw new UnrecoverableError(message);
    }
    try {
      const result = await this.writer.write(events);
      this.metrics.usageEventsWritten.inc(result.inserted);
      if (result.duplicates > 0) {
        this.logger.log(
          `usage batch ${job.id}: ${result.duplicates} events were already written (redelivery)`,
        );
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = isPermanentWriteError(error);
      this.metrics.usageWriteFailures.inc({ kind: permanent ? 'permanent' : 'retried' });
      if (permanent) {
        this.logger.error(`usage batch ${job.id} rejected by PostgreSQL, kept in the failed set: ${message}`);
        throw new UnrecoverableError(message);
      }
      this.failures.warn(`usage batch ${job.id} not written yet (will retry): ${message}`);
      throw error;
    }
  }
}
