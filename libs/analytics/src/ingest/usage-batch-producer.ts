import type { AppConfig } from '@app/config';
import { closeQueueConnection, createQueue, openQueueConnection, type QueueConnection } from '@app/redis';
import type { Queue } from 'bullmq';
import type { UsageEvent } from '../events/usage-event';
import { encodeUsageBatch } from './usage-batch-codec';
import {
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

/** Pushes usage batches to the BullMQ queue the writer drains: one round-trip to the queue store per batch. */
export class UsageBatchProducer {
  readonly queue: Queue<UsageBatchJob>;
  readonly connection: QueueConnection;

  constructor(config: AppConfig) {
    this.connection = openQueueConnection(config, 'analytics');
    this.queue = createQueue<UsageBatchJob>(USAGE_QUEUE, this.connection);
  }

  async send(events: UsageEvent[]): Promise<void> {
    await this.queue.add(USAGE_BATCH_JOB, await encodeUsageBatch(events), JOB_OPTIONS);
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    await closeQueueConnection(this.connection);
  }
}
