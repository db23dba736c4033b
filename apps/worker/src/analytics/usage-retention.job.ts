import {
  bullmqPrefix,
  closeRedis,
  purgeExpiredUsage,
  USAGE_MAINTENANCE_QUEUE,
  USAGE_PURGE_JOB,
} from '@app/analytics';
import { AppConfig } from '@app/config';
import { createRedisClient } from '@app/redis';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';

const SCHEDULER_ID = 'usage-retention';

/**
 * The retention purge as a BullMQ job scheduler: one run per `analytics.purgeIntervalMs` across every
 * worker process (the scheduler is shared through Redis), executed by whichever worker picks it up.
 */
@Injectable()
export class UsageRetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UsageRetention');
  private connection: Redis | undefined;
  private queue: Queue | undefined;
  private worker: Worker | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    const { analytics } = this.config;
    const connection = createRedisClient(this.config.redis, 'queue', 'usage-retention');
    const options = { connection, prefix: bullmqPrefix(this.config.redis.keyPrefix) };
    this.connection = connection;
    this.queue = new Queue(USAGE_MAINTENANCE_QUEUE, options);
    this.queue.on('error', () => undefined);
    this.worker = new Worker(USAGE_MAINTENANCE_QUEUE, () => this.purge(), options);
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
    await closeRedis(this.connection);
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
