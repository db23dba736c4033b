import { purgeExpiredUsage, USAGE_MAINTENANCE_QUEUE, USAGE_PURGE_JOB } from '@app/analytics';
import { AppConfig } from '@app/config';
import {
  closeQueueConnection,
  createQueue,
  createWorker,
  openQueueConnection,
  type QueueConnection,
} from '@app/redis';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import { DataSource } from 'typeorm';

const SCHEDULER_ID = 'usage-retention';

/**
 * The retention purge as a BullMQ job scheduler: one run per `analytics.purgeIntervalMs` across every
 * worker process (the scheduler is shared through Redis), executed by whichever worker picks it up.
 */
@Injectable()
export class UsageRetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UsageRetention');
  private connection: QueueConnection | undefined;
  private queue: Queue | undefined;
  private worker: Worker | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    const { analytics } = this.config;
    const connection = openQueueConnection(this.config, 'usage-retention');
    this.connection = connection;
    this.queue = createQueue(USAGE_MAINTENANCE_QUEUE, connection);
    this.worker = createWorker(USAGE_MAINTENANCE_QUEUE, () => this.purge(), connection);
    this.worker.on('error', () => undefined);
    const enabled = analytics.retentionDays > 0 || analytics.rollups.hourlyRetentionDays > 0;
    // not awaited: a worker must start even while Redis is away; BullMQ applies it once connected
    const scheduling = enabled
      ? this.queue.upsertJobScheduler(
          SCHEDULER_ID,
          { every: analytics.purgeIntervalMs },
          { name: USAGE_PURGE_JOB, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
        )
      : this.queue.removeJobScheduler(SCHEDULER_ID);
    scheduling.catch((error: unknown) =>
      this.logger.warn(`could not schedule the usage purge: ${String(error)}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.queue?.close().catch(() => undefined);
    await closeQueueConnection(this.connection);
  }

  async purge(): Promise<void> {
    const { analytics } = this.config;
    const deleted = await purgeExpiredUsage(
      this.dataSource,
      { eventsDays: analytics.retentionDays, hourlyRollupDays: analytics.rollups.hourlyRetentionDays },
      Date.now(),
    );
    const total = Object.values(deleted).reduce((sum, n) => sum + n, 0);
    if (total > 0) this.logger.log({ deleted }, 'purged expired usage rows');
  }
}
