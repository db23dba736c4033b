import type { RedisConfig } from '@app/config';
import { createRedisClient } from '@app/redis';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import type { UsageEvent } from '../events/usage-event';
import { closeRedis } from './close-redis';
import {
  bullmqPrefix,
  USAGE_BATCH_JOB,
  USAGE_QUEUE,
  WRITE_ATTEMPTS,
  WRITE_BACKOFF_TYPE,
  type UsageBatchJob,
} from './usage-queue';

/**
 * A batch job is retried until PostgreSQL takes it (delays from the writer's backoff strategy), then
 * removed: PostgreSQL holds the data. Only a batch PostgreSQL rejects as invalid ever fails; the last
 * thousand of those are kept for inspection.
 */
const JOB_OPTIONS = {
  attempts: WRITE_ATTEMPTS,
  backoff: { type: WRITE_BACKOFF_TYPE },
  removeOnComplete: true,
  removeOnFail: { count: 1_000 },
};

/** Pushes usage batches to the BullMQ queue the writer drains: one Redis round-trip per batch. */
export class UsageBatchProducer {
  readonly queue: Queue<UsageBatchJob>;
  readonly connection: Redis;

  constructor(config: RedisConfig) {
    this.connection = createRedisClient(config, 'queue', 'analytics');
    this.queue = new Queue<UsageBatchJob>(USAGE_QUEUE, {
      connection: this.connection,
      prefix: bullmqPrefix(config.keyPrefix),
    });
    this.queue.on('error', () => undefined);
  }

  async send(events: UsageEvent[]): Promise<void> {
    await this.queue.add(USAGE_BATCH_JOB, { events }, JOB_OPTIONS);
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    await closeRedis(this.connection);
  }
}
